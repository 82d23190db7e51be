import type { Server } from 'node:http';
import { Client } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import type { AddressInfo } from 'node:net';
import { connectClient, openDatabase } from '../bootstrap.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { requireApiKeyInProduction, storeBootstrapApiKey } from './auth.js';
import { loadTasks } from '../tasks/registry.js';
import { createApp } from './app.js';
import { startExpirySweeper } from '../runs/expiry-sweeper.js';
import { createLiveHub } from './live/hub.js';

/** Node's default (511) resets connections when a thousand clients connect at once. */
export const LISTEN_BACKLOG = 4096;

export interface RunningApi {
  url: string;
  stop(): Promise<void>;
}

/** What tests (and embedders) may set beyond the environment's Config. */
export interface ApiStartOptions {
  /** How often pending runs past their ttl are expired (default 1 s). */
  expirySweepIntervalMs?: number;
  /**
   * The connection of a worker in this process polling the API's task queue (npm start): triggers
   * start eagerly through it (unless CONVEYOR_EAGER_START=off). It stays the worker's to close.
   */
  workerConnection?: NativeConnection;
}

/** Starts the HTTP API: loads the tasks (for their schemas), migrates, connects to Temporal, listens, and sweeps expired runs. */
export async function startApi(config: Config, address: string, databaseUrl: string, logger: Logger, options: ApiStartOptions = {}): Promise<RunningApi> {
  const registry = await loadTasks(config.tasksDir, { env: config.kindEnv });
  const db = await openDatabase(databaseUrl, logger, config.dbPoolSize);
  await storeBootstrapApiKey(db, config.bootstrapApiKey, logger)
    .then(() => requireApiKeyInProduction(db, config.production))
    .catch(async (error: unknown) => {
    await db.destroy();
    throw error;
  });
  const client = await connectClient(config, address).catch(async (error: unknown) => {
    await db.destroy();
    throw error;
  });
  // Opens its LISTEN connection when the first live stream opens.
  const live = createLiveHub({ db, databaseUrl, logger });
  const app = createApp({
    db,
    live,
    client,
    registry,
    logger,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    temporalUiUrl: config.temporal.uiUrl,
    maxPendingTriggers: config.maxPendingTriggers,
    triggerTimeoutMs: config.triggerTimeoutMs,
    // npm start: triggers start on this process's worker, eagerly (ServiceDeps.startClient).
    ...(options.workerConnection && config.eagerStart ? { startClient: new Client({ connection: options.workerConnection, namespace: config.temporal.namespace }), eagerStart: true } : {}),
    bodyLimit: config.bodyLimit,
    publicUrl: config.publicUrl,
    production: config.production,
    kindEnv: config.kindEnv,
  });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(config.port, config.host, LISTEN_BACKLOG, () => resolve(s));
    s.once('error', reject);
  }).catch(async (error: unknown) => {
    await live.close();
    await client.connection.close();
    await db.destroy();
    throw error;
  });
  // TTL without workers: expiry must not wait for a worker to pick the run up.
  const sweeper = startExpirySweeper({ db, client, logger, intervalMs: options.expirySweepIntervalMs });
  const { port } = server.address() as AddressInfo;
  const url = config.publicUrl ?? `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`;
  return {
    url,
    async stop() {
      await live.close(); // ends the SSE streams, which would keep server.close() waiting
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await sweeper.stop();
      await client.connection.close();
      await db.destroy();
    },
  };
}
