// Per-test-file fixture: its own cloned database, its own task queue, and the real
// composition roots (`startWorker`, `startApi`: reconciler, presence, expiry sweeper, stop())
// started with a Config built for the test, against the shared dev server.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { Kysely } from 'kysely';
import { startApi, type RunningApi } from '../../src/api/server.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createDb } from '../../src/db/connect.js';
import { findRun } from '../../src/db/runs.repository.js';
import type { Database, Run } from '../../src/db/schema.js';
import { createLogger } from '../../src/logger.js';
import { isTerminal, type RunStatus } from '../../src/runs/states.js';
import { loadTasks, type TaskRegistry } from '../../src/tasks/registry.js';
import { freePort, startDevServer, type DevServer } from '../../src/infra/temporal-dev-server.js';
import { startWorker, type RunningWorker } from '../../src/worker.js';
import { adminQuery, cloneDatabase, databaseUrl, suite } from './suite.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

export const FIXTURE_TASKS = path.resolve('tests/fixtures/tasks');
export const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent', 'test');
const workers = new Set<RunningWorker>();

export interface Harness {
  /** The test's pool, on the path the worker and the API use (through the proxy when `proxyDatabase`). */
  db: Kysely<Database>;
  databaseUrl: string;
  /** A pool that bypasses the proxy, for assertions while the database is "down". */
  directDb: Kysely<Database>;
  /** Present with `proxyDatabase`: cut() makes Postgres unreachable for the worker and the API. */
  dbProxy?: TcpProxy;
  /** With `ownTemporal`: SIGKILLs this file's dev server, waits `downMs`, starts it again on the same port and SQLite file. */
  restartTemporal(downMs: number): Promise<void>;
  temporalAddress: string;
  client: Client;
  registry: TaskRegistry;
  taskQueue: string;
  apiUrl: string;
  /** The Config the API and the workers of this file start with (the environment's, built for the test). */
  config: Config;
  /** The last worker started (`src/worker.ts` startWorker: reconciler and presence row included). */
  worker?: RunningWorker;
  /** Starts (another) in-process worker on this file's task queue, through the real composition root. */
  startWorker(): Promise<RunningWorker>;
  /** Stops every worker this file started and still runs. */
  stopWorker(): Promise<void>;
  request(method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  waitForRun(id: string, until?: (run: Run) => boolean, timeoutMs?: number): Promise<Run>;
}

export interface HarnessOptions {
  tasksDir?: string;
  worker?: boolean;
  heartbeatIntervalMs?: number;
  /** The worker's reconciler interval (and staleness); default 30 s, as in production. */
  reconcileIntervalMs?: number;
  /** A dev server of this file's own, on a persistent SQLite file, that the test may kill and restart. */
  ownTemporal?: boolean;
  /** Route the worker's and the API's database connections through a TCP proxy the test can cut. */
  proxyDatabase?: boolean;
  maxPendingTriggers?: number;
  /** How long the API waits for Temporal to accept a start (production default 10 s). */
  triggerTimeoutMs?: number;
  /** More environment for the file's Config (e.g. CONVEYOR_ALLOW_COMMANDS): the API, the workers and task loading read it. */
  env?: Record<string, string>;
}

let queueCounter = 0;

export function useHarness(options: HarnessOptions = {}): Harness {
  const h = {} as Harness;
  let api: RunningApi | undefined;
  let ownServer: DevServer | undefined;
  let ownDataDir: string | undefined;
  const mine = new Set<RunningWorker>();
  let databaseName: string | undefined;

  before(async function () {
    this.timeout(600_000); // the first file may build the Temporal CLI
    const s = await suite();
    const name = await cloneDatabase();
    databaseName = name;
    h.databaseUrl = databaseUrl(name);
    h.directDb = createDb({ url: h.databaseUrl, max: 4 });
    if (options.proxyDatabase) {
      const direct = new URL(h.databaseUrl);
      h.dbProxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
      direct.host = `127.0.0.1:${h.dbProxy.port}`;
      h.databaseUrl = direct.toString();
    }
    h.db = options.proxyDatabase ? createDb({ url: h.databaseUrl, max: 4 }) : h.directDb;
    h.temporalAddress = s.temporalAddress;
    if (options.ownTemporal) {
      ownDataDir = await mkdtemp(path.join(os.tmpdir(), 'conveyor-test-temporal-'));
      const serverOptions = { cliPath: s.cliPath, dataDir: ownDataDir, port: await freePort(), headless: true };
      ownServer = await startDevServer(serverOptions);
      h.temporalAddress = ownServer.address;
      h.restartTemporal = async (downMs) => {
        ownServer!.process.kill('SIGKILL');
        await new Promise((resolve) => (ownServer!.process.exitCode !== null || ownServer!.process.signalCode !== null ? resolve(undefined) : ownServer!.process.once('exit', resolve)));
        await new Promise((resolve) => setTimeout(resolve, downMs));
        ownServer = await startDevServer(serverOptions);
      };
    } else {
      h.restartTemporal = () => Promise.reject(new Error('restartTemporal needs useHarness({ ownTemporal: true })'));
    }
    h.client = new Client({ connection: await Connection.connect({ address: h.temporalAddress }) });
    const tasksDir = options.tasksDir ?? FIXTURE_TASKS;
    h.taskQueue = `test-${process.pid}-${++queueCounter}`;
    // The environment a deployment would set, built for this file: the API and the workers read only this.
    h.config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      TEMPORAL_UI_URL: 'http://localhost:8233',
      CONVEYOR_TASKS_DIR: tasksDir,
      CONVEYOR_TASK_QUEUE: h.taskQueue,
      CONVEYOR_HEARTBEAT_INTERVAL: `${options.heartbeatIntervalMs ?? 500}ms`,
      CONVEYOR_RECONCILE_INTERVAL: `${options.reconcileIntervalMs ?? 30_000}ms`,
      CONVEYOR_MAX_PENDING_TRIGGERS: String(options.maxPendingTriggers ?? 1_000),
      CONVEYOR_TRIGGER_TIMEOUT: `${options.triggerTimeoutMs ?? 10_000}ms`,
      CONVEYOR_WORKER_METRICS_ADDRESS: 'off',
      CONVEYOR_DB_POOL_SIZE: '5',
      NODE_ENV: 'test',
      ...options.env,
    });
    h.registry = await loadTasks(tasksDir, { env: h.config.kindEnv });
    h.startWorker = async () => {
      const worker = await startWorker(h.config, h.temporalAddress, h.databaseUrl, logger, { workflowBundle: s.workflowBundle, shutdownGraceTime: '2s' });
      void worker.done.catch(() => undefined); // a worker that fails is reported by stopWorker(), not as an unhandled rejection
      workers.add(worker);
      mine.add(worker);
      h.worker = worker;
      return worker;
    };
    h.stopWorker = async () => {
      const running = [...mine];
      mine.clear();
      h.worker = undefined;
      // Every worker is stopped even when one of them failed; the first failure is reported.
      const failed = (await Promise.allSettled(running.map((w) => w.stop()))).find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
    };
    if (options.worker !== false) await h.startWorker();
    api = await startApi(h.config, h.temporalAddress, h.databaseUrl, logger);
    h.apiUrl = api.url;
    h.request = async (method, url, body, headers = {}) => {
      const init: RequestInit = { method, headers: { ...headers } };
      if (body !== undefined) {
        init.body = typeof body === 'string' ? body : JSON.stringify(body);
        (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
      }
      const res = await fetch(h.apiUrl + url, init);
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      return { status: res.status, body: parsed };
    };
    h.waitForRun = async (id, until = (run) => isTerminal(run.status as RunStatus), timeoutMs = 30_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const run = await findRun(h.directDb, id);
        if (run && until(run)) return run;
        if (Date.now() > deadline) throw new Error(`run ${id} did not reach the expected state in ${timeoutMs} ms; last: ${JSON.stringify(run)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
  });

  after(async function () {
    this.timeout(60_000);
    await api?.stop();
    const stopped = await h.stopWorker?.().then(() => undefined, (error: unknown) => error);
    await h.client?.connection.close();
    if (h.db !== h.directDb) await h.db?.destroy();
    await h.directDb?.destroy();
    await h.dbProxy?.close();
    await ownServer?.stop();
    if (ownDataDir) await rm(ownDataDir, { recursive: true, force: true });
    if (databaseName) await backendsGone(databaseName);
    if (stopped) throw stopped;
  });
  return h;
}

/** Every worker a test started must be stopped by the end of its file (one that failed has stopped too). */
export function leakedWorkers(): number {
  return [...workers].filter((w) => !['STOPPED', 'FAILED'].includes(w.getState())).length;
}

/**
 * A closed pool's server backends exit a moment after their sockets close; waits (briefly) until
 * they have, so the root hook's leak check sees only connections something still holds.
 */
async function backendsGone(database: string): Promise<void> {
  for (let i = 0; i < 40; i++) {
    const { rows } = await adminQuery(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = '${database}'`);
    if ((rows[0] as { n: number }).n === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
