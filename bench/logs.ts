// bench:logs — throughput of `ml.log` lines written to Postgres through the real
// LogBuffer (push N lines, then await flush(): lines/s until all are in the
// database), against a baseline of one INSERT per line on the same Kysely pool.
// Starts its own database (conveyor_bench_<pid>, migrated, dropped at the end).
// No Temporal server: this path never talks to Temporal.
import { sql } from 'kysely';
import { LogBuffer } from '../src/activities/log-buffer.js';
import { insertLogs } from '../src/db/logs.repository.js';
import { insertRun } from '../src/db/runs.repository.js';
import { createLogger } from '../src/logger.js';
import { runBenchmark, createBenchDatabase, fmt, openDb, table, verdict, watchdog } from './infra.js';

const LINES = Number(process.env.BENCH_LOG_LINES ?? 200_000);
const BASELINE_LINES = Number(process.env.BENCH_LOG_BASELINE_LINES ?? 5_000);
const TARGET_RATIO = 20;
const TARGET_LINES_PER_S = 50_000;

const logger = createLogger('silent');
const message = (i: number) => `processed item ${i}: ok (${(i * 7919) % 1000} ms)`;

async function main(): Promise<void> {
  watchdog(150_000);
  const url = await createBenchDatabase();
  const db = openDb(url, 10);
  const newRun = async (id: string) => (await insertRun(db, { id, task: 'bench', inputs: null, triggeredBy: 'api' })).id;
  const count = async (runId: string) =>
    Number((await db.selectFrom('run_logs').select(sql<string>`count(*)`.as('n')).where('run_id', '=', runId).executeTakeFirstOrThrow()).n);

  async function singleInserts(runId: string, n: number): Promise<number> {
    const started = performance.now();
    for (let i = 0; i < n; i++) {
      // One statement per line, positioned like every line (the run's counter row, migration 0008).
      await insertLogs(db, [{ run_id: runId, attempt: 1, line: i, level: 'log', message: message(i), data: null, created_at: new Date() }]);
    }
    return performance.now() - started;
  }

  async function buffered(runId: string, n: number): Promise<number> {
    const started = performance.now();
    const buffer = new LogBuffer({ db, runId, attempt: 1, logger });
    for (let i = 0; i < n; i++) buffer.push('log', message(i));
    await buffer.flush();
    return performance.now() - started;
  }

  // Warm-up: connections, JIT, the table's first pages.
  await singleInserts(await newRun('warmup-single'), 500);
  await buffered(await newRun('warmup-buffer'), 20_000);

  const baselineRun = await newRun('baseline');
  const baselineMs = await singleInserts(baselineRun, BASELINE_LINES);
  const bufferRun = await newRun('buffer');
  const bufferMs = await buffered(bufferRun, LINES);
  const [baselineRows, bufferRows] = [await count(baselineRun), await count(bufferRun)];

  const baselineRate = (BASELINE_LINES / baselineMs) * 1000;
  const bufferRate = (LINES / bufferMs) * 1000;
  const ratio = bufferRate / baselineRate;
  console.log(`\nbench:logs — ml.log lines into Postgres (database ${new URL(url).pathname.slice(1)})\n`);
  console.log(
    table(
      ['method', 'lines', 'time (ms)', 'lines/s', 'rows in db'],
      [
        ['baseline: one INSERT per line', fmt(BASELINE_LINES), fmt(baselineMs), fmt(baselineRate), fmt(baselineRows)],
        ['LogBuffer: push all, flush()', fmt(LINES), fmt(bufferMs), fmt(bufferRate), fmt(bufferRows)],
      ],
    ),
  );
  console.log('');
  console.log(
    table(
      ['check', 'measured', 'target', 'result'],
      [
        ['LogBuffer / baseline', `${fmt(ratio, 1)}×`, `≥ ${TARGET_RATIO}×`, verdict(ratio >= TARGET_RATIO)],
        ['LogBuffer lines/s', fmt(bufferRate), `≥ ${fmt(TARGET_LINES_PER_S)}`, verdict(bufferRate >= TARGET_LINES_PER_S)],
        ['rows written = lines pushed', `${fmt(bufferRows)} / ${fmt(LINES)}`, 'equal', verdict(bufferRows === LINES)],
      ],
    ),
  );
  if (bufferRows !== LINES || baselineRows !== BASELINE_LINES) process.exitCode = 1;
}

await runBenchmark(main);
