// onLimit `cancel-in-progress`: a new run over its limit cancels the runs ahead of it in line.
import type { Kysely } from 'kysely';
import { slotsAhead, type SlotDecision, type SlotRequest } from '../db/slots.repository.js';
import { withDbRetry } from '../db/retry.js';
import type { Database } from '../db/schema.js';
import type { Logger } from '../logger.js';
import type { Concurrency } from '../tasks/concurrency.js';

export interface ReplaceInput {
  db: Kysely<Database>;
  logger: Logger;
  request: SlotRequest;
  decision: Extract<SlotDecision, { granted: false }>;
  concurrency: Concurrency;
  /** Runs already sent a cancel by this attempt: they still count until their slot is released. */
  replaced: Set<string>;
  cancelRun: (runId: string, reason: string) => Promise<void>;
}

/** A DAG node's slot (`<run id>/<node id>`) is never cancelled from outside its run. */
const isTaskRun = (holderId: string) => !holderId.includes('/');

/**
 * Cancels enough of the runs ahead in line (holders first, oldest first) that this one is
 * next. It then waits like any other: the limit stays exact, because the slot changes hands
 * only when a cancelled attempt has stopped and released it.
 */
export async function replaceRunsAhead({ db, logger, request, decision, concurrency, replaced, cancelRun }: ReplaceInput): Promise<void> {
  const cap = (decision.byKey ? concurrency.perKey : concurrency.limit) ?? 1;
  const ahead = await withDbRetry(() => slotsAhead(db, request, decision.byKey));
  const victims = ahead.slice(0, Math.max(0, ahead.length - cap + 1)).filter((a) => isTaskRun(a.runId) && !replaced.has(a.runId));
  for (const victim of victims) {
    replaced.add(victim.runId);
    await cancelRun(victim.runId, `concurrency limit: replaced by run ${request.runId}`).catch((err: unknown) =>
      // Already closed (its release is on the way) or Temporal briefly away: the next wake re-checks.
      logger.warn({ err, runId: victim.runId }, 'could not cancel a run replaced by a newer one'),
    );
  }
}
