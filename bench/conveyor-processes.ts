// Conveyor as its users run it, for the benchmarks: `npm run api` and `npm run worker` as two
// processes, or `npm start`'s single process (API and worker sharing one Temporal connection, so
// triggers start eagerly). Each is a child process of the benchmark, stopped by cleanUp();
// with `profileDir`, it runs under `node --cpu-prof` and writes its profiles there on exit.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../src/infra/temporal-dev-server.js';
import { onCleanUp } from './infra.js';
import { call } from './stack.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TASKS_DIR = fileURLToPath(new URL('./tasks', import.meta.url));

export interface ConveyorTarget {
  temporalAddress: string;
  databaseUrl: string;
  taskQueue: string;
  /** Each process writes its CPU profiles to <profileDir>/<process name>/. */
  profileDir?: string;
  /** Extra environment (e.g. CONVEYOR_EAGER_START=off). */
  env?: Record<string, string>;
}

/** Process ids by name (bench:profile reads their CPU time). */
export const conveyorPids = new Map<string, number>();

/** A child process that exits on SIGTERM (after draining), writing any CPU profile. */
async function spawnConveyor(name: string, entry: string, target: ConveyorTarget, env: Record<string, string>): Promise<ChildProcess> {
  const flags = ['--import', 'tsx'];
  if (target.profileDir) {
    const dir = path.join(target.profileDir, name);
    await mkdir(dir, { recursive: true });
    flags.push('--cpu-prof', `--cpu-prof-dir=${dir}`);
  }
  const child = spawn(process.execPath, [...flags, path.join(ROOT, entry)], {
    cwd: ROOT,
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: target.temporalAddress,
      DATABASE_URL: target.databaseUrl,
      CONVEYOR_TASK_QUEUE: target.taskQueue,
      CONVEYOR_TASKS_DIR: TASKS_DIR,
      CONVEYOR_WORKER_METRICS_ADDRESS: 'off',
      CONVEYOR_HEARTBEAT_INTERVAL: '1s',
      // Four Conveyor processes (two pools each in npm start's) share the machine's Postgres (100 connections).
      CONVEYOR_DB_POOL_SIZE: '8',
      LOG_LEVEL: 'warn',
      NODE_ENV: 'development',
      ...env,
      ...target.env,
    },
    // The dev console's run events go to /dev/null, as cheap as a terminal nobody reads.
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  if (child.pid !== undefined) conveyorPids.set(name, child.pid);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', (code, signal) => {
    if (code !== 0 && signal === null && !stopping) console.error(`${name} exited with code ${code}:\n${stderr}`);
  });
  let stopping = false;
  onCleanUp(async () => {
    stopping = true;
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  });
  return child;
}

/** Resolves once `url`/health answers 200; fails if `child` exits first or after 300 s (start-up bundles the workflows). */
async function waitHealthy(url: string, child: ChildProcess, name: string): Promise<void> {
  const deadline = Date.now() + 300_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited (code ${child.exitCode}) before it answered`);
    const ok = await call('GET', `${url}/health`).then((r) => r.status === 200, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${name} did not answer on ${url} within 300 s`);
}

/** Presence rows of workers on `taskQueue`: the worker polls once it has one. */
async function waitWorker(url: string, taskQueue: string): Promise<void> {
  const deadline = Date.now() + 300_000;
  while (Date.now() < deadline) {
    const res = await call('GET', `${url}/api/workers`).catch(() => undefined);
    if (res?.status === 200 && res.body.includes(`"${taskQueue}"`)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no worker on ${taskQueue} within 300 s`);
}

/** `npm run worker` + `npm run api`: two processes. Resolves to the API's base URL. */
export async function startSeparateProcesses(target: ConveyorTarget): Promise<string> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  await spawnConveyor('worker', 'src/worker.ts', target, {});
  const api = await spawnConveyor('api', 'src/api/main.ts', target, { PORT: String(port) });
  await waitHealthy(url, api, 'api');
  await waitWorker(url, target.taskQueue);
  return url;
}

/** `npm start` (src/start.ts) against the given Temporal and Postgres: one process. Resolves to its API's base URL. */
export async function startSingleProcess(target: ConveyorTarget, name = 'single'): Promise<string> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = await spawnConveyor(name, 'src/start.ts', target, { PORT: String(port) });
  await waitHealthy(url, child, name);
  await waitWorker(url, target.taskQueue);
  return url;
}
