import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connectClient, openDatabase } from '../bootstrap.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { requireApiKeyInProduction } from './auth.js';
import { loadTasks } from '../tasks/registry.js';
import { createApp } from './app.js';

/** Node's default (511) resets connections when a thousand clients connect at once. */
export const LISTEN_BACKLOG = 4096;

export interface RunningApi {
  url: string;
  stop(): Promise<void>;
}

/** Starts the HTTP API: loads the tasks (for their schemas), migrates, connects to Temporal, listens. */
export async function startApi(config: Config, address: string, databaseUrl: string, logger: Logger): Promise<RunningApi> {
  const registry = await loadTasks(config.tasksDir);
  const db = await openDatabase(databaseUrl, logger, config.dbPoolSize);
  await requireApiKeyInProduction(db, config.production).catch(async (error: unknown) => {
    await db.destroy();
    throw error;
  });
  const client = await connectClient(config, address);
  const app = createApp({
    db,
    client,
    registry,
    logger,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    temporalUiUrl: config.temporal.uiUrl,
    maxPendingTriggers: config.maxPendingTriggers,
    triggerTimeoutMs: config.triggerTimeoutMs,
    bodyLimit: config.bodyLimit,
    publicUrl: config.publicUrl,
    production: config.production,
  });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(config.port, config.host, LISTEN_BACKLOG, () => resolve(s));
    s.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const url = config.publicUrl ?? `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`;
  return {
    url,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await client.connection.close();
      await db.destroy();
    },
  };
}
