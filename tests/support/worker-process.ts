// A real worker process (`src/worker.ts`), for tests that kill it with SIGKILL.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { waitForReadyLine } from '../../src/infra/ready-line.js';

export interface WorkerProcess {
  child: ChildProcess;
  /** SIGKILL: no drain, no flush, heartbeats simply stop. */
  kill(): Promise<void>;
}

const live = new Set<ChildProcess>();

export interface WorkerProcessOptions {
  temporalAddress: string;
  databaseUrl: string;
  taskQueue: string;
  tasksDir: string;
  heartbeatInterval?: string;
  metricsAddress?: string;
}

/** Starts `src/worker.ts` in its own process; resolves once it logs "worker started". */
export async function spawnWorker(options: WorkerProcessOptions): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.resolve('src/worker.ts')], {
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: options.temporalAddress,
      DATABASE_URL: options.databaseUrl,
      CONVEYOR_TASK_QUEUE: options.taskQueue,
      CONVEYOR_TASKS_DIR: options.tasksDir,
      CONVEYOR_HEARTBEAT_INTERVAL: options.heartbeatInterval ?? '200ms',
      LOG_LEVEL: 'info',
      CONVEYOR_WORKER_METRICS_ADDRESS: options.metricsAddress ?? 'off',
      NODE_ENV: 'test',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => live.delete(child));
  await waitForReadyLine(child, { ready: '"msg":"worker started"', name: 'worker process', timeoutMs: 60_000 });
  return {
    child,
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Worker processes still alive (the root after-all hook fails the run on any). */
export function liveWorkerProcesses(): number {
  return live.size;
}

export function killAllWorkerProcesses(): void {
  for (const child of live) child.kill('SIGKILL');
}
