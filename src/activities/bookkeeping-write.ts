// A bookkeeping write from a local activity: connection errors are retried in place
// (withDbRetry); a write Postgres rejects for its content (data exception, constraint
// violation) can never succeed, so it fails the activity without Temporal retrying it.
import { ApplicationFailure } from '@temporalio/common';
import { isContentError, withDbRetry, type DbRetryOptions } from '../db/retry.js';
import { BOOKKEEPING_REJECTED } from '../runs/contract.js';

export async function bookkeepingWrite<T>(write: () => Promise<T>, options?: DbRetryOptions): Promise<T> {
  try {
    return await withDbRetry(write, options);
  } catch (error) {
    if (!isContentError(error)) throw error;
    const { message } = error as Error;
    throw ApplicationFailure.create({ message: `Postgres rejected the write: ${message}`, type: BOOKKEEPING_REJECTED, nonRetryable: true, cause: error as Error });
  }
}
