import { sql, type Kysely } from 'kysely';

/**
 * Worker presence: each worker keeps a row fresh while it runs (heartbeat) and deletes it on
 * stop; a row not seen for a few seconds is a worker that is gone. Also the partial index the
 * API's expiry sweeper scans: pending runs with a ttl. Frozen: no live constants imported.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE workers (
      id text PRIMARY KEY,
      host text NOT NULL,
      pid integer NOT NULL,
      task_queue text NOT NULL,
      tasks text[] NOT NULL DEFAULT '{}',
      workflow_types text[] NOT NULL DEFAULT '{}',
      in_flight integer NOT NULL DEFAULT 0,
      started_at timestamptz NOT NULL DEFAULT now(),
      last_seen_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX workers_queue_seen_idx ON workers (task_queue, last_seen_at)`.execute(db);
  await sql`CREATE INDEX runs_pending_expiry_idx ON runs (expires_at) WHERE status = 'pending' AND expires_at IS NOT NULL`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX runs_pending_expiry_idx`.execute(db);
  await sql`DROP TABLE workers`.execute(db);
}
