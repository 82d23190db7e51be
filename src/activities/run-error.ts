import { ApplicationFailure } from '@temporalio/common';
import type { RunError } from '../db/schema.js';
import type { ErrorClass, KindError } from '../kinds/types.js';

/**
 * A built-in kind's failure, by shape as well as class (a task file may hold its own copy of
 * Conveyor's modules): its `errorClass` says whether a retry can help.
 */
export function isKindError(error: unknown): error is KindError {
  return error instanceof Error && error.name === 'KindError' && typeof (error as Partial<KindError>).errorClass === 'string';
}

/**
 * The class of a thrown value (seed 003): a KindError's own; `ml.fail`/PermanentError and
 * non-retryable failures (invalid inputs, unknown task) permanent; anything else transient.
 */
export function errorClassOf(error: unknown): ErrorClass {
  if (isKindError(error)) return error.errorClass;
  if (isPermanent(error)) return 'permanent';
  if (error instanceof ApplicationFailure && error.nonRetryable) return 'permanent';
  return 'transient';
}

/** The stored shape of any thrown value: message, type, stack, class. */
export function toRunError(error: unknown, type?: string): RunError {
  const errorClass = errorClassOf(error);
  if (error instanceof ApplicationFailure) {
    return { message: error.message, type: type ?? error.type ?? 'Error', stack: error.stack, class: errorClass };
  }
  if (isKindError(error)) return { message: error.message, type: type ?? error.options.type ?? error.name, stack: error.stack, class: errorClass };
  if (error instanceof Error) return { message: error.message, type: type ?? error.name, stack: error.stack, class: errorClass };
  return { message: String(error), type: type ?? 'Error', class: errorClass };
}

export function isPermanent(error: unknown): boolean {
  // By name as well as class: a task may have loaded its own copy of Conveyor's errors.
  return error instanceof Error && error.name === 'PermanentError';
}
