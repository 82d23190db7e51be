// bench:profile — CPU profiles of Conveyor under bench:runs' load: BENCH_PROFILE_RUNS no-op runs at
// BENCH_PROFILE_IN_FLIGHT (10) through (a) `npm run api` + `npm run worker` and (b) `npm start`'s
// single process, each under `node --cpu-prof`; then the self-time per run by module and by
// component (bench/profile-summary.ts). The profiles stay in BENCH_PROFILE_DIR (printed) for DevTools.
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startSeparateProcesses, startSingleProcess } from './conveyor-processes.js';
import { cleanUp, createBenchDatabase, fmt, runBenchmark, startBenchDevServer, watchdog } from './infra.js';
import { summarize } from './profile-summary.js';
import { benchClient, closedLoop, conveyorPath } from './runs-setup.js';

const RUNS = Number(process.env.BENCH_PROFILE_RUNS ?? 2_000);
const IN_FLIGHT = Number(process.env.BENCH_PROFILE_IN_FLIGHT ?? 10);
const dir = process.env.BENCH_PROFILE_DIR ?? (await mkdtemp(path.join(os.tmpdir(), 'conveyor-profile-')));

async function main(): Promise<void> {
  watchdog(900_000);
  const [server, databaseUrl] = await Promise.all([startBenchDevServer(), createBenchDatabase()]);
  const client = await benchClient(server.address);
  const target = { temporalAddress: server.address, databaseUrl, profileDir: dir };
  const [separateUrl, singleUrl] = await Promise.all([
    startSeparateProcesses({ ...target, taskQueue: 'bench-separate' }),
    startSingleProcess({ ...target, taskQueue: 'bench-single' }),
  ]);
  for (const [name, url] of [['separate', separateUrl], ['single', singleUrl]] as const) {
    const r = await closedLoop(RUNS, IN_FLIGHT, conveyorPath(url, client));
    console.log(`${name}: ${fmt(RUNS)} runs at ${IN_FLIGHT} in flight, ${fmt(r.perSecond, 1)} runs/s, p50 ${fmt(r.p50, 1)} ms`);
  }
  // The processes write their profiles as they exit.
  await cleanUp();
}

await runBenchmark(main);
console.log(`\nprofiles: ${dir}`);
await summarize(['api', 'worker', 'single'].map((name) => path.join(dir, name)), RUNS);
