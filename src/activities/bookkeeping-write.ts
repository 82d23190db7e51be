// A bookkeeping write from a local activity: connection errors are retried in place
// (withDbRetry); a write Postgres rejects for its content (data exception, constraint
// violation) can never succeed, so it fails the activity without Temporal retrying it.
import { ApplicationFailure } from '@temporalio/common';
import { withDbRetry, type DbRetryOptions } from '../db/retry.js';
import { BOOKKEEPING_REJECTED } from '../runs/contract.js';

// SQLSTATE classes: 22 data exception (e.g. 22P05, 22021: text Postgres cannot store), 23 integrity constraint violation.
const REJECTED_CLASSES = ['22', '23'];

export function isRejectedWrite(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.length === 5 && REJECTED_CLASSES.includes(code.slice(0, 2));
}

export async function bookkeepingWrite<T>(write: () => Promise<T>, options?: DbRetryOptions): Promise<T> {
  try {
    return await withDbRetry(write, options);
  } catch (error) {
    if (!isRejectedWrite(error)) throw error;
    const { message } = error as Error;
    throw ApplicationFailure.create({ message: `Postgres rejected the write: ${message}`, type: BOOKKEEPING_REJECTED, nonRetryable: true, cause: error as Error });
  }
}
