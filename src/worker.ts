// The worker process: `npm run worker` (against TEMPORAL_ADDRESS and DATABASE_URL), or started by `npm start`.
import { NativeConnection, type State, type WorkerOptions } from '@temporalio/worker';
import { connectClient, openDatabase, requireEnv } from './bootstrap.js';
import { loadConfig, type Config } from './config.js';
import { createLogger, type Logger } from './logger.js';
import { startReconciler } from './runs/reconciler.js';
import { loadTasks } from './tasks/registry.js';
import { DAG_RUN_WORKFLOW, TASK_RUN_WORKFLOW } from './services/schedules.js';
import { createConveyorWorker, installRuntime } from './worker-runtime.js';
import { startPresence } from './worker-presence.js';
import { createSlotWaker } from './activities/slot-waker.js';
import { CANCEL_SIGNAL } from './runs/contract.js';

export interface RunningWorker {
  /** This worker's id in the `workers` table (GET /api/workers). */
  id: string;
  /** Resolves when the worker has stopped (after `stop()` or a fatal error). */
  done: Promise<void>;
  /** The SDK worker's state: INITIALIZED, RUNNING, STOPPING, DRAINING, DRAINED, STOPPED, FAILED. */
  getState(): State;
  /** The worker's Temporal connection: a client on it can start workflows eagerly on this worker. */
  connection: NativeConnection;
  stop(): Promise<void>;
}

/** What tests (and embedders) may set beyond the environment's Config. */
export interface WorkerStartOptions {
  /** A prebuilt workflow bundle; else bundled at start (or dist/ in production). */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** How long stop() lets in-flight activities finish (default 10 s). */
  shutdownGraceTime?: WorkerOptions['shutdownGraceTime'];
  /** How often the worker refreshes its presence row (default 2 s). */
  presenceIntervalMs?: number;
}

/** Starts a worker with its reconciler and presence row; `stop()` drains in-flight activities, then closes everything. */
export async function startWorker(config: Config, address: string, databaseUrl: string, logger: Logger, options: WorkerStartOptions = {}): Promise<RunningWorker> {
  const registry = await loadTasks(config.tasksDir, { env: config.kindEnv });
  const db = await openDatabase(databaseUrl, logger, config.dbPoolSize);
  const closers: Array<() => Promise<void>> = [() => db.destroy()];
  const closeAll = async () => {
    for (const close of closers.reverse()) await close().catch((err: unknown) => logger.warn({ err }, 'error while closing the worker'));
  };
  try {
    installRuntime('WARN', config.workerMetricsAddress);
    // Opens its LISTEN connection only when a limited task first waits for a slot.
    const slotWaker = createSlotWaker(databaseUrl, logger);
    closers.push(() => slotWaker.close());
    const connection = await NativeConnection.connect({ address });
    closers.push(() => connection.close());
    const client = await connectClient(config, address);
    closers.push(() => client.connection.close());
    const worker = await createConveyorWorker({
      connection,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      db,
      logger,
      registry,
      heartbeatIntervalMs: config.heartbeatIntervalMs,
      kindEnv: config.kindEnv,
      slotWaker,
      cancelRun: (runId, reason) => client.workflow.getHandle(runId).signal(CANCEL_SIGNAL, { reason }),
      workflowBundle: options.workflowBundle,
      shutdownGraceTime: options.shutdownGraceTime,
    });
    const tasks = registry.list().map((t) => t.slug);
    const presence = await startPresence({
      db,
      logger,
      taskQueue: config.temporal.taskQueue,
      tasks,
      workflowTypes: [TASK_RUN_WORKFLOW, DAG_RUN_WORKFLOW],
      inFlight: () => worker.getStatus().numInFlightNonLocalActivities,
      intervalMs: options.presenceIntervalMs,
    });
    const reconciler = startReconciler({ db, client, logger, intervalMs: config.reconcileIntervalMs, staleAfterMs: config.reconcileIntervalMs });
    logger.info({ workerId: presence.id, taskQueue: config.temporal.taskQueue, tasks, metrics: config.workerMetricsAddress ?? null }, 'worker started');
    const done = worker.run().finally(async () => {
      await presence.stop();
      await reconciler.stop();
      await closeAll();
    });
    return {
      id: presence.id,
      done,
      getState: () => worker.getState(),
      connection,
      async stop() {
        // Gone from the presence table at once: a stopping worker takes no new work.
        await presence.stop();
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await done;
      },
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
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
