// Per-test-file fixture: its own cloned database, its own task queue, a real
// worker and the real HTTP API against the shared dev server.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import { createApp } from '../../src/api/app.js';
import { LISTEN_BACKLOG } from '../../src/api/server.js';
import { createDb } from '../../src/db/connect.js';
import { findRun } from '../../src/db/runs.repository.js';
import type { Database, Run } from '../../src/db/schema.js';
import { createLogger } from '../../src/logger.js';
import { isTerminal, type RunStatus } from '../../src/runs/states.js';
import { loadTasks, type TaskRegistry } from '../../src/tasks/registry.js';
import { freePort, startDevServer, type DevServer } from '../../src/infra/temporal-dev-server.js';
import { createConveyorWorker } from '../../src/worker-runtime.js';
import { cloneDatabase, databaseUrl, suite } from './suite.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

export const FIXTURE_TASKS = path.resolve('tests/fixtures/tasks');
export const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent', 'test');
const workers = new Set<Worker>();

export interface Harness {
  /** The pool the worker and the API use (through the proxy when `proxyDatabase`). */
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
  worker?: Worker;
  /** Starts (another) in-process worker on this file's task queue. */
  startWorker(): Promise<Worker>;
  stopWorker(): Promise<void>;
  request(method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  waitForRun(id: string, until?: (run: Run) => boolean, timeoutMs?: number): Promise<Run>;
}

export interface HarnessOptions {
  tasksDir?: string;
  worker?: boolean;
  heartbeatIntervalMs?: number;
  /** A dev server of this file's own, on a persistent SQLite file, that the test may kill and restart. */
  ownTemporal?: boolean;
  /** Route the worker's and the API's database connections through a TCP proxy the test can cut. */
  proxyDatabase?: boolean;
  maxPendingTriggers?: number;
  /** How long the API waits for Temporal to accept a start (production default 10 s). */
  triggerTimeoutMs?: number;
}

let queueCounter = 0;

export function useHarness(options: HarnessOptions = {}): Harness {
  const h = {} as Harness;
  let server: Server | undefined;
  let nativeConnection: NativeConnection | undefined;
  let running: Promise<void> | undefined;
  let ownServer: DevServer | undefined;
  let ownDataDir: string | undefined;

  before(async function () {
    this.timeout(600_000); // the first file may build the Temporal CLI
    const s = await suite();
    const name = await cloneDatabase();
    h.databaseUrl = databaseUrl(name);
    h.directDb = createDb({ url: h.databaseUrl, max: 4 });
    if (options.proxyDatabase) {
      const direct = new URL(h.databaseUrl);
      h.dbProxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
      direct.host = `127.0.0.1:${h.dbProxy.port}`;
      h.databaseUrl = direct.toString();
    }
    h.db = options.proxyDatabase ? createDb({ url: h.databaseUrl, max: 10 }) : h.directDb;
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
    h.registry = await loadTasks(options.tasksDir ?? FIXTURE_TASKS);
    h.taskQueue = `test-${process.pid}-${++queueCounter}`;
    nativeConnection = await NativeConnection.connect({ address: h.temporalAddress });
    h.startWorker = async () => {
      const worker = await createConveyorWorker({
        connection: nativeConnection!,
        namespace: 'default',
        taskQueue: h.taskQueue,
        db: h.db,
        logger,
        registry: h.registry,
        heartbeatIntervalMs: options.heartbeatIntervalMs ?? 500,
        workflowBundle: s.workflowBundle,
        shutdownGraceTime: '2s',
      });
      workers.add(worker);
      h.worker = worker;
      running = worker.run();
      return worker;
    };
    h.stopWorker = async () => {
      if (h.worker?.getState() === 'RUNNING') h.worker.shutdown();
      await running;
      h.worker = undefined;
    };
    if (options.worker !== false) await h.startWorker();
    const app = createApp({
      db: h.db,
      client: h.client,
      registry: h.registry,
      logger,
      namespace: 'default',
      taskQueue: h.taskQueue,
      temporalUiUrl: 'http://localhost:8233',
      maxPendingTriggers: options.maxPendingTriggers ?? 1_000,
      triggerTimeoutMs: options.triggerTimeoutMs ?? 10_000,
    });
    server = await new Promise<Server>((resolve) => {
      const srv = app.listen(0, '127.0.0.1', LISTEN_BACKLOG, () => resolve(srv));
    });
    h.apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
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
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server?.closeAllConnections();
    await h.stopWorker?.();
    await nativeConnection?.close();
    await h.client?.connection.close();
    if (h.db !== h.directDb) await h.db?.destroy();
    await h.directDb?.destroy();
    await h.dbProxy?.close();
    await ownServer?.stop();
    if (ownDataDir) await rm(ownDataDir, { recursive: true, force: true });
  });
  return h;
}

/** Every worker a test started must be stopped by the end of its file. */
export function leakedWorkers(): number {
  return [...workers].filter((w) => w.getState() !== 'STOPPED').length;
}
