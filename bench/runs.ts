// bench:runs — no-op task runs through Conveyor's HTTP API (POST /api/tasks/noop,
// then the run's workflow result) against raw `client.workflow.start` of a
// one-activity workflow, on the same dev server (persistent SQLite, Conveyor's
// tuning) in the same process, at 1 and at 20 runs in flight (closed loop).
import { fileURLToPath } from 'node:url';
import { Worker } from '@temporalio/worker';
import * as rawActivities from './raw/activities.js';
import { runBenchmark, fmt, percentile, table, verdict, watchdog } from './infra.js';
import { call, listenApi, runUntilCleanUp, startBenchStack } from './stack.js';

const RUNS_AT = { 1: Number(process.env.BENCH_RUNS_SERIAL ?? 200), 20: Number(process.env.BENCH_RUNS_PARALLEL ?? 1_200) } as const;
const WARMUP = 40;
const ROUNDS = 4;
const TARGET_THROUGHPUT_RATIO = 0.8;
const TARGET_P50_EXTRA_MS = 15;

interface Result {
  runs: number;
  perSecond: number;
  p50: number;
  p99: number;
  wallMs: number;
  latencies: number[];
}

/** One result over several rounds: runs over total wall time, percentiles over all latencies. */
function combine(rounds: Result[]): Result {
  const latencies = rounds.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const runs = rounds.reduce((n, r) => n + r.runs, 0);
  const wallMs = rounds.reduce((n, r) => n + r.wallMs, 0);
  return { runs, wallMs, latencies, perSecond: (runs / wallMs) * 1000, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

/** Runs `total` calls of `one`, `inFlight` at a time; latency per call, throughput over the whole. */
async function closedLoop(total: number, inFlight: number, one: (i: number) => Promise<void>): Promise<Result> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < total) {
        const i = next++;
        const t0 = performance.now();
        await one(i);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const wallMs = performance.now() - started;
  latencies.sort((a, b) => a - b);
  return { runs: total, wallMs, latencies, perSecond: (total / wallMs) * 1000, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

async function main(): Promise<void> {
  watchdog(300_000);
  const stack = await startBenchStack('bench-conveyor');
  const { client } = stack;
  runUntilCleanUp(await Worker.create({
    connection: stack.native, taskQueue: 'bench-raw', activities: rawActivities,
    workflowsPath: fileURLToPath(new URL('./raw/workflow.ts', import.meta.url)),
  }));
  const apiUrl = await listenApi(stack, 10_000);

  let rawCounter = 0;
  const raw = async () => {
    const handle = await client.workflow.start('rawOneActivity', { taskQueue: 'bench-raw', workflowId: `raw-${++rawCounter}-${Date.now()}` });
    await handle.result();
  };
  const viaApi = async () => {
    const res = await call('POST', `${apiUrl}/api/tasks/noop`, '{"inputs":{}}');
    if (res.status !== 202) throw new Error(`trigger answered ${res.status}: ${res.body}`);
    const { id } = JSON.parse(res.body) as { id: string };
    // The workflow's result is the task's; the activity has marked the row complete before returning it.
    const result = (await client.workflow.getHandle(id).result()) as { ok?: boolean } | undefined;
    if (result?.ok !== true) throw new Error(`run ${id} ended with ${JSON.stringify(result)}`);
  };

  // Warm-up: JIT, connections, workflow caches, the SQLite file.
  await closedLoop(WARMUP, 4, raw);
  await closedLoop(WARMUP, 4, viaApi);

  const rows: string[][] = [];
  const checks: string[][] = [];
  let met = true;
  for (const inFlight of [1, 20] as const) {
    // Alternate the two paths in rounds (ABAB…), so drift (a growing SQLite file, a warming JIT) hits both alike.
    const perRound = Math.ceil(RUNS_AT[inFlight] / ROUNDS);
    const baselineRounds: Result[] = [];
    const conveyorRounds: Result[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      baselineRounds.push(await closedLoop(perRound, inFlight, raw));
      conveyorRounds.push(await closedLoop(perRound, inFlight, viaApi));
    }
    const baseline = combine(baselineRounds);
    const conveyor = combine(conveyorRounds);
    for (const [name, r] of [['raw client.workflow.start', baseline], ['Conveyor POST /api/tasks/noop', conveyor]] as const) {
      rows.push([name, String(inFlight), fmt(r.runs), fmt(r.perSecond, 1), fmt(r.p50, 1), fmt(r.p99, 1)]);
    }
    const ratio = conveyor.perSecond / baseline.perSecond;
    const extra = conveyor.p50 - baseline.p50;
    met &&= ratio >= TARGET_THROUGHPUT_RATIO && extra <= TARGET_P50_EXTRA_MS;
    checks.push([`throughput ratio @${inFlight}`, `${fmt(ratio, 2)}×`, `≥ ${TARGET_THROUGHPUT_RATIO}×`, verdict(ratio >= TARGET_THROUGHPUT_RATIO)]);
    checks.push([`p50 over raw @${inFlight}`, `${extra >= 0 ? '+' : ''}${fmt(extra, 1)} ms`, `≤ +${TARGET_P50_EXTRA_MS} ms`, verdict(extra <= TARGET_P50_EXTRA_MS)]);
  }
  console.log('\nbench:runs — trigger-to-complete, one no-op activity, dev server on a persistent SQLite file\n');
  console.log(table(['path', 'in flight', 'runs', 'runs/s', 'p50 (ms)', 'p99 (ms)'], rows));
  console.log('');
  console.log(table(['check', 'measured', 'target', 'result'], checks));
  console.log(met ? '\nall targets met' : '\nsome targets NOT met');
}

await runBenchmark(main);
