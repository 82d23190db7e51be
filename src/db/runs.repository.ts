import { sql, type Kysely } from 'kysely';
import { allowedPredecessors, type RunStatus, type TerminalStatus, type TriggerSource } from '../runs/states.js';
import type { Database, Run, RunError } from './schema.js';

// Repository functions take `db` so they also work inside a transaction.
type Db = Kysely<Database>;

export const toJson = (value: unknown): string | null => (value === undefined ? null : JSON.stringify(value));

export interface NewRunInput {
  id: string;
  task: string;
  inputs: unknown;
  triggeredBy: TriggerSource;
}

export async function insertRun(db: Db, run: NewRunInput): Promise<Run> {
  return db
    .insertInto('runs')
    .values({ id: run.id, task: run.task, status: 'pending', triggered_by: run.triggeredBy, inputs: toJson(run.inputs) })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Creates the row for a run started outside Conveyor (Temporal CLI, a schedule); leaves an existing one alone. */
export async function ensureRun(db: Db, run: NewRunInput & { temporalRunId?: string; scheduleId?: string }): Promise<void> {
  await db
    .insertInto('runs')
    .values({
      id: run.id,
      task: run.task,
      status: 'pending',
      triggered_by: run.triggeredBy,
      inputs: toJson(run.inputs),
      temporal_run_id: run.temporalRunId ?? null,
      schedule_id: run.scheduleId ?? null,
    })
    .onConflict((oc) => oc.column('id').doUpdateSet({ temporal_run_id: run.temporalRunId ?? null }).where('runs.temporal_run_id', 'is', null))
    .execute();
}

export async function deleteRun(db: Db, id: string): Promise<void> {
  await db.deleteFrom('runs').where('id', '=', id).execute();
}

export async function findRun(db: Db, id: string): Promise<Run | undefined> {
  return db.selectFrom('runs').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * Moves a run to `running` for attempt `attempt`. Conditional: only from a
 * state that may precede `running`, and never back to an older attempt.
 * Returns undefined when the row was not in such a state.
 */
export async function markAttemptStarted(db: Db, id: string, attempt: number, temporalRunId?: string): Promise<Run | undefined> {
  return db
    .updateTable('runs')
    .set((eb) => ({
      status: 'running',
      attempt,
      started_at: eb.fn.coalesce('started_at', eb.fn<Date>('now', [])),
      temporal_run_id: eb.fn.coalesce('temporal_run_id', eb.val(temporalRunId ?? null)),
    }))
    .where('id', '=', id)
    .where('status', 'in', allowedPredecessors('running'))
    .where('attempt', '<=', attempt)
    .returningAll()
    .executeTakeFirst();
}

export async function markRetrying(db: Db, id: string, attempt: number, error: RunError): Promise<boolean> {
  const row = await db
    .updateTable('runs')
    .set({ status: 'retrying', error: toJson(error) })
    .where('id', '=', id)
    .where('status', 'in', allowedPredecessors('retrying'))
    .where('attempt', '=', attempt)
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

export interface Outcome {
  status: TerminalStatus;
  result?: unknown;
  error?: RunError;
  attempt?: number;
}

/** Records a terminal outcome once; a second call (retried write, reconciler) changes nothing. */
export async function finishRun(db: Db, id: string, outcome: Outcome): Promise<boolean> {
  const row = await db
    .updateTable('runs')
    .set((eb) => ({
      status: outcome.status,
      result: toJson(outcome.result),
      error: toJson(outcome.error),
      completed_at: eb.fn<Date>('now', []),
      ...(outcome.attempt !== undefined ? { attempt: outcome.attempt } : {}),
    }))
    .where('id', '=', id)
    .where('status', 'in', allowedPredecessors(outcome.status))
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/** Runs not finished in the database, oldest first; the reconciler checks them against Temporal. */
export async function listOpenRuns(db: Db, olderThan: Date, limit: number): Promise<Pick<Run, 'id' | 'status' | 'temporal_run_id'>[]> {
  return db
    .selectFrom('runs')
    .select(['id', 'status', 'temporal_run_id'])
    .where('status', 'in', ['pending', 'running', 'retrying'] satisfies RunStatus[])
    .where('updated_at', '<', olderThan)
    .orderBy('updated_at')
    .limit(limit)
    .execute();
}

export interface RunFilter {
  kind?: 'task' | 'workflow';
  status?: RunStatus;
  task?: string;
  triggeredBy?: TriggerSource;
  tag?: string;
  /** Keyset cursor: rows strictly older than this (created_at, id). */
  before?: { createdAt: Date; id: string };
  limit: number;
}

/** Runs newest first, keyset-paginated on (created_at, id) so pages stay stable while runs are added. */
export async function listRuns(db: Db, filter: RunFilter): Promise<Run[]> {
  let query = db.selectFrom('runs').selectAll();
  if (filter.kind) query = query.where('kind', '=', filter.kind);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.task) query = query.where('task', '=', filter.task);
  if (filter.triggeredBy) query = query.where('triggered_by', '=', filter.triggeredBy);
  if (filter.tag) query = query.where(sql<boolean>`tags @> ARRAY[${filter.tag}]::text[]`);
  if (filter.before) {
    const { createdAt, id } = filter.before;
    query = query.where((eb) => eb.or([eb('created_at', '<', createdAt), eb.and([eb('created_at', '=', createdAt), eb('id', '<', id)])]));
  }
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(filter.limit).execute();
}

/** Moves a delayed run's start; only while it is still pending. */
export async function setRunAt(db: Db, id: string, runAt: Date): Promise<boolean> {
  const row = await db.updateTable('runs').set({ run_at: runAt }).where('id', '=', id).where('status', '=', 'pending').returning('id').executeTakeFirst();
  return row !== undefined;
}
