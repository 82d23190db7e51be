import { ApplicationFailure } from '@temporalio/common';
import type { RunError } from '../db/schema.js';

/** The stored shape of any thrown value: message, type, stack. */
export function toRunError(error: unknown, type?: string): RunError {
  if (error instanceof ApplicationFailure) {
    return { message: error.message, type: type ?? error.type ?? 'Error', stack: error.stack };
  }
  if (error instanceof Error) return { message: error.message, type: type ?? error.name, stack: error.stack };
  return { message: String(error), type: type ?? 'Error' };
}

export function isPermanent(error: unknown): boolean {
  // By name as well as class: a task may have loaded its own copy of Conveyor's errors.
  return error instanceof Error && error.name === 'PermanentError';
}
