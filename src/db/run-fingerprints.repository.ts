import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';

/**
 * For each run: a string that changes whenever its status, attempt, log lines (the per-run
 * counter of migration 0008) or step records change. One statement for any number of runs:
 * the live hub's safety re-check of every watched run at once.
 */
export async function runFingerprints(db: Kysely<Database>, runIds: string[]): Promise<Map<string, string>> {
  const { rows } = await sql<{ id: string; print: string }>`
    SELECT r.id, concat_ws(':', r.status, r.attempt, coalesce(c.last, 0),
      (SELECT max(s.updated_at) FROM run_steps s WHERE s.run_id = r.id)) AS print
    FROM runs r LEFT JOIN run_log_counters c ON c.run_id = r.id
    WHERE r.id = ANY(${runIds}::text[])`.execute(db);
  return new Map(rows.map((r) => [r.id, r.print]));
}
