import { sql } from 'kysely';
import { insertRun } from '../src/db/runs.repository.js';
import { insertLogs } from '../src/db/logs.repository.js';
import { LogBuffer } from '../src/activities/log-buffer.js';
import { createLogger } from '../src/logger.js';
import type { NewRunLog } from '../src/db/schema.js';
import { cleanUp, createBenchDatabase, openDb } from './infra.js';

const url = await createBenchDatabase();
const db = openDb(url, 10);
const N = 200_000;
const mk = (runId: string, n: number): NewRunLog[] => Array.from({ length: n }, (_, i) => ({ run_id: runId, attempt: 1, line: i, level: 'log', message: `processed item ${i}: ok (${(i * 7919) % 1000} ms)`, data: null, created_at: new Date() }));
async function timeIt(name: string, fn: () => Promise<void>) {
  const c0 = process.cpuUsage(); const t0 = performance.now();
  await fn();
  const ms = performance.now() - t0; const c = process.cpuUsage(c0);
  console.log(name.padEnd(40), 'wall', ms.toFixed(0), 'ms; node cpu', ((c.user + c.system) / 1000).toFixed(0), 'ms', (N / ms * 1000).toFixed(0), '/s');
}
async function unnest(rows: NewRunLog[], chunk: number, epoch: boolean) {
  for (let i = 0; i < rows.length; i += chunk) {
    const b = rows.slice(i, i + chunk);
    const ts = epoch ? sql`to_timestamp(unnest(${b.map((r) => (r.created_at as Date).getTime() / 1000)}::float8[]))` : sql`unnest(${b.map((r) => r.created_at)}::timestamptz[])`;
    await sql`INSERT INTO run_logs (run_id, attempt, line, level, message, data, created_at)
      SELECT * FROM unnest(${b.map((r) => r.run_id)}::text[], ${b.map((r) => r.attempt)}::int[], ${b.map((r) => r.line)}::int[],
        ${b.map((r) => r.level)}::text[], ${b.map((r) => r.message)}::text[], ${b.map((r) => r.data)}::jsonb[], ${b.map((r) => r.created_at)}::timestamptz[])
      ON CONFLICT (run_id, attempt, line) DO NOTHING`.execute(db);
    void ts;
  }
}
let k = 0;
const logger = createLogger('silent');
for (const rep of [1, 2, 3]) {
  {
    const id = `p${k++}`; await insertRun(db, { id, task: 'b', inputs: null, triggeredBy: 'api' });
    const buf = new LogBuffer({ db, runId: id, attempt: 1, logger });
    let t0 = performance.now();
    for (let i = 0; i < N; i++) buf.push('log', `processed item ${i}: ok (${(i * 7919) % 1000} ms)`);
    const push = performance.now() - t0;
    t0 = performance.now();
    await buf.flush();
    console.log(`LogBuffer push ${push.toFixed(0)} ms, flush ${(performance.now() - t0).toFixed(0)} ms`);
  }
  {
    const id = `v${k++}`; await insertRun(db, { id, task: 'b', inputs: null, triggeredBy: 'api' });
    const rows = mk(id, N);
    await timeIt(`values kysely rep${rep}`, () => insertLogs(db, rows));
  }
  for (const chunk of [5000, 20000]) {
    const id = `u${k++}`; await insertRun(db, { id, task: 'b', inputs: null, triggeredBy: 'api' });
    const rows = mk(id, N);
    await timeIt(`unnest chunk ${chunk} rep${rep}`, () => unnest(rows, chunk, false));
  }
}
await cleanUp();
