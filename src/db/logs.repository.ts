import type { Kysely } from 'kysely';
import type { Database, NewRunLog, RunLog } from './schema.js';

type Db = Kysely<Database>;

// 7 parameters a row; Postgres allows 65,535 parameters a statement.
const MAX_ROWS_PER_INSERT = 5_000;

/**
 * Writes log lines in multi-row INSERTs. (run_id, attempt, line) is unique and
 * conflicts are ignored, so a flush retried after an unknown outcome never duplicates a line.
 */
export async function insertLogs(db: Db, lines: NewRunLog[]): Promise<void> {
  for (let i = 0; i < lines.length; i += MAX_ROWS_PER_INSERT) {
    await db
      .insertInto('run_logs')
      .values(lines.slice(i, i + MAX_ROWS_PER_INSERT))
      .onConflict((oc) => oc.columns(['run_id', 'attempt', 'line']).doNothing())
      .execute();
  }
}

export async function listLogs(db: Db, runId: string, after: string | undefined, limit: number): Promise<RunLog[]> {
  let query = db.selectFrom('run_logs').selectAll().where('run_id', '=', runId);
  if (after !== undefined) query = query.where('seq', '>', after);
  return query.orderBy('seq').limit(limit).execute();
}
