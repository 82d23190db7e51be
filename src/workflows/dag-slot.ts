// A workflow's own `concurrency`: before its first node a fresh dagRun waits (its row
// `queued`) for a slot of `workflow:<slug>` and keeps it until its row closes (a database
// trigger frees it then, whoever closes the row). Only a definition with `concurrency`
// reaches this: existing histories, whose definitions have none, replay unchanged.
import { ActivityCancellationType, CancellationScope, isCancellation, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { ConcurrencyConfig } from '../tasks/concurrency.js';
import { NON_RETRYABLE_TYPES } from '../runs/contract.js';
import { CANCEL_REQUEST_REASON, onCancelSignal } from './cancel-signal.js';
import { finishDagRun } from './dag-bookkeeping.js';
import type { DagRunInput } from './dag-run-input.js';

const { takeDagRunSlot } = proxyActivities<Activities>({
  // The wait may be long (a slot held by a run waiting for an approval); a retried attempt keeps its place in line.
  startToCloseTimeout: '30 days',
  // Also the lease of its place in line: a dead worker's waiter lapses after it.
  heartbeatTimeout: '30s',
  // The place in line is given up before the run is recorded cancelled.
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 20, nonRetryableErrorTypes: [...NON_RETRYABLE_TYPES] },
});

/** 'go' once the run holds its slot; otherwise how it ended (its row is written). */
export async function waitForRunSlot(input: DagRunInput, runId: string, concurrency: ConcurrencyConfig): Promise<'go' | 'cancelled' | 'expired'> {
  const scope = new CancellationScope();
  const signal = onCancelSignal(() => scope.cancel());
  const cancelled = async (error?: unknown) => {
    const message = signal.reason ?? CANCEL_REQUEST_REASON;
    await CancellationScope.nonCancellable(() => finishDagRun(runId, 'cancelled', { error: { type: 'Cancelled', message } }));
    // A Temporal cancel request ends the workflow cancelled too; the signal ends it normally.
    if (signal.reason === undefined && error !== undefined) throw error;
    return 'cancelled' as const;
  };
  let result;
  try {
    result = await scope.run(() =>
      takeDagRunSlot({
        runId, workflow: input.workflow, concurrency, inputs: input.inputs ?? null,
        ...(input.priority !== undefined ? { priority: input.priority } : {}),
        ...(input.concurrencyKey !== undefined ? { concurrencyKey: input.concurrencyKey } : {}),
        ...(input.expiresAt !== undefined ? { expiresAt: input.expiresAt } : {}),
      }),
    );
  } catch (error) {
    if (!isCancellation(error)) throw error;
    return cancelled(error);
  }
  if (!result.granted) {
    await finishDagRun(runId, result.status, { error: result.error });
    return result.status;
  }
  // A cancel that arrived as the slot was granted: the run ends before its first node (closing the row frees the slot).
  if (signal.reason !== undefined) return cancelled();
  return 'go';
}
