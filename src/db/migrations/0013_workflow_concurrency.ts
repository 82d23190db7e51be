import { sql, type Kysely } from 'kysely';
import { sqlList } from './state-sql.js';

// Frozen as released with this migration (never import live constants).
const OPEN = ['pending', 'queued', 'running', 'retrying'];
const TERMINAL = ['complete', 'failed', 'timeout', 'cancelled', 'expired'];
const CHANNEL = 'conveyor_slots';
/** A DAG run's slot row: its run id, attempt 1 whichever activity attempt takes it. */
const RUN_SLOT_ATTEMPT = 1;

/**
 * Workflow-level concurrency: a DAG run holds one slot (row `run_id` = the run id) for its
 * whole lifetime, not for one activity attempt. `conveyor_acquire_run_slot` is
 * `conveyor_acquire_slot` for such a run, in the same round trip: it locks the run's row (so
 * a concurrent close happens wholly before or after it), gives up its place when the row has
 * closed, gives a granted slot a lease that never runs out, and keeps the row's status in
 * step (`queued` with its reason while it waits, `running` again once granted) and records
 * the key it counts against in `concurrency_key`. The slot is released by a trigger when the
 * run's row closes, whoever closes it (the workflow, the reconciler, the expiry sweeper), in
 * that same transaction, and its scope NOTIFYed; a run without a key (an unlimited workflow's)
 * does not fire it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql.raw(`
    CREATE FUNCTION conveyor_acquire_run_slot(p_run text, p_scope text, p_key text, p_limit integer, p_per_key integer, p_priority integer, p_lease_ms integer)
    RETURNS TABLE (granted boolean, reason text, queue_position integer, retry_at timestamptz) LANGUAGE plpgsql VOLATILE AS $$
    DECLARE
      v record;
    BEGIN
      SELECT greatest(r.created_at, r.run_at) AS due INTO v FROM runs r
       WHERE r.id = p_run AND r.status IN (${OPEN.map((s) => `'${s}'`).join(', ')}) FOR SHARE;
      IF NOT FOUND THEN
        PERFORM conveyor_release_slot(p_run, ${RUN_SLOT_ATTEMPT});
        RETURN QUERY SELECT false, 'run closed'::text, 0, NULL::timestamptz;
        RETURN;
      END IF;
      -- The key the run counts against, on its row: it also tells the release trigger that this run may hold a slot.
      UPDATE runs r SET concurrency_key = p_key WHERE r.id = p_run AND r.concurrency_key IS DISTINCT FROM p_key;
      -- Its place in line dates from when the run was due (triggered, or its delay ended), not from when its
      -- workflow got to ask: runs triggered in order wait in that order (conveyor_acquire_slot keeps the date).
      -- A waiting row whose lease lapsed (its worker died; the activity was retried) is renewed, not reaped:
      -- the run keeps its place.
      INSERT INTO concurrency_slots AS s (run_id, attempt, scope, key, priority, enqueued_at, lease_expires_at)
      VALUES (p_run, ${RUN_SLOT_ATTEMPT}, p_scope, p_key, p_priority, v.due, clock_timestamp() + p_lease_ms * interval '1 millisecond')
      ON CONFLICT (run_id) DO UPDATE SET lease_expires_at = greatest(s.lease_expires_at, EXCLUDED.lease_expires_at);
      SELECT * INTO v FROM conveyor_acquire_slot(p_run, ${RUN_SLOT_ATTEMPT}, p_scope, p_key, p_limit, p_per_key, p_priority, p_lease_ms) a;
      IF v.granted THEN
        UPDATE concurrency_slots s SET lease_expires_at = 'infinity' WHERE s.run_id = p_run;
        UPDATE runs r SET status = 'running', started_at = now() WHERE r.id = p_run AND r.status = 'queued';
      ELSE
        UPDATE runs r SET status = 'queued', queued_reason = v.reason || ', position ' || v.queue_position
         WHERE r.id = p_run AND r.status IN (${OPEN.map((s) => `'${s}'`).join(', ')});
      END IF;
      RETURN QUERY SELECT v.granted, v.reason, v.queue_position, v.retry_at;
    END $$`).execute(db);
  await sql.raw(`
    CREATE FUNCTION conveyor_release_closed_run_slot() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      v_scope text;
    BEGIN
      DELETE FROM concurrency_slots s WHERE s.run_id = NEW.id RETURNING s.scope INTO v_scope;
      IF v_scope IS NOT NULL THEN PERFORM pg_notify('${CHANNEL}', v_scope); END IF;
      RETURN NULL;
    END $$`).execute(db);
  // Only the close of a workflow run that took a slot (its key is on the row) fires it: an unlimited
  // workflow's run never touches the slot table; a task run's slot belongs to its attempt (the activity frees it).
  await sql`
    CREATE TRIGGER runs_release_workflow_slot AFTER UPDATE OF status ON runs FOR EACH ROW
    WHEN (NEW.kind = 'workflow' AND NEW.concurrency_key IS NOT NULL
          AND NEW.status IN (${sqlList(TERMINAL)}) AND OLD.status NOT IN (${sqlList(TERMINAL)}))
    EXECUTE FUNCTION conveyor_release_closed_run_slot()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TRIGGER runs_release_workflow_slot ON runs`.execute(db);
  await sql`DROP FUNCTION conveyor_release_closed_run_slot()`.execute(db);
  await sql`DROP FUNCTION conveyor_acquire_run_slot(text, text, text, integer, integer, integer, integer)`.execute(db);
}
