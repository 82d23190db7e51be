import { sql, type Kysely } from 'kysely';

/**
 * A gap-free order of each run's log lines. `seq` (identity) is assigned at insert but
 * lines become visible at commit, so parallel flushes (DAG nodes) could commit out of
 * order and a reader paging with `seq > after` would skip lines for good. `position` is
 * taken from a per-run counter row locked until the inserting statement commits, so a
 * line is visible only after every line positioned before it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE run_log_counters (
      run_id text PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
      last bigint NOT NULL
    )`.execute(db);
  await sql`ALTER TABLE run_logs ADD COLUMN position bigint`.execute(db);
  await sql`
    UPDATE run_logs SET position = numbered.n
    FROM (SELECT seq, row_number() OVER (PARTITION BY run_id ORDER BY seq) AS n FROM run_logs) AS numbered
    WHERE run_logs.seq = numbered.seq`.execute(db);
  await sql`INSERT INTO run_log_counters (run_id, last) SELECT run_id, max(position) FROM run_logs GROUP BY run_id`.execute(db);
  await sql`ALTER TABLE run_logs ALTER COLUMN position SET NOT NULL`.execute(db);
  await sql`CREATE UNIQUE INDEX run_logs_run_position_idx ON run_logs (run_id, position)`.execute(db);
  await sql`DROP INDEX run_logs_run_seq_idx`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX run_logs_run_seq_idx ON run_logs (run_id, seq)`.execute(db);
  await sql`DROP INDEX run_logs_run_position_idx`.execute(db);
  await sql`ALTER TABLE run_logs DROP COLUMN position`.execute(db);
  await sql`DROP TABLE run_log_counters`.execute(db);
}
