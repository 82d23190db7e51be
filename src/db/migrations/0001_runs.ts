import { sql, type Kysely } from 'kysely';
import { applyStateMachine, sqlList as list, type FrozenStateMachine } from './state-sql.js';

// Frozen copies of the constants as released with this migration (never import live ones).
const TRIGGER_SOURCES = ['user', 'api', 'schedule', 'webhook'];
const LOG_LEVELS = ['log', 'info', 'warn', 'danger', 'success', 'markdown', 'json', 'error', 'system'];
const STATE_MACHINE: FrozenStateMachine = {
  states: ['pending', 'running', 'retrying', 'complete', 'failed', 'timeout', 'cancelled'],
  transitions: {
    pending: ['running', 'failed', 'timeout', 'cancelled'],
    running: ['running', 'retrying', 'complete', 'failed', 'timeout', 'cancelled'],
    retrying: ['running', 'failed', 'timeout', 'cancelled'],
    complete: [],
    failed: [],
    timeout: [],
    cancelled: [],
  },
};

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE runs (
      id text PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 255),
      task text NOT NULL,
      status text NOT NULL,
      triggered_by text NOT NULL CHECK (triggered_by IN (${list(TRIGGER_SOURCES)})),
      inputs jsonb,
      result jsonb,
      error jsonb,
      attempt integer NOT NULL DEFAULT 0,
      temporal_run_id text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      started_at timestamptz,
      completed_at timestamptz
    )`.execute(db);
  await sql`CREATE INDEX runs_task_created_idx ON runs (task, created_at DESC)`.execute(db);
  await sql`CREATE INDEX runs_open_idx ON runs (updated_at) WHERE status IN ('pending', 'running', 'retrying')`.execute(db);

  await applyStateMachine(db, STATE_MACHINE);
  await sql`
    CREATE TRIGGER runs_transition BEFORE UPDATE ON runs
    FOR EACH ROW EXECUTE FUNCTION conveyor_check_run_transition()`.execute(db);

  await sql`
    CREATE TABLE run_logs (
      seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      run_id text NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
      attempt integer NOT NULL,
      line integer NOT NULL,
      level text NOT NULL CHECK (level IN (${list(LOG_LEVELS)})),
      message text,
      data jsonb,
      created_at timestamptz NOT NULL,
      UNIQUE (run_id, attempt, line)
    )`.execute(db);
  await sql`CREATE INDEX run_logs_run_seq_idx ON run_logs (run_id, seq)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE run_logs`.execute(db);
  await sql`DROP TABLE runs`.execute(db);
  await sql`DROP FUNCTION conveyor_check_run_transition()`.execute(db);
}
