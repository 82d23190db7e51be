// One cluster for the file: the full Temporal server on Postgres (databases named after this
// process, dropped at the end), 2 worker and 2 API processes, and what the tests read.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { createDb } from '../../src/db/connect.js';
import type { Database, Run } from '../../src/db/schema.js';
import { startCluster, type RunningCluster } from '../../src/infra/cluster/stack.js';
import { isTerminal, type RunStatus } from '../../src/runs/states.js';
import { ADMIN_DATABASE_URL, adminQuery } from '../support/suite.js';

export const CLUSTER_TASKS = path.resolve('tests/fixtures/cluster-tasks');
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface RunEvent {
  id: string;
  status: string;
  previousStatus: string | null;
}

export interface ClusterHarness {
  cluster: RunningCluster;
  db: Kysely<Database>;
  client: Client;
  /** Every run event NOTIFYed since the cluster started (status changes and new runs). */
  events: RunEvent[];
  trigger(apiUrl: string, task: string, body?: Record<string, unknown>): Promise<{ status: number; body: any }>;
  waitForRuns(ids: string[], until?: (run: Run) => boolean, timeoutMs?: number): Promise<Run[]>;
  linesOf(id: string): Promise<Array<{ attempt: number; message: string | null }>>;
  /** JSON log records of a process's log file carrying this message. */
  logRecords(logFile: string, msg: string): Promise<Array<Record<string, unknown>>>;
}

export function useCluster(): ClusterHarness {
  const h = {} as ClusterHarness;
  const names = { temporal: `conveyor_cluster_${process.pid}_temporal`, visibility: `conveyor_cluster_${process.pid}_visibility`, conveyor: `conveyor_cluster_${process.pid}` };
  let dir: string | undefined;
  let listener: pg.Client | undefined;

  before(async function () {
    this.timeout(30 * 60_000); // the first run builds the Temporal server (minutes)
    dir = await mkdtemp(path.join(os.tmpdir(), 'conveyor-cluster-'));
    h.cluster = await startCluster({
      postgresUrl: ADMIN_DATABASE_URL,
      temporalDatabases: { temporal: names.temporal, visibility: names.visibility },
      conveyorDatabase: names.conveyor,
      dir,
      workers: 2,
      apis: 2,
      tasksDir: CLUSTER_TASKS,
      // Staleness above the trigger timeout, so a slow start is never mistaken for one that never happened.
      env: { CONVEYOR_HEARTBEAT_INTERVAL: '200ms', CONVEYOR_RECONCILE_INTERVAL: '12s', CONVEYOR_DB_POOL_SIZE: '8' },
      print: process.env.CLUSTER_VERBOSE ? (line) => console.log(`    [cluster] ${line}`) : undefined,
    });
    h.db = createDb({ url: h.cluster.databaseUrl, max: 4 });
    h.client = new Client({ connection: await Connection.connect({ address: h.cluster.temporalAddress }) });
    h.events = [];
    listener = new pg.Client({ connectionString: h.cluster.databaseUrl });
    await listener.connect();
    listener.on('notification', (n) => h.events.push(JSON.parse(n.payload ?? '{}') as RunEvent));
    await listener.query('LISTEN conveyor_run_events');
  });

  after(async function () {
    this.timeout(120_000);
    await listener?.end();
    await h.client?.connection.close();
    await h.db?.destroy();
    await h.cluster?.stop();
    for (const name of Object.values(names)) await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    if (dir && !process.env.CLUSTER_KEEP_LOGS) await rm(dir, { recursive: true, force: true });
  });

  h.trigger = async (apiUrl, task, body = {}) => {
    const res = await fetch(`${apiUrl}/api/tasks/${task}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: await res.json() };
  };
  h.waitForRuns = async (ids, until = (run) => isTerminal(run.status as RunStatus), timeoutMs = 120_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const runs = ids.length ? await h.db.selectFrom('runs').selectAll().where('id', 'in', ids).execute() : [];
      if (runs.length === ids.length && runs.every(until)) return runs;
      if (Date.now() > deadline) {
        const open = runs.filter((r) => !until(r)).map((r) => `${r.id}: ${r.status}`);
        throw new Error(`runs not as expected in ${timeoutMs} ms: ${ids.length - runs.length} missing; ${open.slice(0, 5).join(', ')}`);
      }
      await sleep(200);
    }
  };
  h.linesOf = (id) => h.db.selectFrom('run_logs').select(['attempt', 'message']).where('run_id', '=', id).orderBy('seq').execute();
  h.logRecords = async (logFile, msg) =>
    (await readFile(logFile, 'utf8'))
      .split('\n')
      .filter((line) => line.includes(`"msg":"${msg}"`))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return h;
}
