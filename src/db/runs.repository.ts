import { sql, type Kysely } from 'kysely';
import { allowedPredecessors, type RunStatus, type TerminalStatus, type TriggerSource } from '../runs/states.js';
import type { Database, NewRun, Run, RunError } from './schema.js';
import { storableReplacer } from './storable.js';

// Repository functions take `db` so they also work inside a transaction.
type Db = Kysely<Database>;

// JSON.stringify writes U+0000 and lone surrogates as \u escapes, which jsonb refuses; only a
// text holding such an escape (rare) pays for the second pass that replaces them with U+FFFD.
const MAYBE_UNSTORABLE_ESCAPE = /\\u(0000|d[89a-f])/i;

/** A value as jsonb text, with text Postgres cannot store replaced by U+FFFD (a task's result, error, log data). */
export function toJson(value: unknown): string | null {
  if (value === undefined) return null;
  const json = JSON.stringify(value);
  return json !== undefined && MAYBE_UNSTORABLE_ESCAPE.test(json) ? JSON.stringify(value, storableReplacer) : json;
}

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

/**
 * Inserts a run's full row unless one with its id exists (an idempotent trigger, a workflow
 * that created it first). Returns the inserted row, or undefined when it existed.
 */
export async function createRun(db: Db, row: NewRun): Promise<Run | undefined> {
  return db.insertInto('runs').values(row).onConflict((oc) => oc.column('id').doNothing()).returningAll().executeTakeFirst();
}

/** What a run's row is re-created from when a workflow finds none. */
export interface EnsuredRun extends NewRunInput {
  temporalRunId?: string;
  scheduleId?: string;
  tags?: string[];
  idempotencyKey?: string;
  rerunOf?: string;
  runAt?: string;
  expiresAt?: string;
  priority?: number;
  concurrencyKey?: string;
}

/**
 * Creates the row for a run started outside Conveyor (Temporal CLI, a schedule), or one the
 * API removed after a start whose outcome it could not learn; leaves an existing one alone.
 */
export async function ensureRun(db: Db, run: EnsuredRun): Promise<void> {
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
      tags: run.tags ?? [],
      idempotency_key: run.idempotencyKey ?? null,
      rerun_of: run.rerunOf ?? null,
      run_at: run.runAt ? new Date(run.runAt) : null,
      expires_at: run.expiresAt ? new Date(run.expiresAt) : null,
      ...(run.priority !== undefined ? { priority: run.priority } : {}),
      concurrency_key: run.concurrencyKey ?? null,
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

/**
 * Records a terminal outcome once; a second call (retried write, reconciler) changes nothing.
 * With `attempt`, only that attempt or a later one may decide: a stale attempt (its worker
 * lost, a later attempt already running) cannot overwrite what the later one decides.
 */
export async function finishRun(db: Db, id: string, outcome: Outcome): Promise<boolean> {
  let query = db
    .updateTable('runs')
    .set((eb) => ({
      status: outcome.status,
      result: toJson(outcome.result),
      error: toJson(outcome.error),
      completed_at: eb.fn<Date>('now', []),
      ...(outcome.attempt !== undefined ? { attempt: outcome.attempt } : {}),
    }))
    .where('id', '=', id)
    .where('status', 'in', allowedPredecessors(outcome.status));
  if (outcome.attempt !== undefined) query = query.where('attempt', '<=', outcome.attempt);
  const row = await query.returning('id').executeTakeFirst();
  return row !== undefined;
}

export type OpenRun = Pick<Run, 'id' | 'status' | 'temporal_run_id'>;

/**
 * Runs not finished in the database and untouched since `olderThan`, in id order, a page at a
 * time: `afterId` is the last id of the previous page, so a pass reaches every open run.
 */
export async function listOpenRuns(db: Db, olderThan: Date, limit: number, afterId?: string): Promise<OpenRun[]> {
  let query = db
    .selectFrom('runs')
    .select(['id', 'status', 'temporal_run_id'])
    .where('status', 'in', ['pending', 'queued', 'running', 'retrying'] satisfies RunStatus[])
    .where('updated_at', '<', olderThan);
  if (afterId !== undefined) query = query.where('id', '>', afterId);
  return query.orderBy('id').limit(limit).execute();
}

export interface RunFilter {
  kind?: 'task' | 'workflow';
  status?: RunStatus;
  /** The task's slug (or the workflow's, for kind = workflow). */
  task?: string;
  triggeredBy?: TriggerSource;
  tag?: string;
  /** created_at in [from, to). */
  from?: Date;
  to?: Date;
  /** The run id, or the start of one. */
  idPrefix?: string;
  /** Keyset cursor: rows strictly older than this (created_at, id). */
  before?: { createdAt: Date; id: string };
  limit: number;
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

function filtered(db: Db, filter: Omit<RunFilter, 'limit' | 'before'>) {
  let query = db.selectFrom('runs');
  if (filter.kind) query = query.where('kind', '=', filter.kind);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.task) query = query.where('task', '=', filter.task);
  if (filter.triggeredBy) query = query.where('triggered_by', '=', filter.triggeredBy);
  if (filter.tag) query = query.where(sql<boolean>`tags @> ARRAY[${filter.tag}]::text[]`);
  if (filter.from) query = query.where('created_at', '>=', filter.from);
  if (filter.to) query = query.where('created_at', '<', filter.to);
  // LIKE with a constant prefix uses runs_id_prefix_idx (text_pattern_ops, migration 0012).
  if (filter.idPrefix) query = query.where('id', 'like', `${escapeLike(filter.idPrefix)}%`);
  return query;
}

/** Runs newest first, keyset-paginated on (created_at, id) so pages stay stable while runs are added. */
export async function listRuns(db: Db, filter: RunFilter): Promise<Run[]> {
  let query = filtered(db, filter).selectAll();
  if (filter.before) {
    const { createdAt, id } = filter.before;
    query = query.where((eb) => eb.or([eb('created_at', '<', createdAt), eb.and([eb('created_at', '=', createdAt), eb('id', '<', id)])]));
  }
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(filter.limit).execute();
}

/** How many runs match the filter, per status (statuses with none are absent). */
export async function countRunsByStatus(db: Db, filter: Omit<RunFilter, 'limit' | 'before'>): Promise<Map<RunStatus, number>> {
  const rows = await filtered(db, filter).select((eb) => ['status', eb.fn.countAll<string>().as('n')]).groupBy('status').execute();
  return new Map(rows.map((r) => [r.status, Number(r.n)]));
}

/** Moves a delayed run's start; only while it is still pending. */
export async function setRunAt(db: Db, id: string, runAt: Date): Promise<boolean> {
  const row = await db.updateTable('runs').set({ run_at: runAt }).where('id', '=', id).where('status', '=', 'pending').returning('id').executeTakeFirst();
  return row !== undefined;
}

/** Pending runs whose ttl has passed (the database's clock), earliest deadline first; the expiry sweeper ends them. */
export async function listExpiredPendingRuns(db: Db, limit: number): Promise<Pick<Run, 'id' | 'expires_at'>[]> {
  return db
    .selectFrom('runs')
    .select(['id', 'expires_at'])
    .where('status', '=', 'pending')
    .where('expires_at', 'is not', null)
    .where('expires_at', '<', sql<Date>`now()`)
    .orderBy('expires_at')
    .limit(limit)
    .execute();
}
