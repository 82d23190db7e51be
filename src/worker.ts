// The worker process: `npm run worker` (against TEMPORAL_ADDRESS and DATABASE_URL), or started by `npm start`.
import { NativeConnection } from '@temporalio/worker';
import { connectClient, openDatabase, requireEnv } from './bootstrap.js';
import { loadConfig, type Config } from './config.js';
import { createLogger, type Logger } from './logger.js';
import { startReconciler } from './runs/reconciler.js';
import { loadTasks } from './tasks/registry.js';
import { createConveyorWorker, installRuntime } from './worker-runtime.js';

export interface RunningWorker {
  /** Resolves when the worker has stopped (after `stop()` or a fatal error). */
  done: Promise<void>;
  stop(): Promise<void>;
}

/** Starts a worker with its reconciler; `stop()` drains in-flight activities, then closes everything. */
export async function startWorker(config: Config, address: string, databaseUrl: string, logger: Logger): Promise<RunningWorker> {
  const registry = await loadTasks(config.tasksDir);
  const db = await openDatabase(databaseUrl, logger, config.dbPoolSize);
  installRuntime('WARN', config.workerMetricsAddress);
  const connection = await NativeConnection.connect({ address });
  const client = await connectClient(config, address);
  const worker = await createConveyorWorker({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    db,
    logger,
    registry,
    heartbeatIntervalMs: config.heartbeatIntervalMs,
  });
  const reconciler = startReconciler({ db, client, logger, intervalMs: config.reconcileIntervalMs, staleAfterMs: config.reconcileIntervalMs });
  logger.info({ taskQueue: config.temporal.taskQueue, tasks: registry.list().map((t) => t.slug), metrics: config.workerMetricsAddress ?? null }, 'worker started');
  const done = worker.run().finally(async () => {
    await reconciler.stop();
    await client.connection.close();
    await connection.close();
    await db.destroy();
  });
  return {
    done,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, 'conveyor-worker');
  const address = requireEnv(config.temporal.address, 'TEMPORAL_ADDRESS', '`npm run worker` connects to an existing Temporal server (`npm start` runs everything)');
  const databaseUrl = requireEnv(config.databaseUrl, 'DATABASE_URL', '`npm run worker` connects to an existing Postgres');
  const worker = await startWorker(config, address, databaseUrl, logger);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.info({ signal }, 'draining worker');
      void worker.stop();
    });
  }
  await worker.done;
}

if (import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
