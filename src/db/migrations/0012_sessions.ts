import { sql, type Kysely } from 'kysely';

// Frozen as released with this migration (never import live constants).
const RUN_EVENTS_CHANNEL = 'conveyor_run_events';
const RUN_LOGS_CHANNEL = 'conveyor_run_logs';
const RUN_STEPS_CHANNEL = 'conveyor_run_steps';
const MESSAGE_CHARS = 2000;

/**
 * The dashboard's server side:
 * - `sessions`: browser sessions opened with an API key, stored as the SHA-256 of their
 *   random token, expiring, revocable, and dead with their key.
 * - Live updates without polling: a log flush NOTIFYs `conveyor_run_logs` with the run id
 *   (once per statement, from a transition table, so a 5,000-line flush is one NOTIFY), a
 *   step record change NOTIFYs `conveyor_run_steps` (Postgres folds repeats of one payload
 *   within a transaction). Run events also carry triggeredBy, tags and the workflow version,
 *   so a runs list can tell whether a new run matches its filters without a query.
 * - Indexes for the runs list: by status (newest first) and run id prefix search.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE sessions (
      token_hash text PRIMARY KEY,
      api_key_id text NOT NULL REFERENCES api_keys (id),
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      revoked_at timestamptz
    )`.execute(db);
  await sql`CREATE INDEX sessions_expires_idx ON sessions (expires_at)`.execute(db);
  await sql`CREATE INDEX sessions_api_key_idx ON sessions (api_key_id)`.execute(db);

  await sql`CREATE INDEX runs_status_created_idx ON runs (status, created_at DESC, id DESC)`.execute(db);
  await sql`CREATE INDEX runs_id_prefix_idx ON runs (id text_pattern_ops)`.execute(db);

  await sql.raw(`
    CREATE FUNCTION conveyor_notify_run_logs() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('${RUN_LOGS_CHANNEL}', r.run_id) FROM (SELECT DISTINCT run_id FROM fresh_lines) r;
      RETURN NULL;
    END $$`).execute(db);
  await sql`
    CREATE TRIGGER run_logs_notify AFTER INSERT ON run_logs
    REFERENCING NEW TABLE AS fresh_lines
    FOR EACH STATEMENT EXECUTE FUNCTION conveyor_notify_run_logs()`.execute(db);

  await sql.raw(`
    CREATE FUNCTION conveyor_notify_run_steps() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('${RUN_STEPS_CHANNEL}', NEW.run_id);
      RETURN NEW;
    END $$`).execute(db);
  await sql`
    CREATE TRIGGER run_steps_notify AFTER INSERT OR UPDATE ON run_steps
    FOR EACH ROW EXECUTE FUNCTION conveyor_notify_run_steps()`.execute(db);

  await sql.raw(`
    CREATE OR REPLACE FUNCTION conveyor_notify_run_event() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'UPDATE' AND OLD.status IS NOT DISTINCT FROM NEW.status AND OLD.attempt IS NOT DISTINCT FROM NEW.attempt THEN
        RETURN NEW;
      END IF;
      PERFORM pg_notify('${RUN_EVENTS_CHANNEL}', json_build_object(
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
        'completedAt', NEW.completed_at,
        'triggeredBy', NEW.triggered_by,
        'tags', NEW.tags,
        'workflowVersion', NEW.workflow_version
      )::text);
      RETURN NEW;
    END $$`).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw(`
    CREATE OR REPLACE FUNCTION conveyor_notify_run_event() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'UPDATE' AND OLD.status IS NOT DISTINCT FROM NEW.status AND OLD.attempt IS NOT DISTINCT FROM NEW.attempt THEN
        RETURN NEW;
      END IF;
      PERFORM pg_notify('${RUN_EVENTS_CHANNEL}', json_build_object(
        'id', NEW.id, 'task', NEW.task, 'kind', NEW.kind, 'status', NEW.status,
        'previousStatus', CASE WHEN TG_OP = 'UPDATE' THEN OLD.status END,
        'attempt', NEW.attempt, 'errorType', NEW.error->>'type',
        'errorMessage', left(NEW.error->>'message', ${MESSAGE_CHARS}),
        'createdAt', NEW.created_at, 'startedAt', NEW.started_at, 'completedAt', NEW.completed_at
      )::text);
      RETURN NEW;
    END $$`).execute(db);
  await sql`DROP TRIGGER run_steps_notify ON run_steps`.execute(db);
  await sql`DROP FUNCTION conveyor_notify_run_steps()`.execute(db);
  await sql`DROP TRIGGER run_logs_notify ON run_logs`.execute(db);
  await sql`DROP FUNCTION conveyor_notify_run_logs()`.execute(db);
  await sql`DROP INDEX runs_id_prefix_idx, runs_status_created_idx`.execute(db);
  await sql`DROP TABLE sessions`.execute(db);
}
