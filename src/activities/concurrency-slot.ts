// An attempt of a limited task takes a slot before it runs and frees it however it ends
// (the caller's finally). While it waits, the run is `queued`; the wait ends when a slot in
// its scope is freed (LISTEN/NOTIFY, slot-waker.ts), when a lease in the scope runs out (a
// dead worker's slot), at the run's ttl, or on cancellation.
import type { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { acquireSlot, markQueued, releaseSlot, renewSlot, slotsAhead, type SlotDecision, type SlotRequest } from '../db/slots.repository.js';
import { withDbRetry } from '../db/retry.js';
import { finishRun } from '../db/runs.repository.js';
import type { Logger } from '../logger.js';
import { expiredError, isExpired } from '../runs/expiry.js';
import { concurrencyKeyOf, type Concurrency } from '../tasks/concurrency.js';
import type { SlotWaker } from './slot-waker.js';
import { DEFAULT_PRIORITY } from '../runs/priority.js';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';


export const CONCURRENCY_LIMIT_ERROR = 'ConcurrencyLimit';

export interface SlotInput {
  db: Kysely<Database>;
  logger: Logger;
  waker: SlotWaker;
  ctx: Context;
  concurrency: Concurrency;
  run: { runId: string; task: string; inputs: unknown; attempt: number; priority?: number; concurrencyKey?: string; expiresAt?: string };
  /** The lease: a holder that stops renewing (a dead worker) loses its slot after this long. */
  leaseMs: number;
  renewEveryMs: number;
  /** Cancels another run (onLimit `cancel-in-progress`); without it such a task queues. */
  cancelRun?: (runId: string, reason: string) => Promise<void>;
}

export interface HeldSlot {
  release(): Promise<void>;
}

/** Waits for and takes a slot; throws (having given up its place in line) on cancellation or ttl expiry. */
export async function takeSlot({ db, logger, waker, ctx, concurrency, run, leaseMs, renewEveryMs, cancelRun }: SlotInput): Promise<HeldSlot> {
  const request: SlotRequest = {
    runId: run.runId,
    attempt: run.attempt,
    scope: run.task,
    key: concurrencyKeyOf(concurrency, run.inputs, run.concurrencyKey),
    ...(concurrency.limit !== undefined ? { limit: concurrency.limit } : {}),
    ...(concurrency.perKey !== undefined ? { perKey: concurrency.perKey } : {}),
    priority: run.priority ?? DEFAULT_PRIORITY,
    leaseMs,
  };
  const renewal = setInterval(() => {
    renewSlot(db, run.runId, run.attempt, leaseMs).catch((err: unknown) => logger.warn({ err, runId: run.runId }, 'could not renew a concurrency slot lease'));
  }, renewEveryMs);
  const release = async () => {
    clearInterval(renewal);
    await withDbRetry(() => releaseSlot(db, run.runId, run.attempt)).catch((err: unknown) =>
      // Not lost: the lease runs out and the next acquisition in the scope deletes the row.
      logger.error({ err, runId: run.runId }, 'could not release a concurrency slot'),
    );
  };
  const replaced = new Set<string>();
  try {
    let queued = false;
    for (;;) {
      const signal = ctx.cancellationSignal;
      if (signal.aborted) throw signal.reason;
      const seen = waker.mark(request.scope);
      const decision = await withDbRetry(() => acquireSlot(db, request), { signal });
      if (decision.granted) return { release };
      if (concurrency.onLimit === 'cancel-newest' && run.attempt === 1) {
        // A new run over the limit ends at once; a retry of a run that already ran waits its turn.
        const error = { type: CONCURRENCY_LIMIT_ERROR, message: `concurrency limit (${decision.reason})` };
        await withDbRetry(() => finishRun(db, run.runId, { status: 'cancelled', error }));
        throw ApplicationFailure.nonRetryable(error.message, error.type);
      }
      if (concurrency.onLimit === 'cancel-in-progress' && run.attempt === 1 && cancelRun) {
        await replaceRunsAhead({ db, logger, request, decision, concurrency, replaced, cancelRun });
      }
      if (!queued) {
        queued = true;
        await withDbRetry(() => markQueued(db, run.runId, `${decision.reason}, position ${decision.position}`));
      }
      // Only a run that never ran expires: a later attempt's run has started already.
      const expiresAt = run.expiresAt && run.attempt === 1 ? Date.parse(run.expiresAt) + 1 : Infinity;
      if (isExpired(run.expiresAt) && run.attempt === 1) {
        const expired = expiredError(run.expiresAt!);
        await withDbRetry(() => finishRun(db, run.runId, { status: 'expired', error: expired }));
        throw ApplicationFailure.nonRetryable(expired.message, expired.type);
      }
      const leaseLapse = decision.retryAt ? decision.retryAt.getTime() + 50 : Date.now() + leaseMs;
      await waker.wait(request.scope, Math.min(leaseLapse, expiresAt, Date.now() + leaseMs), signal, seen);
    }
  } catch (error) {
    await release();
    throw error;
  }
}

interface ReplaceInput {
  db: Kysely<Database>;
  logger: Logger;
  request: SlotRequest;
  decision: Extract<SlotDecision, { granted: false }>;
  concurrency: Concurrency;
  /** Runs already sent a cancel by this attempt: they still count until their slot is released. */
  replaced: Set<string>;
  cancelRun: (runId: string, reason: string) => Promise<void>;
}

/**
 * onLimit `cancel-in-progress`: cancels enough of the runs ahead in line (holders first, oldest
 * first) that this one is next. It then waits like any other: the limit stays exact, because the
 * slot changes hands only when a cancelled attempt has stopped and released it.
 */
async function replaceRunsAhead({ db, logger, request, decision, concurrency, replaced, cancelRun }: ReplaceInput): Promise<void> {
  const cap = (decision.byKey ? concurrency.perKey : concurrency.limit) ?? 1;
  const ahead = await withDbRetry(() => slotsAhead(db, request, decision.byKey));
  const victims = ahead.slice(0, Math.max(0, ahead.length - cap + 1)).filter((a) => !replaced.has(a.runId));
  for (const victim of victims) {
    replaced.add(victim.runId);
    await cancelRun(victim.runId, `concurrency limit: replaced by run ${request.runId}`).catch((err: unknown) =>
      // Already closed (its release is on the way) or Temporal briefly away: the next wake re-checks.
      logger.warn({ err, runId: victim.runId }, 'could not cancel a run replaced by a newer one'),
    );
  }
}
