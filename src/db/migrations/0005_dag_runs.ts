import { sql, type Kysely } from 'kysely';
import { sqlList } from './state-sql.js';

// A frozen copy of the node statuses as released with this migration (never import live ones).
const NODE_STATUSES = ['pending', 'waiting_inputs', 'running', 'retrying', 'complete', 'failed', 'skipped', 'cancelled'];

/** DAG runs: the definition version a run is pinned to, one step row per node, node ids on log lines. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE runs ADD COLUMN workflow_slug text, ADD COLUMN workflow_version integer`.execute(db);
  await sql`
    CREATE TABLE run_steps (
      run_id text NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
      node_id text NOT NULL,
      status text NOT NULL CHECK (status IN (${sqlList(NODE_STATUSES)})),
      attempt integer NOT NULL DEFAULT 0,
      inputs jsonb,
      output jsonb,
      error jsonb,
      reason jsonb,
      started_at timestamptz,
      completed_at timestamptz,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (run_id, node_id)
    )`.execute(db);
  // Lines of parallel nodes of one run are numbered per node: the node joins the line key.
  await sql`ALTER TABLE run_logs ADD COLUMN node_id text NOT NULL DEFAULT ''`.execute(db);
  await sql`ALTER TABLE run_logs DROP CONSTRAINT run_logs_run_id_attempt_line_key`.execute(db);
  await sql`ALTER TABLE run_logs ADD CONSTRAINT run_logs_line_key UNIQUE (run_id, node_id, attempt, line)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE run_logs DROP CONSTRAINT run_logs_line_key`.execute(db);
  await sql`ALTER TABLE run_logs ADD CONSTRAINT run_logs_run_id_attempt_line_key UNIQUE (run_id, attempt, line)`.execute(db);
  await sql`ALTER TABLE run_logs DROP COLUMN node_id`.execute(db);
  await sql`DROP TABLE run_steps`.execute(db);
  await sql`ALTER TABLE runs DROP COLUMN workflow_slug, DROP COLUMN workflow_version`.execute(db);
}
