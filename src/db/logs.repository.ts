import { sql, type Kysely } from 'kysely';
import type { Database, NewRunLog, RunLog } from './schema.js';

type Db = Kysely<Database>;

// Rows per statement: beyond this, bigger statements stop paying off (bench:logs).
const MAX_ROWS_PER_INSERT = 5_000;

/**
 * Writes log lines, one statement per (run, attempt) and chunk: the columns travel as
 * arrays expanded by unnest(), which Postgres parses far faster than a long VALUES list
 * (bench:logs). (run_id, node_id, attempt, line) is unique and conflicts are ignored, so a flush
 * retried after an unknown outcome never duplicates a line.
 */
export async function insertLogs(db: Db, lines: NewRunLog[]): Promise<void> {
  const groups = new Map<string, NewRunLog[]>();
  for (const line of lines) {
    const key = `${line.attempt}:${line.node_id ?? ''}:${line.run_id}`;
    const group = groups.get(key);
    if (group) group.push(line);
    else groups.set(key, [line]);
  }
  for (const group of groups.values()) {
    for (let i = 0; i < group.length; i += MAX_ROWS_PER_INSERT) {
      const chunk = group.slice(i, i + MAX_ROWS_PER_INSERT);
      await sql`
        INSERT INTO run_logs (run_id, node_id, attempt, line, level, message, data, created_at)
        SELECT ${chunk[0].run_id}, ${chunk[0].node_id ?? ''}, ${chunk[0].attempt}::int, l.line, l.level, l.message, l.data, to_timestamp(l.epoch_ms / 1000.0)
        FROM unnest(
          ${chunk.map((r) => r.line)}::int[], ${chunk.map((r) => r.level)}::text[], ${chunk.map((r) => r.message ?? null)}::text[],
          ${chunk.map((r) => r.data ?? null)}::jsonb[], ${chunk.map((r) => epochMs(r.created_at))}::float8[]
        ) AS l(line, level, message, data, epoch_ms)
        ON CONFLICT (run_id, node_id, attempt, line) DO NOTHING`.execute(db);
    }
  }
}

function epochMs(value: NewRunLog['created_at']): number {
  return value instanceof Date ? value.getTime() : value === undefined ? Date.now() : new Date(value).getTime();
}

export async function listLogs(db: Db, runId: string, after: string | undefined, limit: number): Promise<RunLog[]> {
  let query = db.selectFrom('run_logs').selectAll().where('run_id', '=', runId);
  if (after !== undefined) query = query.where('seq', '>', after);
  return query.orderBy('seq').limit(limit).execute();
}
