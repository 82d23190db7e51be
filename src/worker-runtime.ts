import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DefaultLogger, NativeConnection, Runtime, Worker, type Logger as SdkLogger, type WorkerOptions } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import { createActivities } from './activities/index.js';
import type { Database } from './db/schema.js';
import type { Logger } from './logger.js';
import type { TaskRegistry } from './tasks/registry.js';
import type { SlotWaker } from './activities/slot-waker.js';
import type { ActivityDeps } from './activities/deps.js';

export const WORKFLOWS_PATH = fileURLToPath(new URL('./workflows/index.ts', import.meta.url));
export const WORKFLOW_BUNDLE_PATH = fileURLToPath(new URL('../dist/workflow-bundle.js', import.meta.url));

export interface ConveyorWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  db: Kysely<Database>;
  logger: Logger;
  registry: TaskRegistry;
  heartbeatIntervalMs: number;
  slotWaker?: SlotWaker;
  cancelRun?: ActivityDeps['cancelRun'];
  /** The settings built-in kinds run with (Config.kindEnv). */
  kindEnv?: Readonly<Record<string, string | undefined>>;
  /** A prebuilt bundle (production, tests); else the workflows are bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  shutdownGraceTime?: WorkerOptions['shutdownGraceTime'];
}

let runtimeInstalled = false;
/**
 * Sends the SDK's own logs at warn level only (its per-task info lines would drown ours) and,
 * given an address, serves the SDK's Prometheus metrics there. Call before any connection.
 */
export function installRuntime(level: 'WARN' | 'ERROR' = 'WARN', metricsAddress?: string, logger: SdkLogger = new DefaultLogger(level)): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  const metrics = metricsAddress ? { metrics: { prometheus: { bindAddress: metricsAddress } } } : {};
  try {
    Runtime.install({ logger, telemetryOptions: { logging: { filter: { core: level, other: 'ERROR' } }, ...metrics } });
  } catch (error) {
    // Already installed by the host process (tests) keeps its settings; anything else is worth a line.
    if (!/already (been )?(installed|instantiated)/i.test(String(error))) console.warn(`Temporal runtime not customised: ${String(error)}`);
  }
}

export async function createConveyorWorker(options: ConveyorWorkerOptions): Promise<Worker> {
  installRuntime();
  const bundle =
    options.workflowBundle ?? (process.env.NODE_ENV === 'production' && existsSync(WORKFLOW_BUNDLE_PATH) ? { codePath: WORKFLOW_BUNDLE_PATH } : undefined);
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    ...(bundle ? { workflowBundle: bundle } : { workflowsPath: WORKFLOWS_PATH }),
    activities: createActivities({ db: options.db, logger: options.logger, registry: options.registry, heartbeatIntervalMs: options.heartbeatIntervalMs, slotWaker: options.slotWaker, cancelRun: options.cancelRun, kindEnv: options.kindEnv }),
    // Heartbeats reach the server at least this often, so cancellation reaches a task within about this long.
    maxHeartbeatThrottleInterval: options.heartbeatIntervalMs,
    defaultHeartbeatThrottleInterval: options.heartbeatIntervalMs,
    shutdownGraceTime: options.shutdownGraceTime ?? '10s',
  });
}
