// The concurrency slot table (migration 0011): one row per attempt holding or waiting for a
// slot, with a lease. Each call is one round trip; the decision happens in SQL under an
// advisory lock, so it is exact across any number of workers.
import { sql, type Kysely } from 'kysely';
import { allowedPredecessors } from '../runs/states.js';
import type { Database } from './schema.js';

type Db = Kysely<Database>;

export const SLOT_CHANNEL = 'conveyor_slots';

export interface SlotRequest {
  runId: string;
  attempt: number;
  /** The task slug; `<workflow>/<node>` for a node's own limit; `workflow:<slug>` for a workflow's. */
  scope: string;
  key: string;
  limit?: number;
  perKey?: number;
  /** 1 first … 5 last. */
  priority: number;
  leaseMs: number;
}

export type SlotDecision =
  | { granted: true }
  | {
      granted: false;
      reason: string;
      position: number;
      /** The limit hit is the per-key one (else the task's total). */
      byKey: boolean;
      /** When a lease in the scope runs out (a dead holder's slot frees then). */
      retryAt?: Date;
    };

interface AcquireRow {
  granted: boolean;
  reason: string | null;
  queue_position: number;
  retry_at: Date | number | null;
}

/** Takes a slot, or records the attempt as waiting (its place in line is kept between calls). */
export async function acquireSlot(db: Db, r: SlotRequest): Promise<SlotDecision> {
  const { rows } = await sql<AcquireRow>`
    SELECT * FROM conveyor_acquire_slot(${r.runId}, ${r.attempt}, ${r.scope}, ${r.key}, ${r.limit ?? null}::integer,
      ${r.perKey ?? null}::integer, ${r.priority}, ${Math.ceil(r.leaseMs)})`.execute(db);
  return toDecision(rows[0]);
}

/** A whole DAG run's acquisition ended without a slot: its row had closed (cancelled, expired, terminated). */
export class RunClosedError extends Error {
  override name = 'RunClosedError';
}

/**
 * A DAG run's slot (workflow-level `concurrency`, migration 0013), one round trip: the row
 * `runId` (attempt 1) holds it until the run's row closes, with a lease that never runs out;
 * the run's row goes `queued` (with its reason) while it waits and `running` once granted.
 * Throws RunClosedError when the run's row has closed meanwhile (its place in line is given up).
 */
export async function acquireRunSlot(db: Db, r: SlotRequest): Promise<SlotDecision> {
  const { rows } = await sql<AcquireRow>`
    SELECT * FROM conveyor_acquire_run_slot(${r.runId}, ${r.scope}, ${r.key}, ${r.limit ?? null}::integer,
      ${r.perKey ?? null}::integer, ${r.priority}, ${Math.ceil(r.leaseMs)})`.execute(db);
  if (rows[0] && !rows[0].granted && rows[0].reason === 'run closed') throw new RunClosedError(`run ${r.runId} has already ended`);
  return toDecision(rows[0]);
}

function toDecision(row: AcquireRow | undefined): SlotDecision {
  if (!row || row.granted) return { granted: true };
  const reason = row.reason ?? 'concurrency limit';
  // A DAG run's held slot never lapses: its lease is 'infinity', which pg reads as a number, not a Date.
  const retryAt = row.retry_at instanceof Date && Number.isFinite(row.retry_at.getTime()) ? row.retry_at : undefined;
  return { granted: false, reason, position: row.queue_position, byKey: reason.startsWith('perKey'), ...(retryAt ? { retryAt } : {}) };
}

/**
 * The attempts in line before this one, in its scope (and key when `byKey`): holders first,
 * then waiters ahead of it, oldest first. Live leases only.
 */
export async function slotsAhead(db: Db, r: Pick<SlotRequest, 'runId' | 'scope' | 'key'>, byKey: boolean): Promise<Array<{ runId: string; held: boolean }>> {
  const { rows } = await sql<{ runId: string; held: boolean }>`
    SELECT s.run_id AS "runId", s.held
      FROM concurrency_slots s
      JOIN concurrency_slots me ON me.run_id = ${r.runId}
     WHERE s.scope = ${r.scope} AND (NOT ${byKey} OR s.key = ${r.key}) AND s.run_id <> me.run_id
       AND s.lease_expires_at >= clock_timestamp()
       AND (s.held OR (s.priority, s.enqueued_at, s.run_id) < (me.priority, me.enqueued_at, me.run_id))
     ORDER BY s.held DESC, s.enqueued_at, s.run_id`.execute(db);
  return rows;
}

/** Frees the attempt's slot (or its place in line) and wakes the scope's waiters. Idempotent. */
export async function releaseSlot(db: Db, runId: string, attempt: number): Promise<void> {
  await sql`SELECT conveyor_release_slot(${runId}, ${attempt})`.execute(db);
}

/** Extends the attempt's lease; false when the row is gone (reaped after a lapse). */
export async function renewSlot(db: Db, runId: string, attempt: number, leaseMs: number): Promise<boolean> {
  const row = await db
    .updateTable('concurrency_slots')
    .set({ lease_expires_at: sql<Date>`clock_timestamp() + ${Math.ceil(leaseMs)} * interval '1 millisecond'` })
    .where('run_id', '=', runId)
    .where('attempt', '=', attempt)
    // A DAG run's granted slot never lapses: a renewal landing after the grant must not shorten it.
    .where('lease_expires_at', '<', sql<Date>`'infinity'::timestamptz`)
    .returning('run_id')
    .executeTakeFirst();
  return row !== undefined;
}

/** The run waits for a slot: `queued`, with which limit and its place in line. */
export async function markQueued(db: Db, runId: string, reason: string): Promise<boolean> {
  const row = await db
    .updateTable('runs')
    .set({ status: 'queued', queued_reason: reason })
    .where('id', '=', runId)
    .where('status', 'in', allowedPredecessors('queued'))
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

export interface QueueUsage {
  scope: string;
  key: string;
  running: number;
  queued: number;
  oldestQueuedAt: Date | null;
}

/** Per task and key in use: attempts holding a slot, waiting for one, and the oldest wait. Expired leases do not count. */
export async function queueUsage(db: Db): Promise<QueueUsage[]> {
  const { rows } = await sql<QueueUsage>`
    SELECT scope, key,
           count(*) FILTER (WHERE held)::int AS running,
           count(*) FILTER (WHERE NOT held)::int AS queued,
           min(enqueued_at) FILTER (WHERE NOT held) AS "oldestQueuedAt"
      FROM concurrency_slots
     WHERE lease_expires_at >= clock_timestamp()
     GROUP BY scope, key
     ORDER BY scope, key`.execute(db);
  return rows;
}
