import { sql, type Kysely } from 'kysely';

// Frozen as released with this migration (never import live constants).
const CHANNEL = 'conveyor_run_events';
// NOTIFY payloads are limited to 8,000 bytes: the error message is cut well below that.
const MESSAGE_CHARS = 2000;

/**
 * Run events without polling: every new run and every change of a run's status or attempt
 * is NOTIFYed on `conveyor_run_events` (the dev console LISTENs). API keys can be revoked:
 * a revoked key stays in the table, so "keys exist" (enforcement) never turns back off.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE api_keys ADD COLUMN revoked_at timestamptz`.execute(db);
  await sql.raw(`
    CREATE FUNCTION conveyor_notify_run_event() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'UPDATE' AND OLD.status IS NOT DISTINCT FROM NEW.status AND OLD.attempt IS NOT DISTINCT FROM NEW.attempt THEN
        RETURN NEW;
      END IF;
      PERFORM pg_notify('${CHANNEL}', json_build_object(
        'id', NEW.id,
        'task', NEW.task,
        'kind', NEW.kind,
        'status', NEW.status,
        'previousStatus', CASE WHEN TG_OP = 'UPDATE' THEN OLD.status END,
        'attempt', NEW.attempt,
        'errorType', NEW.error->>'type',
        'errorMessage', left(NEW.error->>'message', ${MESSAGE_CHARS}),
        'createdAt', NEW.created_at,
        'startedAt', NEW.started_at,
        'completedAt', NEW.completed_at
      )::text);
      RETURN NEW;
    END $$`).execute(db);
  await sql`
    CREATE TRIGGER runs_notify_event AFTER INSERT OR UPDATE ON runs
    FOR EACH ROW EXECUTE FUNCTION conveyor_notify_run_event()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TRIGGER runs_notify_event ON runs`.execute(db);
  await sql`DROP FUNCTION conveyor_notify_run_event()`.execute(db);
  await sql`ALTER TABLE api_keys DROP COLUMN revoked_at`.execute(db);
}
