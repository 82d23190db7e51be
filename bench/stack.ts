// The stack every Temporal benchmark runs against: a dev server on a persistent SQLite
// file, a fresh database, a Conveyor worker with bench/tasks, the API on a free port, and
// a keep-alive HTTP client. Everything is stopped by cleanUp().
import http from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import { createApp } from '../src/api/app.js';
import { LISTEN_BACKLOG } from '../src/api/server.js';
import type { Database } from '../src/db/schema.js';
import { createLogger, type Logger } from '../src/logger.js';
import { loadTasks, type TaskRegistry } from '../src/tasks/registry.js';
import { createConveyorWorker, installRuntime } from '../src/worker-runtime.js';
import { createBenchDatabase, onCleanUp, openDb, startBenchDevServer } from './infra.js';
import { createSlotWaker } from '../src/activities/slot-waker.js';

export interface BenchStack {
  db: Kysely<Database>;
  client: Client;
  native: NativeConnection;
  registry: TaskRegistry;
  logger: Logger;
  taskQueue: string;
}

/** Runs `worker` until cleanUp(). */
export function runUntilCleanUp(worker: Worker): void {
  const running = worker.run();
  onCleanUp(async () => {
    worker.shutdown();
    await running;
  });
}

/** `onQuery` counts the queries the API and the worker send (their shared pool). */
export async function startBenchStack(taskQueue: string, options: { onQuery?: () => void } = {}): Promise<BenchStack> {
  installRuntime('ERROR');
  const logger = createLogger('silent');
  const [server, databaseUrl] = await Promise.all([startBenchDevServer(), createBenchDatabase()]);
  const db = openDb(databaseUrl, 20, options.onQuery);
  // As in production: attempts waiting for a concurrency slot wake on LISTEN/NOTIFY.
  const slotWaker = createSlotWaker(databaseUrl, logger);
  onCleanUp(() => slotWaker.close());
  const native = await NativeConnection.connect({ address: server.address });
  onCleanUp(() => native.close());
  const client = new Client({ connection: await Connection.connect({ address: server.address }) });
  onCleanUp(() => client.connection.close());
  const registry = await loadTasks(fileURLToPath(new URL('./tasks', import.meta.url)));
  runUntilCleanUp(await createConveyorWorker({ connection: native, namespace: 'default', taskQueue, db, logger, registry, heartbeatIntervalMs: 1_000, slotWaker }));
  return { db, client, native, registry, logger, taskQueue };
}

/** Serves the API of `stack` on a free loopback port; resolves to its base URL. */
export async function listenApi(stack: BenchStack, maxPendingTriggers: number): Promise<string> {
  const { db, client, registry, logger, taskQueue } = stack;
  const app = createApp({ db, client, registry, logger, namespace: 'default', taskQueue, temporalUiUrl: 'http://localhost:8233', maxPendingTriggers });
  const api = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', LISTEN_BACKLOG, () => resolve(s));
  });
  onCleanUp(async () => {
    agent.destroy();
    api.closeAllConnections();
    await new Promise((resolve) => api.close(resolve));
  });
  return `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
}

// A plain keep-alive HTTP client: the load generator shares the CPU with the stack under
// test, so it should cost as little as a gRPC client call does for a baseline.
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });

export function call(method: string, url: string, body?: string, retried = false): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
    const req = http.request(url, { method, agent, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      // A kept-alive socket the server closed as we reused it: the request never reached it (Node's documented retry).
      if (req.reusedSocket && error.code === 'ECONNRESET' && !retried) resolve(call(method, url, body, true));
      else reject(error);
    });
    req.end(body);
  });
}
