import { sql, type Kysely } from 'kysely';
import type { Database, NewRunLog, RunLog } from './schema.js';

type Db = Kysely<Database>;

// Rows per statement: beyond this, bigger statements stop paying off (bench:logs).
const MAX_ROWS_PER_INSERT = 5_000;

/**
 * Writes log lines, one statement per (run, node, attempt) and chunk: the columns travel as
 * arrays expanded by unnest(), which Postgres parses far faster than a long VALUES list
 * (bench:logs). (run_id, node_id, attempt, line) is unique and conflicts are ignored, so a
 * flush retried after an unknown outcome never duplicates a line. Each statement takes its
 * lines' positions from the run's counter row, which stays locked until it commits: lines
 * become visible in position order, so readers paging by position never skip one (migration
 * 0008). A retried flush leaves the positions of the lines it had written unused: gaps in the
 * numbering are harmless, as readers only ever ask for what comes after a position.
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
      const { run_id: runId, attempt } = chunk[0];
      const nodeId = chunk[0].node_id ?? '';
      await sql`
        WITH fresh AS (
          SELECT l.*, row_number() OVER (ORDER BY l.ord) AS n
          FROM unnest(
            ${chunk.map((r) => r.line)}::int[], ${chunk.map((r) => r.level)}::text[], ${chunk.map((r) => r.message ?? null)}::text[],
            ${chunk.map((r) => r.data ?? null)}::jsonb[], ${chunk.map((r) => epochMs(r.created_at))}::float8[]
          ) WITH ORDINALITY AS l(line, level, message, data, epoch_ms, ord)
        ), counter AS (
          INSERT INTO run_log_counters AS c (run_id, last) VALUES (${runId}, (SELECT count(*) FROM fresh))
          ON CONFLICT (run_id) DO UPDATE SET last = c.last + EXCLUDED.last
          RETURNING c.last - (SELECT count(*) FROM fresh) AS base
        )
        INSERT INTO run_logs (run_id, node_id, attempt, line, position, level, message, data, created_at)
        SELECT ${runId}, ${nodeId}, ${attempt}::int, f.line, counter.base + f.n, f.level, f.message, f.data, to_timestamp(f.epoch_ms / 1000.0)
        FROM fresh f CROSS JOIN counter
        ON CONFLICT (run_id, node_id, attempt, line) DO NOTHING`.execute(db);
    }
  }
}

function epochMs(value: NewRunLog['created_at']): number {
  return value instanceof Date ? value.getTime() : value === undefined ? Date.now() : new Date(value).getTime();
}

/** Lines after position `after`, in order; with `nodeId`, only that DAG node's lines. */
export async function listLogs(db: Db, runId: string, after: string | undefined, limit: number, nodeId?: string): Promise<RunLog[]> {
  let query = db.selectFrom('run_logs').selectAll().where('run_id', '=', runId);
  if (nodeId !== undefined) query = query.where('node_id', '=', nodeId);
  if (after !== undefined) query = query.where('position', '>', after);
  return query.orderBy('position').limit(limit).execute();
}
