// One Conveyor worker or API as a separate process (`src/worker.ts`, `src/api/main.ts`), as a
// deployment runs them: its own process group, JSON logs to a file, ready once it says so.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freePort } from '../temporal-dev-server.js';
import { stopProcessGroup } from './process-group.js';
import { waitForReadyLine } from '../ready-line.js';

export type ConveyorProcessKind = 'worker' | 'api';

const ENTRY: Record<ConveyorProcessKind, string> = {
  worker: fileURLToPath(new URL('../../worker.ts', import.meta.url)),
  api: fileURLToPath(new URL('../../api/main.ts', import.meta.url)),
};
const READY: Record<ConveyorProcessKind, string> = { worker: '"msg":"worker started"', api: '"msg":"API listening"' };

export interface ConveyorProcess {
  kind: ConveyorProcessKind;
  name: string;
  pid: number;
  /** The API's base URL (APIs only). */
  url?: string;
  logFile: string;
  child: ChildProcess;
  /** SIGTERM (a worker drains), SIGKILL after 20 s. */
  stop(): Promise<void>;
  /** SIGKILL: no drain, no flush. */
  kill(): Promise<void>;
}

export interface SpawnConveyorOptions {
  kind: ConveyorProcessKind;
  name: string;
  /** TEMPORAL_ADDRESS, DATABASE_URL, CONVEYOR_TASKS_DIR, … (added to this process's environment). */
  env: Record<string, string>;
  logFile: string;
  startTimeoutMs?: number;
}

export async function spawnConveyorProcess({ kind, name, env, logFile, startTimeoutMs = 120_000 }: SpawnConveyorOptions): Promise<ConveyorProcess> {
  const port = kind === 'api' ? String(await freePort()) : undefined;
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY[kind]], {
    // LOG_LEVEL info and JSON: readiness is read from the start-up line, an info record.
    env: { ...process.env, CONVEYOR_WORKER_METRICS_ADDRESS: 'off', HOST: '127.0.0.1', ...env, LOG_LEVEL: 'info', CONVEYOR_LOG_FORMAT: 'json', ...(port ? { PORT: port } : {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const log = createWriteStream(logFile);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => log.end());
  await waitForReadyLine(child, { ready: READY[kind], name, timeoutMs: startTimeoutMs, onChunk: (chunk) => log.write(chunk), hint: `see ${logFile}` }).catch(
    async (error: unknown) => {
      await stopProcessGroup(child, 0);
      throw error;
    },
  );
  return {
    kind,
    name,
    pid: child.pid!,
    url: port ? `http://127.0.0.1:${port}` : undefined,
    logFile,
    child,
    stop: () => stopProcessGroup(child, 20_000),
    kill: () => stopProcessGroup(child, 0),
  };
}
