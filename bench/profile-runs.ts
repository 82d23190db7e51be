// bench:profile — CPU profiles of Conveyor under bench:runs' load: BENCH_PROFILE_RUNS no-op runs at
// BENCH_PROFILE_IN_FLIGHT (10) through (a) `npm run api` + `npm run worker` and (b) `npm start`'s
// single process, each under `node --cpu-prof`; then the self-time per run by module and by
// component (bench/profile-summary.ts). The profiles stay in BENCH_PROFILE_DIR (printed) for DevTools.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { conveyorPids, startSeparateProcesses, startSingleProcess } from './conveyor-processes.js';
import { cleanUp, createBenchDatabase, fmt, runBenchmark, startBenchDevServer, table, watchdog } from './infra.js';
import { monotonicUs, summarize } from './profile-summary.js';
import { benchClient, closedLoop, conveyorPath } from './runs-setup.js';

const RUNS = Number(process.env.BENCH_PROFILE_RUNS ?? 2_000);
const IN_FLIGHT = Number(process.env.BENCH_PROFILE_IN_FLIGHT ?? 10);
/** CPU time of a whole process (every thread, Rust's included) from /proc, in ms. */
async function cpuMs(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in USER_HZ (100) ticks
}
const cpuRows: string[][] = [];

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
  const serverPid = server.process.pid!;
  const serverBefore = await cpuMs(serverPid);
  await profileRaw(server.address);
  const rawWindow = JSON.parse(await readFile(path.join(dir, 'raw', 'window.json'), 'utf8')) as { cpuMs: number };
  cpuRows.push(['raw (client + worker)', fmt(rawWindow.cpuMs / RUNS, 2), fmt((await cpuMs(serverPid) - serverBefore) / RUNS, 2)]);
  for (const [name, url, processes] of [['separate', separateUrl, ['api', 'worker']], ['single', singleUrl, ['single']]] as const) {
    const before = await Promise.all([serverPid, ...processes.map((p) => conveyorPids.get(p)!)].map(cpuMs));
    const fromUs = monotonicUs();
    const r = await closedLoop(RUNS, IN_FLIGHT, conveyorPath(url, client));
    // Each process's load window (profile-summary.ts counts only it).
    for (const p of processes) await writeFile(path.join(dir, p, 'window.json'), JSON.stringify({ fromUs, toUs: monotonicUs() }));
    const after = await Promise.all([serverPid, ...processes.map((p) => conveyorPids.get(p)!)].map(cpuMs));
    const perRun = after.map((ms, i) => (ms - before[i]) / RUNS);
    cpuRows.push([`${name} (${processes.join(' + ')})`, `${processes.map((p, i) => `${p} ${fmt(perRun[i + 1], 2)}`).join(' + ')} = ${fmt(perRun.slice(1).reduce((a, b) => a + b, 0), 2)}`, fmt(perRun[0], 2)]);
    console.log(`${name}: ${fmt(RUNS)} runs at ${IN_FLIGHT} in flight, ${fmt(r.perSecond, 1)} runs/s, p50 ${fmt(r.p50, 1)} ms`);
  }
  // The processes write their profiles as they exit.
  await cleanUp();
}

/** The same load on raw Temporal (bench/raw/process.ts), profiled the same way. */
async function profileRaw(address: string): Promise<void> {
  const out = path.join(dir, 'raw');
  await mkdir(out, { recursive: true });
  const child = spawn(process.execPath, ['--import', 'tsx', '--cpu-prof', `--cpu-prof-dir=${out}`, fileURLToPath(new URL('./raw/process.ts', import.meta.url))], {
    env: { ...process.env, TEMPORAL_ADDRESS: address, BENCH_WINDOW_FILE: path.join(out, 'window.json'), BENCH_PROFILE_RUNS: String(RUNS), BENCH_PROFILE_IN_FLIGHT: String(IN_FLIGHT) },
    stdio: 'inherit',
  });
  const code = await new Promise((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`raw profile process exited with ${code}`);
}

await runBenchmark(main);
console.log(`\nCPU ms per run, every thread of the process (/proc, getrusage); the Temporal server in the same window\n`);
console.log(table(['path', 'our processes', 'Temporal server'], cpuRows));
console.log(`\nprofiles: ${dir}`);
await summarize(['raw', 'api', 'worker', 'single'].map((name) => path.join(dir, name)), RUNS);
