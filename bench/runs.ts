// bench:runs — no-op task runs through Conveyor's HTTP API (POST /api/tasks/noop,
// then the run's workflow result) against raw `client.workflow.start` of a
// one-activity workflow, on the same dev server (persistent SQLite, Conveyor's
// tuning) in the same process, at 1 and at 20 runs in flight (closed loop).
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createApp } from '../src/api/app.js';
import { createLogger } from '../src/logger.js';
import { loadTasks } from '../src/tasks/registry.js';
import { createConveyorWorker, installRuntime } from '../src/worker-runtime.js';
import * as rawActivities from './raw/activities.js';
import { cleanUp, createBenchDatabase, fmt, onCleanUp, openDb, percentile, startBenchDevServer, table, verdict, watchdog } from './infra.js';

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

// A plain keep-alive HTTP client: the load generator shares the CPU with the stack under test,
// so it should cost as little as a gRPC client call does for the baseline.
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
function post(url: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function main(): Promise<void> {
  watchdog(300_000);
  installRuntime('ERROR');
  const logger = createLogger('silent');
  const [server, databaseUrl] = await Promise.all([startBenchDevServer(), createBenchDatabase()]);
  const db = openDb(databaseUrl, 20);
  const nativeConnection = await NativeConnection.connect({ address: server.address });
  onCleanUp(() => nativeConnection.close());
  const client = new Client({ connection: await Connection.connect({ address: server.address }) });
  onCleanUp(() => client.connection.close());
  const registry = await loadTasks(fileURLToPath(new URL('./tasks', import.meta.url)));

  const conveyorWorker = await createConveyorWorker({
    connection: nativeConnection, namespace: 'default', taskQueue: 'bench-conveyor', db, logger, registry, heartbeatIntervalMs: 1_000,
  });
  const rawWorker = await Worker.create({
    connection: nativeConnection, taskQueue: 'bench-raw', activities: rawActivities,
    workflowsPath: fileURLToPath(new URL('./raw/workflow.ts', import.meta.url)),
  });
  for (const worker of [conveyorWorker, rawWorker]) {
    const running = worker.run();
    onCleanUp(async () => {
      worker.shutdown();
      await running;
    });
  }
  const app = createApp({
    db, client, registry, logger, namespace: 'default', taskQueue: 'bench-conveyor', temporalUiUrl: 'http://localhost:8233', maxPendingTriggers: 10_000,
  });
  const api = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  onCleanUp(async () => {
    agent.destroy();
    api.closeAllConnections();
    await new Promise((resolve) => api.close(resolve));
  });
  const apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;

  let rawCounter = 0;
  const raw = async () => {
    const handle = await client.workflow.start('rawOneActivity', { taskQueue: 'bench-raw', workflowId: `raw-${++rawCounter}-${Date.now()}` });
    await handle.result();
  };
  const viaApi = async () => {
    const res = await post(`${apiUrl}/api/tasks/noop`, '{"inputs":{}}');
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

try {
  await main();
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  await cleanUp();
}
