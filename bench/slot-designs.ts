// bench:slot-designs — the two designs issue 12 names for an exact, cluster-wide concurrency
// limit, on the same machine and dev server, in alternating rounds. Each run is a workflow
// that takes a slot and frees it (no task work), started by the client, timed to its result:
//   (a) slot table: one activity, acquire + release in Postgres (conveyor_acquire_slot / _release_slot);
//   (b) semaphore workflow per scope: signal `acquire`, wait for `granted`, signal `release`.
// Uncontended: 1 in flight, limit 1,000. Contended: 50 in flight, limit 5.
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createSlotWaker } from '../src/activities/slot-waker.js';
import { createLogger } from '../src/logger.js';
import { installRuntime } from '../src/worker-runtime.js';
import { createBenchDatabase, fmt, onCleanUp, openDb, percentile, runBenchmark, startBenchDevServer, table, watchdog } from './infra.js';
import { createSlotActivities } from './semaphore/activities.js';
import { runUntilCleanUp } from './stack.js';

const RUNS = Number(process.env.BENCH_SLOT_RUNS ?? 400);
const ROUNDS = 4;
const TASK_QUEUE = 'bench-slot-designs';

async function closedLoop(total: number, inFlight: number, one: () => Promise<void>) {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (next++ < total) {
      const t0 = performance.now();
      await one();
      latencies.push(performance.now() - t0);
    }
  }));
  return { wallMs: performance.now() - started, latencies };
}

async function main(): Promise<void> {
  watchdog(900_000);
  installRuntime('ERROR');
  const [server, databaseUrl] = await Promise.all([startBenchDevServer(), createBenchDatabase()]);
  const db = openDb(databaseUrl, 60);
  const waker = createSlotWaker(databaseUrl, createLogger('silent'));
  onCleanUp(() => waker.close());
  const native = await NativeConnection.connect({ address: server.address });
  onCleanUp(() => native.close());
  const client = new Client({ connection: await Connection.connect({ address: server.address }) });
  onCleanUp(() => client.connection.close());
  runUntilCleanUp(await Worker.create({
    connection: native, taskQueue: TASK_QUEUE, activities: createSlotActivities(db, waker), maxConcurrentActivityTaskExecutions: 100,
    workflowsPath: fileURLToPath(new URL('./semaphore/workflow.ts', import.meta.url)),
  }));
  const run = (workflowType: string, args: unknown[]) => async () => {
    await client.workflow.execute(workflowType, { taskQueue: TASK_QUEUE, workflowId: `bench-${randomUUID()}`, args });
  };

  const rows: string[][] = [];
  for (const [name, inFlight, limit] of [['uncontended', 1, 1_000], ['contended', 50, 5]] as const) {
    const semaphoreId = `semaphore-${randomUUID()}`;
    const handle = await client.workflow.start('semaphore', { taskQueue: TASK_QUEUE, workflowId: semaphoreId, args: [limit] });
    const designs = { 'slot table (Postgres)': run('viaSlotTable', [`scope-${semaphoreId}`, limit]), 'semaphore workflow': run('viaSemaphore', [semaphoreId]) };
    const results: Record<string, Awaited<ReturnType<typeof closedLoop>>[]> = { 'slot table (Postgres)': [], 'semaphore workflow': [] };
    for (const design of Object.values(designs)) await closedLoop(20, Math.min(inFlight, 5), design); // warm-up
    for (let round = 0; round < ROUNDS; round++) {
      for (const [label, design] of Object.entries(designs)) results[label]!.push(await closedLoop(Math.ceil(RUNS / ROUNDS), inFlight, design));
    }
    await handle.signal('stop');
    for (const [label, rounds] of Object.entries(results)) {
      const latencies = rounds.flatMap((r) => r.latencies).sort((a, b) => a - b);
      const perRound = rounds.map((r) => (r.latencies.length / r.wallMs) * 1000).sort((a, b) => a - b);
      const perSecond = (latencies.length / rounds.reduce((n, r) => n + r.wallMs, 0)) * 1000;
      rows.push([name, label, String(inFlight), String(limit), fmt(latencies.length), fmt(perSecond, 1), `${fmt(perRound[0]!, 1)}–${fmt(perRound[perRound.length - 1]!, 1)}`, fmt(percentile(latencies, 50), 1), fmt(percentile(latencies, 99), 1)]);
    }
    const semaphoreHistory = await handle.fetchHistory();
    rows.push([name, '(semaphore workflow history)', '', '', `${semaphoreHistory.events?.length ?? 0} events`, '', '', '', '']);
  }
  console.log('\nbench:slot-designs — a run that takes a slot and frees it, start to result, the two designs side by side\n');
  console.log(table(['case', 'design', 'in flight', 'limit', 'runs', 'runs/s', 'runs/s per round', 'p50 (ms)', 'p99 (ms)'], rows));
}

await runBenchmark(main);
