// Per-test-file fixture: its own cloned database, its own task queue, a real
// worker and the real HTTP API against the shared dev server.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import { createApp } from '../../src/api/app.js';
import { createDb } from '../../src/db/connect.js';
import { findRun } from '../../src/db/runs.repository.js';
import type { Database, Run } from '../../src/db/schema.js';
import { createLogger } from '../../src/logger.js';
import { isTerminal, type RunStatus } from '../../src/runs/states.js';
import { loadTasks, type TaskRegistry } from '../../src/tasks/registry.js';
import { createConveyorWorker } from '../../src/worker-runtime.js';
import { cloneDatabase, databaseUrl, suite } from './suite.js';

export const FIXTURE_TASKS = path.resolve('tests/fixtures/tasks');
export const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent', 'test');
const workers = new Set<Worker>();

export interface Harness {
  db: Kysely<Database>;
  databaseUrl: string;
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
}

let queueCounter = 0;

export function useHarness(options: HarnessOptions = {}): Harness {
  const h = {} as Harness;
  let server: Server | undefined;
  let nativeConnection: NativeConnection | undefined;
  let running: Promise<void> | undefined;

  before(async function () {
    this.timeout(600_000); // the first file may build the Temporal CLI
    const s = await suite();
    const name = await cloneDatabase();
    h.databaseUrl = databaseUrl(name);
    h.db = createDb({ url: h.databaseUrl, max: 10 });
    h.temporalAddress = s.temporalAddress;
    h.client = new Client({ connection: await Connection.connect({ address: s.temporalAddress }) });
    h.registry = await loadTasks(options.tasksDir ?? FIXTURE_TASKS);
    h.taskQueue = `test-${process.pid}-${++queueCounter}`;
    nativeConnection = await NativeConnection.connect({ address: s.temporalAddress });
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
      maxPendingTriggers: 1_000,
    });
    server = await new Promise<Server>((resolve) => {
      const srv = app.listen(0, '127.0.0.1', () => resolve(srv));
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
        const run = await findRun(h.db, id);
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
    await h.db?.destroy();
  });
  return h;
}

/** Every worker a test started must be stopped by the end of its file. */
export function leakedWorkers(): number {
  return [...workers].filter((w) => w.getState() !== 'STOPPED').length;
}
