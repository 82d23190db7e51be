import { sql, type Kysely } from 'kysely';
import type { Database, WorkerRow } from './schema.js';

// Repository functions take `db` so they also work inside a transaction.
type Db = Kysely<Database>;

/** A worker not seen for this long is gone (it heartbeats every 2 s; three missed beats). */
export const WORKER_GONE_AFTER_MS = 6_000;

export interface WorkerRegistration {
  id: string;
  host: string;
  pid: number;
  taskQueue: string;
  tasks: string[];
  workflowTypes: string[];
  inFlight: number;
}

/** Registers a worker or refreshes its row (the heartbeat): last_seen_at is the database's clock. */
export async function upsertWorker(db: Db, worker: WorkerRegistration): Promise<void> {
  await db
    .insertInto('workers')
    .values({
      id: worker.id,
      host: worker.host,
      pid: worker.pid,
      task_queue: worker.taskQueue,
      tasks: worker.tasks,
      workflow_types: worker.workflowTypes,
      in_flight: worker.inFlight,
    })
    .onConflict((oc) => oc.column('id').doUpdateSet({ in_flight: worker.inFlight, last_seen_at: sql<Date>`now()` }))
    .execute();
}

export async function deleteWorker(db: Db, id: string): Promise<void> {
  await db.deleteFrom('workers').where('id', '=', id).execute();
}

// Compared with the database's clock, as last_seen_at is written with it: no clock skew between hosts.
const seenSince = (goneAfterMs: number) => sql<Date>`now() - make_interval(secs => ${goneAfterMs / 1000})`;

/** Workers seen recently, oldest first; optionally only those on one task queue. */
export async function listLiveWorkers(db: Db, { taskQueue, goneAfterMs = WORKER_GONE_AFTER_MS }: { taskQueue?: string; goneAfterMs?: number } = {}): Promise<WorkerRow[]> {
  let query = db.selectFrom('workers').selectAll().where('last_seen_at', '>', seenSince(goneAfterMs));
  if (taskQueue !== undefined) query = query.where('task_queue', '=', taskQueue);
  return query.orderBy('started_at').orderBy('id').execute();
}

/** What a run needs from a worker: a task slug (task runs) or a workflow type (workflow runs). */
export type WorkerNeed = { task: string } | { workflowType: string };

/** Whether a live worker on `taskQueue` serves `need`. */
export async function liveWorkerServes(db: Db, taskQueue: string, need: WorkerNeed, goneAfterMs = WORKER_GONE_AFTER_MS): Promise<boolean> {
  const row = await db
    .selectFrom('workers')
    .select('id')
    .where('task_queue', '=', taskQueue)
    .where('last_seen_at', '>', seenSince(goneAfterMs))
    .where('task' in need ? sql<boolean>`${need.task} = ANY(tasks)` : sql<boolean>`${need.workflowType} = ANY(workflow_types)`)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
