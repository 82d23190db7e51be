import { sql, type Kysely } from 'kysely';
import { applyStateMachine } from './state-sql.js';

// Frozen as released with this migration (never import live constants).
const STATE_MACHINE = {
  states: ['pending', 'queued', 'running', 'retrying', 'complete', 'failed', 'timeout', 'cancelled', 'expired'],
  transitions: {
    pending: ['queued', 'running', 'failed', 'timeout', 'cancelled', 'expired'],
    queued: ['running', 'failed', 'timeout', 'cancelled', 'expired'],
    running: ['queued', 'running', 'retrying', 'complete', 'failed', 'timeout', 'cancelled'],
    retrying: ['queued', 'running', 'failed', 'timeout', 'cancelled'],
    complete: [],
    failed: [],
    timeout: [],
    cancelled: [],
    expired: [],
  },
};
const CHANNEL = 'conveyor_slots';
const OLD_STATE_MACHINE = {
  states: ['pending', 'running', 'retrying', 'complete', 'failed', 'timeout', 'cancelled', 'expired'],
  transitions: {
    pending: ['running', 'failed', 'timeout', 'cancelled', 'expired'],
    running: ['running', 'retrying', 'complete', 'failed', 'timeout', 'cancelled'],
    retrying: ['running', 'failed', 'timeout', 'cancelled'],
    complete: [],
    failed: [],
    timeout: [],
    cancelled: [],
    expired: [],
  },
};

/**
 * Concurrency limits: the `queued` state, a run's priority and concurrency key, and the slot
 * table. A row of `concurrency_slots` is an attempt holding a slot (`held`) or waiting for
 * one, with a lease its activity renews; an expired lease (a dead worker) is deleted by the
 * next acquisition in its scope. `conveyor_acquire_slot` decides under an advisory lock per
 * scope (per scope+key when only `perKey` is set), in one round trip; `conveyor_release_slot`
 * deletes the row and NOTIFYs the scope so its waiters try again.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE runs ADD COLUMN priority smallint NOT NULL DEFAULT 3`.execute(db);
  await sql`ALTER TABLE runs ADD COLUMN concurrency_key text`.execute(db);
  await sql`ALTER TABLE runs ADD COLUMN queued_reason text`.execute(db);
  await applyStateMachine(db, STATE_MACHINE);
  // The reconciler's page of open runs now includes queued ones.
  await sql`DROP INDEX runs_open_id_idx`.execute(db);
  await sql`CREATE INDEX runs_open_id_idx ON runs (id) WHERE status IN ('pending', 'queued', 'running', 'retrying')`.execute(db);
  await sql`
    CREATE TABLE concurrency_slots (
      run_id text PRIMARY KEY,
      attempt integer NOT NULL,
      scope text NOT NULL,
      key text NOT NULL,
      priority smallint NOT NULL,
      enqueued_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      held boolean NOT NULL DEFAULT false,
      lease_expires_at timestamptz NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX concurrency_slots_scope ON concurrency_slots (scope, key)`.execute(db);
  await sql.raw(`
    CREATE FUNCTION conveyor_acquire_slot(p_run text, p_attempt integer, p_scope text, p_key text, p_limit integer, p_per_key integer, p_priority integer, p_lease_ms integer)
    RETURNS TABLE (granted boolean, reason text, queue_position integer, retry_at timestamptz) LANGUAGE plpgsql VOLATILE AS $$
    DECLARE
      v_enqueued timestamptz;
      v_held boolean;
      v_scope_held integer;
      v_scope_ahead integer;
      v_key_held integer;
      v_key_ahead integer;
    BEGIN
      -- Every statement below sees what the previous lock holder committed (a fresh snapshot per statement).
      PERFORM pg_advisory_xact_lock(hashtext('conveyor_slot'), hashtext(CASE WHEN p_limit IS NULL THEN p_scope || chr(31) || p_key ELSE p_scope END));
      DELETE FROM concurrency_slots s WHERE s.scope = p_scope AND (p_limit IS NOT NULL OR s.key = p_key) AND s.lease_expires_at < clock_timestamp();
      INSERT INTO concurrency_slots AS s (run_id, attempt, scope, key, priority, lease_expires_at)
      VALUES (p_run, p_attempt, p_scope, p_key, p_priority, clock_timestamp() + p_lease_ms * interval '1 millisecond')
      ON CONFLICT (run_id) DO UPDATE SET
        held = s.held AND s.attempt = EXCLUDED.attempt,
        attempt = EXCLUDED.attempt, scope = EXCLUDED.scope, key = EXCLUDED.key, priority = EXCLUDED.priority,
        lease_expires_at = EXCLUDED.lease_expires_at
      RETURNING s.enqueued_at, s.held INTO v_enqueued, v_held;
      IF v_held THEN
        RETURN QUERY SELECT true, NULL::text, 0, NULL::timestamptz;
        RETURN;
      END IF;
      SELECT count(*) FILTER (WHERE s.held),
             count(*) FILTER (WHERE NOT s.held AND (s.priority, s.enqueued_at, s.run_id) < (p_priority, v_enqueued, p_run)),
             count(*) FILTER (WHERE s.key = p_key AND s.held),
             count(*) FILTER (WHERE s.key = p_key AND NOT s.held AND (s.priority, s.enqueued_at, s.run_id) < (p_priority, v_enqueued, p_run))
        INTO v_scope_held, v_scope_ahead, v_key_held, v_key_ahead
        FROM concurrency_slots s WHERE s.scope = p_scope AND s.run_id <> p_run;
      IF p_limit IS NOT NULL AND v_scope_held + v_scope_ahead >= p_limit THEN
        RETURN QUERY SELECT false, 'limit ' || p_limit, v_scope_ahead + 1,
          (SELECT min(s.lease_expires_at) FROM concurrency_slots s WHERE s.scope = p_scope AND s.run_id <> p_run);
      ELSIF p_per_key IS NOT NULL AND v_key_held + v_key_ahead >= p_per_key THEN
        RETURN QUERY SELECT false, 'perKey ' || p_per_key || ' (key ' || p_key || ')', v_key_ahead + 1,
          (SELECT min(s.lease_expires_at) FROM concurrency_slots s WHERE s.scope = p_scope AND s.key = p_key AND s.run_id <> p_run);
      ELSE
        UPDATE concurrency_slots s SET held = true WHERE s.run_id = p_run;
        RETURN QUERY SELECT true, NULL::text, 0, NULL::timestamptz;
      END IF;
    END $$`).execute(db);
  await sql.raw(`
    CREATE FUNCTION conveyor_release_slot(p_run text, p_attempt integer) RETURNS void LANGUAGE plpgsql AS $$
    DECLARE
      v_scope text;
    BEGIN
      DELETE FROM concurrency_slots s WHERE s.run_id = p_run AND s.attempt = p_attempt RETURNING s.scope INTO v_scope;
      IF v_scope IS NOT NULL THEN PERFORM pg_notify('${CHANNEL}', v_scope); END IF;
    END $$`).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP FUNCTION conveyor_release_slot(text, integer)`.execute(db);
  await sql`DROP FUNCTION conveyor_acquire_slot(text, integer, text, text, integer, integer, integer, integer)`.execute(db);
  await sql`DROP TABLE concurrency_slots`.execute(db);
  await sql`UPDATE runs SET status = 'cancelled' WHERE status = 'queued'`.execute(db);
  await applyStateMachine(db, OLD_STATE_MACHINE);
  await sql`DROP INDEX runs_open_id_idx`.execute(db);
  await sql`CREATE INDEX runs_open_id_idx ON runs (id) WHERE status IN ('pending', 'running', 'retrying')`.execute(db);
  await sql`ALTER TABLE runs DROP COLUMN queued_reason`.execute(db);
  await sql`ALTER TABLE runs DROP COLUMN concurrency_key`.execute(db);
  await sql`ALTER TABLE runs DROP COLUMN priority`.execute(db);
}
