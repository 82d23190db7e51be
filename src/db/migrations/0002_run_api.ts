import { sql, type Kysely } from 'kysely';
import { applyStateMachine, type FrozenStateMachine } from './state-sql.js';

// A frozen copy of the state machine as released with this migration: adds `expired`.
const STATE_MACHINE: FrozenStateMachine = {
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

/** What the full HTTP API keeps per run: kind, tags, idempotency, schedule, re-run link, delay and ttl; the `expired` state. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE runs
      ADD COLUMN kind text NOT NULL DEFAULT 'task' CHECK (kind IN ('task', 'workflow')),
      ADD COLUMN tags text[] NOT NULL DEFAULT '{}',
      ADD COLUMN idempotency_key text,
      ADD COLUMN schedule_id text,
      ADD COLUMN rerun_of text REFERENCES runs (id) ON DELETE SET NULL,
      ADD COLUMN run_at timestamptz,
      ADD COLUMN expires_at timestamptz`.execute(db);
  await applyStateMachine(db, STATE_MACHINE);
  // Keyset pagination, newest first, with or without a filter.
  await sql`CREATE INDEX runs_created_idx ON runs (created_at DESC, id DESC)`.execute(db);
  await sql`CREATE INDEX runs_tags_idx ON runs USING gin (tags)`.execute(db);
  await sql`CREATE UNIQUE INDEX runs_idempotency_idx ON runs (task, idempotency_key) WHERE idempotency_key IS NOT NULL`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX runs_idempotency_idx, runs_tags_idx, runs_created_idx`.execute(db);
  await sql`ALTER TABLE runs DROP COLUMN kind, DROP COLUMN tags, DROP COLUMN idempotency_key, DROP COLUMN schedule_id, DROP COLUMN rerun_of, DROP COLUMN run_at, DROP COLUMN expires_at`.execute(db);
}
