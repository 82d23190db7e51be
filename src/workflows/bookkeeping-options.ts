// Bookkeeping local activities in taskRun and dagRun: one set of options with a bounded
// retry, and one failure path. A write that keeps failing ends the run as failed with a
// BookkeepingError naming the step and the cause, instead of retrying forever with the run
// stuck open; the reconciler then closes the row from the closed execution.
import { ActivityFailure, ApplicationFailure, isCancellation, type LocalActivityOptions } from '@temporalio/workflow';
import { BOOKKEEPING_ERROR, BOOKKEEPING_REJECTED } from '../runs/contract.js';

// 8 attempts, backoff 0.2 s → 10 s: about 23 s of waiting between them. Each attempt also
// retries connection errors for up to 60 s itself (src/db/retry.ts), so a Postgres outage
// of several minutes is still ridden out.
export const BOOKKEEPING_ACTIVITY_OPTIONS: LocalActivityOptions = {
  startToCloseTimeout: '70s',
  retry: {
    maximumAttempts: 8,
    initialInterval: '200ms',
    backoffCoefficient: 2,
    maximumInterval: '10s',
    nonRetryableErrorTypes: [BOOKKEEPING_REJECTED],
  },
};

/** The failure a run ends with when its bookkeeping `step` failed for good. */
export function bookkeepingFailure(step: string, error: unknown): ApplicationFailure {
  const cause = error instanceof ActivityFailure && error.cause ? error.cause : error;
  const message = cause instanceof Error ? cause.message : String(cause);
  return ApplicationFailure.nonRetryable(`bookkeeping failed at ${step}: ${message}`, BOOKKEEPING_ERROR);
}

export function isBookkeepingFailure(error: unknown): error is ApplicationFailure {
  return error instanceof ApplicationFailure && error.type === BOOKKEEPING_ERROR;
}

/** Runs one bookkeeping local activity; once its bounded retries are spent, throws bookkeepingFailure(step). */
export async function bookkeepingStep<T>(step: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (isCancellation(error)) throw error;
    throw bookkeepingFailure(step, error);
  }
}
