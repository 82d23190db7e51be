// The start of a delayed or ttl-bound dagRun: it waits (pending) until it is due; a ttl
// that passed by then ends it `expired`; a cancel while it waits ends it `cancelled`.
import { CancellationScope, isCancellation } from '@temporalio/workflow';
import { expiredError, isExpired } from '../runs/expiry.js';
import { CANCEL_REQUEST_REASON, onCancelSignal } from './cancel-signal.js';
import { finishDagRun } from './dag-bookkeeping.js';
import type { DagRunInput } from './dag-run-input.js';
import { waitUntilDue } from './delay.js';

export async function waitForStart(input: Pick<DagRunInput, 'runAt' | 'expiresAt'>, runId: string): Promise<'go' | 'expired' | 'cancelled'> {
  const scope = new CancellationScope();
  const signal = onCancelSignal(() => scope.cancel());
  try {
    if (input.runAt) await waitUntilDue(Date.parse(input.runAt), scope);
  } catch (error) {
    if (!isCancellation(error)) throw error;
    const message = signal.reason ?? CANCEL_REQUEST_REASON;
    await CancellationScope.nonCancellable(() => finishDagRun(runId, 'cancelled', { error: { type: 'Cancelled', message } }));
    // A Temporal cancel request ends the workflow cancelled too; the signal ends it normally.
    if (signal.reason === undefined) throw error;
    return 'cancelled';
  }
  if (input.expiresAt && isExpired(input.expiresAt)) {
    await finishDagRun(runId, 'expired', { error: expiredError(input.expiresAt) });
    return 'expired';
  }
  return 'go';
}
