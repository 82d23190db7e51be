// How a dagRun ends: its outcome written to the run row, and the workflow closed to match.
// An unexpected error (a bug, a malformed input, a definition that cannot load) fails the
// run with that error instead of failing the workflow task, which Temporal retries forever.
import { ActivityFailure, ApplicationFailure, CancellationScope, ContinueAsNew, isCancellation } from '@temporalio/workflow';
import type { RunOutcome } from '../dag/scheduler-types.js';
import { CANCEL_REQUEST_REASON } from './cancel-signal.js';
import { isBookkeepingFailure } from './bookkeeping-options.js';
import { finishDagRun, isFinishFailure, recordSteps } from './dag-bookkeeping.js';

export type DagRunResult = { status: RunOutcome['status'] | 'expired' | 'cancelled'; failedNodes?: string[] };

/** Records the scheduler's outcome; a failed run also fails its workflow (NodeFailed). */
export async function finishWithOutcome(runId: string, outcome: RunOutcome, failures: Map<string, string>, cancelReason: string | undefined): Promise<DagRunResult> {
  if (outcome.status === 'complete') {
    await finishDagRun(runId, 'complete', { result: { status: 'complete' } });
    return { status: outcome.status };
  }
  if (outcome.status === 'cancelled') {
    await finishDagRun(runId, 'cancelled', { error: { type: 'Cancelled', message: cancelReason ?? 'cancelled' } });
    return { status: outcome.status };
  }
  const [first] = outcome.failedNodes;
  const message = `${outcome.failedNodes.length === 1 ? 'node' : 'nodes'} ${outcome.failedNodes.join(', ')} failed: ${failures.get(first) ?? 'see its step'}`;
  await finishDagRun(runId, 'failed', { error: { type: 'NodeFailed', message, details: { failedNodes: outcome.failedNodes, nodeId: first } } });
  throw ApplicationFailure.nonRetryable(message, 'NodeFailed', { failedNodes: outcome.failedNodes });
}

/** A Temporal cancel request: the nodes still open and the run end `cancelled`. */
export async function finishCancelledByRequest(runId: string, openNodes: string[]): Promise<void> {
  await CancellationScope.nonCancellable(async () => {
    await recordSteps(runId, openNodes.map((nodeId) => ({ nodeId, status: 'cancelled' as const })));
    await finishDagRun(runId, 'cancelled', { error: { type: 'Cancelled', message: CANCEL_REQUEST_REASON } });
  });
}

/**
 * What the workflow throws for an error that reached the top of dagRun. Cancellation,
 * continue-as-new and the ApplicationFailures dagRun throws after recording its outcome
 * pass through. A bookkeeping failure (a step record that cannot be written) fails the run
 * row with it when that row can still be written; anything else fails the run row with the
 * error's type and message. The workflow then fails, non-retryably.
 */
export async function failureToEnd(runId: string, error: unknown): Promise<unknown> {
  if (isCancellation(error) || error instanceof ContinueAsNew || isFinishFailure(error)) return error;
  if (isBookkeepingFailure(error)) {
    // Best effort: if the row cannot be written either, the reconciler closes it from the failed execution.
    await finishDagRun(runId, 'failed', { error: { type: error.type!, message: error.message } }).catch(() => undefined);
    return error;
  }
  if (error instanceof ApplicationFailure) return error;
  const { type, message } = describeError(error);
  await finishDagRun(runId, 'failed', { error: { type, message } });
  return ApplicationFailure.nonRetryable(message, type);
}

/** The type and message of an error, looking through an activity failure to its cause. */
export function describeError(error: unknown): { type: string; message: string } {
  const cause = error instanceof ActivityFailure && error.cause ? error.cause : error;
  if (cause instanceof ApplicationFailure && cause.type) return { type: cause.type, message: cause.message };
  if (cause instanceof Error) return { type: cause.name === 'Error' ? 'WorkflowError' : cause.name, message: cause.message };
  return { type: 'WorkflowError', message: String(cause) };
}
