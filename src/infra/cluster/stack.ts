// A Temporal cluster on this machine, as production runs it: the full Temporal server on
// Postgres (built once, schema set up, our dynamic config, namespace and search attributes),
// then N Conveyor workers and N API processes against it. `npm run stack:cluster`, tests/cluster.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { createDb } from '../../db/connect.js';
import { migrateToLatest } from '../../db/migrate.js';
import { DEFAULT_TASK_QUEUE } from '../../runs/contract.js';
import { spawnConveyorProcess, type ConveyorProcess } from './conveyor-process.js';
import { prepareNamespace } from './namespace.js';
import { createDatabases, setUpTemporalSchema, type TemporalDatabases } from './schema.js';
import { ensureTemporalServer } from './server-build.js';
import { startTemporalServer, type RunningTemporalServer } from './temporal-server.js';

export interface ClusterOptions {
  /** An admin URL of the Postgres everything lives on (databases are created when missing). */
  postgresUrl: string;
  temporalDatabases: TemporalDatabases;
  /** Conveyor's own database. */
  conveyorDatabase: string;
  /** Config, dynamic config and every process's log go here. */
  dir: string;
  workers: number;
  apis: number;
  tasksDir: string;
  taskQueue?: string;
  namespace?: string;
  frontendPort?: number;
  /** Dynamic config entries over Conveyor's (`key=value`). */
  dynamicConfig?: string[];
  /** Extra environment for the worker and API processes (e.g. a shorter reconcile interval). */
  env?: Record<string, string>;
  print?: (line: string) => void;
}

export interface RunningCluster {
  temporalAddress: string;
  databaseUrl: string;
  server: RunningTemporalServer;
  workers: ConveyorProcess[];
  apis: ConveyorProcess[];
  /** Time spent building the server in this call (0 when cached). */
  buildMs: number;
  /** Another worker or API process against the same cluster. */
  spawn(kind: ConveyorProcess['kind']): Promise<ConveyorProcess>;
  /** APIs first, then workers (they drain), then the server. */
  stop(): Promise<void>;
}

function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function startCluster(options: ClusterOptions): Promise<RunningCluster> {
  const print = options.print ?? (() => undefined);
  const namespace = options.namespace ?? 'default';
  await mkdir(options.dir, { recursive: true });
  const { server: serverBinary, sqlTool, buildMs } = await ensureTemporalServer({ print });
  await createDatabases(options.postgresUrl, [options.temporalDatabases.temporal, options.temporalDatabases.visibility, options.conveyorDatabase]);
  const conveyorUrl = databaseUrl(options.postgresUrl, options.conveyorDatabase);
  await Promise.all([setUpTemporalSchema(sqlTool, options.postgresUrl, options.temporalDatabases), migrateOnce(conveyorUrl)]);
  print('Temporal schema and Conveyor database ready');

  const server = await startTemporalServer({ binary: serverBinary, dir: options.dir, postgresUrl: options.postgresUrl, databases: options.temporalDatabases, frontendPort: options.frontendPort, dynamicConfig: options.dynamicConfig });
  const processes: ConveyorProcess[] = [];
  let stopping = false;
  server.process.once('exit', (code, signal) => {
    if (!stopping) print(`the Temporal server exited (${signal ?? `code ${code}`}); see ${server.logFile}`);
  });
  const stop = async () => {
    stopping = true;
    const stopAll = (kind: ConveyorProcess['kind']) => Promise.all(processes.filter((p) => p.kind === kind).map((p) => p.stop()));
    await stopAll('api');
    await stopAll('worker');
    await server.stop();
  };
  try {
    await prepareNamespace({ address: server.address, namespace, log: print });
    print(`Temporal server on ${server.address} (log: ${server.logFile})`);
    const counters = { worker: 0, api: 0 };
    const spawn = async (kind: ConveyorProcess['kind']) => {
      const name = `${kind}-${++counters[kind]}`;
      const child = await spawnConveyorProcess({
        kind,
        name,
        logFile: path.join(options.dir, `${name}.log`),
        env: {
          TEMPORAL_ADDRESS: server.address,
          TEMPORAL_NAMESPACE: namespace,
          DATABASE_URL: conveyorUrl,
          CONVEYOR_TASKS_DIR: options.tasksDir,
          CONVEYOR_TASK_QUEUE: options.taskQueue ?? DEFAULT_TASK_QUEUE,
          ...options.env,
        },
      });
      processes.push(child);
      child.child.once('exit', (code, signal) => {
        if (!stopping) print(`${name} (pid ${child.pid}) exited (${signal ?? `code ${code}`}); see ${child.logFile}`);
      });
      return child;
    };
    const started = await Promise.all([
      ...Array.from({ length: options.workers }, () => spawn('worker')),
      ...Array.from({ length: options.apis }, () => spawn('api')),
    ]);
    return {
      temporalAddress: server.address,
      databaseUrl: conveyorUrl,
      server,
      workers: started.filter((p) => p.kind === 'worker'),
      apis: started.filter((p) => p.kind === 'api'),
      buildMs,
      spawn,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Once, before the processes start, rather than four processes racing for the migration lock. */
async function migrateOnce(url: string): Promise<void> {
  const db = createDb({ url, max: 1 });
  try {
    await migrateToLatest(db as unknown as Kysely<unknown>);
  } finally {
    await db.destroy();
  }
}
