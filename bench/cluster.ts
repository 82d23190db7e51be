// bench:cluster — no-op task runs through the APIs of the local cluster (`npm run stack:cluster`'s
// shape: the full Temporal server on Postgres, 2 worker and 2 API processes), at 10 and 50 runs
// in flight (closed loop, requests alternating between the APIs), trigger to workflow result.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import pg from 'pg';
import { TEMPORAL_SERVER_VERSION } from '../src/infra/cluster/server-build.js';
import { startCluster } from '../src/infra/cluster/stack.js';
import { ADMIN_URL, fmt, onCleanUp, percentile, runBenchmark, table, watchdog } from './infra.js';

const RUNS_PER_ROUND = Number(process.env.BENCH_CLUSTER_RUNS_PER_ROUND ?? 150);
const ROUNDS = Number(process.env.BENCH_CLUSTER_ROUNDS ?? 3);
const IN_FLIGHT = [10, 50];
/** e.g. `matching.enableFairness=false`: comma-separated entries over Conveyor's dynamic config, for an A/B run. */
const DYNAMIC_CONFIG = (process.env.BENCH_CLUSTER_DYNAMIC_CONFIG ?? '').split(',').filter(Boolean);

async function admin(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  await client.query(text).finally(() => client.end());
}

async function main(): Promise<void> {
  watchdog(45 * 60_000);
  const names = { temporal: `conveyor_bench_cluster_${process.pid}_temporal`, visibility: `conveyor_bench_cluster_${process.pid}_visibility`, conveyor: `conveyor_bench_cluster_${process.pid}` };
  onCleanUp(async () => {
    for (const name of Object.values(names)) await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });
  const dir = await mkdtemp(path.join(os.tmpdir(), 'conveyor-bench-cluster-'));
  onCleanUp(() => rm(dir, { recursive: true, force: true }));
  const started = performance.now();
  const cluster = await startCluster({
    postgresUrl: ADMIN_URL,
    temporalDatabases: { temporal: names.temporal, visibility: names.visibility },
    conveyorDatabase: names.conveyor,
    dir,
    workers: 2,
    apis: 2,
    tasksDir: path.resolve('bench/tasks'),
    dynamicConfig: DYNAMIC_CONFIG,
    // A shared Postgres (max_connections 100 here): 4 processes × 10 plus the server's.
    env: { CONVEYOR_DB_POOL_SIZE: '10' },
    print: (line) => console.error(line),
  });
  onCleanUp(() => cluster.stop());
  const startMs = performance.now() - started;
  const client = new Client({ connection: await Connection.connect({ address: cluster.temporalAddress }) });
  onCleanUp(() => client.connection.close());
  const urls = cluster.apis.map((a) => a.url!);

  let calls = 0;
  const oneRun = async () => {
    const res = await fetch(`${urls[calls++ % urls.length]}/api/tasks/noop`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"inputs":{}}' });
    const body = (await res.json()) as { id: string };
    if (res.status !== 202) throw new Error(`trigger answered ${res.status}: ${JSON.stringify(body)}`);
    const result = (await client.workflow.getHandle(body.id).result()) as { ok?: boolean } | undefined;
    if (result?.ok !== true) throw new Error(`run ${body.id} ended with ${JSON.stringify(result)}`);
  };
  const closedLoop = async (total: number, inFlight: number) => {
    const latencies: number[] = [];
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (next++ < total) {
          const t = performance.now();
          await oneRun();
          latencies.push(performance.now() - t);
        }
      }),
    );
    return { wallMs: performance.now() - t0, latencies };
  };

  await closedLoop(60, 6); // warm-up: JIT, connections, workflow caches
  const rows: string[][] = [];
  for (const inFlight of IN_FLIGHT) {
    const rounds = [];
    for (let round = 0; round < ROUNDS; round++) rounds.push(await closedLoop(RUNS_PER_ROUND, inFlight));
    const perRound = rounds.map((r) => (RUNS_PER_ROUND / r.wallMs) * 1000).sort((a, b) => a - b);
    const latencies = rounds.flatMap((r) => r.latencies).sort((a, b) => a - b);
    const wallMs = rounds.reduce((n, r) => n + r.wallMs, 0);
    rows.push([
      String(inFlight),
      fmt(RUNS_PER_ROUND * ROUNDS),
      fmt(((RUNS_PER_ROUND * ROUNDS) / wallMs) * 1000, 1),
      `${fmt(perRound[Math.floor(perRound.length / 2)], 1)} (${fmt(perRound[0], 1)}–${fmt(perRound[perRound.length - 1], 1)})`,
      fmt(percentile(latencies, 50), 1),
      fmt(percentile(latencies, 99), 1),
    ]);
  }
  console.log(`\nbench:cluster — full Temporal server ${TEMPORAL_SERVER_VERSION} on Postgres, 2 workers, 2 APIs${DYNAMIC_CONFIG.length ? `, with ${DYNAMIC_CONFIG.join(', ')}` : ''} (cluster up in ${fmt(startMs / 1000, 1)} s${cluster.buildMs ? `, server build ${fmt(cluster.buildMs / 1000)} s` : ''})\n`);
  console.log(table(['in flight', 'runs', 'runs/s', 'runs/s per round: median (min–max)', 'p50 (ms)', 'p99 (ms)'], rows));
}

await runBenchmark(main);
