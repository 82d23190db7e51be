// An attempt of a limited task takes a slot before it runs and frees it however it ends
// (the caller's finally). While it waits, the run is `queued`; the wait ends when a slot in
// its scope is freed (LISTEN/NOTIFY, slot-waker.ts), when a lease in the scope runs out (a
// dead worker's slot), at the run's ttl, or on cancellation.
import type { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Kysely } from 'kysely';
import { acquireSlot, releaseSlot, renewSlot, type SlotDecision, type SlotRequest } from '../db/slots.repository.js';
import { withDbRetry } from '../db/retry.js';
import type { Database, RunError } from '../db/schema.js';
import type { Logger } from '../logger.js';
import { expiredError, isExpired } from '../runs/expiry.js';
import { DEFAULT_PRIORITY } from '../runs/priority.js';
import { concurrencyKeyOf, type Concurrency } from '../tasks/concurrency.js';
import { replaceRunsAhead } from './replace-runs.js';
import type { SlotWaker } from './slot-waker.js';

export const CONCURRENCY_LIMIT_ERROR = 'ConcurrencyLimit';

/** Who takes the slot, and against which limit. */
export interface SlotHolder {
  /** The slot row's id: the run id (a task run's attempt, or a whole DAG run), or `<run id>/<node id>` for a DAG node. */
  id: string;
  attempt: number;
  /** The limit's scope: the task slug, `<workflow>/<node id>` for a node's own limit, `workflow:<slug>` for a workflow's. */
  scope: string;
  /** What the key expression reads (`inputs.…`). */
  inputs: unknown;
  priority?: number;
  concurrencyKey?: string;
  /** ISO time: a first attempt still waiting then ends `expired` (task runs). */
  expiresAt?: string;
}

/** Where waiting and ending are recorded: the run's row for a task run, the node's log for a DAG node. */
export interface SlotRecorder {
  queued(reason: string): Promise<void>;
  /** The run ends without running: `cancel-newest` over the limit, or its ttl passed while queued. */
  ended(status: 'cancelled' | 'expired', error: RunError): Promise<void>;
}

export interface SlotInput {
  db: Kysely<Database>;
  logger: Logger;
  waker: SlotWaker;
  ctx: Context;
  concurrency: Concurrency;
  holder: SlotHolder;
  recorder: SlotRecorder;
  /** The lease: a holder that stops renewing (a dead worker) loses its slot after this long. */
  leaseMs: number;
  renewEveryMs: number;
  /** Cancels another run (onLimit `cancel-in-progress`); without it such a task queues. */
  cancelRun?: (runId: string, reason: string) => Promise<void>;
  /** One acquisition try; default an attempt's (`acquireSlot`), a whole DAG run's is `acquireRunSlot`. */
  acquire?: (db: Kysely<Database>, request: SlotRequest) => Promise<SlotDecision>;
}

export interface HeldSlot {
  release(): Promise<void>;
  /** Stops renewing the lease: the slot outlives this attempt (a DAG run's, freed when its row closes). */
  keep(): void;
}

/** Waits for and takes a slot; throws (having given up its place in line) on cancellation or ttl expiry. */
export async function takeSlot({ db, logger, waker, ctx, concurrency, holder, recorder, leaseMs, renewEveryMs, cancelRun, acquire = acquireSlot }: SlotInput): Promise<HeldSlot> {
  const request: SlotRequest = {
    runId: holder.id,
    attempt: holder.attempt,
    scope: holder.scope,
    key: concurrencyKeyOf(concurrency, holder.inputs, holder.concurrencyKey),
    ...(concurrency.limit !== undefined ? { limit: concurrency.limit } : {}),
    ...(concurrency.perKey !== undefined ? { perKey: concurrency.perKey } : {}),
    priority: holder.priority ?? DEFAULT_PRIORITY,
    leaseMs,
  };
  const renewal = setInterval(() => {
    renewSlot(db, holder.id, holder.attempt, leaseMs).catch((err: unknown) => logger.warn({ err, holder: holder.id }, 'could not renew a concurrency slot lease'));
  }, renewEveryMs);
  const release = async () => {
    clearInterval(renewal);
    await withDbRetry(() => releaseSlot(db, holder.id, holder.attempt)).catch((err: unknown) =>
      // Not lost: the lease runs out and the next acquisition in the scope deletes the row.
      logger.error({ err, holder: holder.id }, 'could not release a concurrency slot'),
    );
  };
  const replaced = new Set<string>();
  // Only a new run is turned away or replaces others: a retry of a run that already ran waits its turn.
  const first = holder.attempt === 1;
  try {
    let queued = false;
    for (;;) {
      const signal = ctx.cancellationSignal;
      if (signal.aborted) throw signal.reason;
      const seen = waker.mark(request.scope);
      const decision = await withDbRetry(() => acquire(db, request), { signal });
      if (decision.granted) return { release, keep: () => clearInterval(renewal) };
      if (concurrency.onLimit === 'cancel-newest' && first) {
        const error = { type: CONCURRENCY_LIMIT_ERROR, message: `concurrency limit (${decision.reason})` };
        await recorder.ended('cancelled', error);
        throw ApplicationFailure.nonRetryable(error.message, error.type);
      }
      if (concurrency.onLimit === 'cancel-in-progress' && first && cancelRun) {
        await replaceRunsAhead({ db, logger, request, decision, concurrency, replaced, cancelRun });
      }
      if (!queued) {
        queued = true;
        await recorder.queued(`${decision.reason}, position ${decision.position}`);
      }
      // Only a run that never ran expires: a later attempt's run has started already.
      const expiresAt = holder.expiresAt && first ? Date.parse(holder.expiresAt) + 1 : Infinity;
      if (isExpired(holder.expiresAt) && first) {
        const expired = expiredError(holder.expiresAt!);
        await recorder.ended('expired', expired);
        throw ApplicationFailure.nonRetryable(expired.message, expired.type);
      }
      const leaseLapse = decision.retryAt ? decision.retryAt.getTime() + 50 : Date.now() + leaseMs;
      await waker.wait(request.scope, Math.min(leaseLapse, expiresAt, Date.now() + leaseMs), signal, seen, releasesToSleepThrough(decision, concurrency));
    }
  } catch (error) {
    await release();
    throw error;
  }
}

/**
 * Granted means holders + waiters ahead < the limit hit, and a release lowers that sum by at
 * most one (a waiter ahead taking the slot keeps it): with `position - 1` waiters ahead, no
 * grant is possible before `position - limit` releases, whatever the holders. The waiter sleeps
 * through the ones before (a lease running out frees a slot without a release: the wait's
 * deadline is that lapse anyway).
 */
export function releasesToSleepThrough(decision: { position: number; byKey: boolean }, concurrency: Pick<Concurrency, 'limit' | 'perKey'>): number {
  const limit = decision.byKey ? concurrency.perKey : concurrency.limit;
  return limit === undefined ? 0 : Math.max(0, decision.position - limit - 1);
}
