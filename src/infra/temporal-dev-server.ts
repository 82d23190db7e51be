import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { CONVEYOR_SEARCH_ATTRIBUTES } from '../runs/contract.js';

/** Measured on this machine: 150 → 23 ms p50 for a one-activity workflow, 29 → 66 workflows/s. */
export const DEV_SERVER_TUNING = [
  'history.transferProcessorMaxPollRPS=2000',
  'history.transferProcessorMaxPollHostRPS=2000',
  'matching.numTaskqueueReadPartitions=1',
  'matching.numTaskqueueWritePartitions=1',
  'system.enableActivityEagerExecution=true',
  // Honours a workflow's priority.priorityKey in matching (Server 1.29 has it off by default).
  'matching.useNewMatcher=true',
  // Shares dispatch fairly between a task's concurrency keys (priority.fairnessKey); needs the new matcher.
  'matching.enableFairness=true',
  // A start from a process whose worker polls the task queue gets its first workflow task in the
  // start's answer (npm start: API and worker share one connection), skipping matching.
  'system.enableEagerWorkflowStart=true',
];
export const SQLITE_PRAGMAS = ['journal_mode=wal', 'synchronous=1'];

export interface DevServerOptions {
  cliPath: string;
  /** Directory for the persistent SQLite file; omitted → in memory (tests). */
  dataDir?: string;
  port?: number;
  uiPort?: number;
  headless?: boolean;
  /**
   * Start it in a process group of its own (`conveyor dev`): Ctrl-C in a terminal then reaches
   * only Conveyor, which stops the server after the worker has drained, instead of the server
   * vanishing under in-flight attempts. Tests leave it in theirs, so a Ctrl-C stops it with them.
   */
  ownProcessGroup?: boolean;
  /** False: `temporal server start-dev` out of the box, none of DEV_SERVER_TUNING (bench:runs' baseline). */
  tuning?: boolean;
  /** Extra dynamic config, e.g. lowered limits for a test. */
  dynamicConfig?: string[];
  log?: (line: string) => void;
}

export interface DevServer {
  address: string;
  uiUrl?: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Starts `temporal server start-dev` with Conveyor's search attributes and tuning; resolves once it answers. */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const port = options.port ?? (await freePort());
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--log-level', 'error'];
  for (const key of CONVEYOR_SEARCH_ATTRIBUTES) args.push('--search-attribute', `${key.name}=Keyword`);
  for (const value of [...(options.tuning === false ? [] : DEV_SERVER_TUNING), ...(options.dynamicConfig ?? [])]) args.push('--dynamic-config-value', value);
  if (options.dataDir) {
    await mkdir(options.dataDir, { recursive: true });
    args.push('--db-filename', path.join(options.dataDir, 'temporal.sqlite'));
    for (const pragma of SQLITE_PRAGMAS) args.push('--sqlite-pragma', pragma);
  }
  if (options.headless) args.push('--headless');
  else args.push('--ui-port', String(options.uiPort ?? (await freePort())));

  const child = spawn(options.cliPath, args, { stdio: ['ignore', 'ignore', 'pipe'], detached: options.ownProcessGroup === true });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const address = `127.0.0.1:${port}`;

  const deadline = Date.now() + 60_000;
  for (;;) {
    const state = await Promise.race([exited.then((code) => ({ code })), waitReachable(address).then((ok) => ({ ok }))]);
    if ('code' in state) throw new Error(`temporal server start-dev exited (code ${state.code}) before it answered:\n${stderr}`);
    if (state.ok) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`temporal server start-dev did not answer on ${address} within 60 s:\n${stderr}`);
    }
  }
  return {
    address,
    uiUrl: options.headless ? undefined : `http://localhost:${args[args.indexOf('--ui-port') + 1]}`,
    process: child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export async function waitReachable(address: string): Promise<boolean> {
  try {
    const connection = await Connection.connect({ address, connectTimeout: 1_000 });
    try {
      await connection.workflowService.getSystemInfo({});
      return true;
    } finally {
      await connection.close();
    }
  } catch {
    await new Promise((r) => setTimeout(r, 200));
    return false;
  }
}
