// Seed 003's error classes on failed attempts, runs and DAG steps (`error.class`):
// transient (retried), permanent (not retried), resource (rate limits: retried after the
// server's delay), dependency (a DAG node skipped because an upstream node failed).
// Errors raised in the activity store their class when written (activities/run-error.ts);
// errors the workflows record (timeouts, template and condition errors) and rows written
// before classes existed get theirs here, from their type, when read. Pure.
import type { ErrorClass } from '../kinds/types.js';
import type { RunError } from '../db/schema.js';

export type { ErrorClass } from '../kinds/types.js';

/** Error types that no retry can fix. Anything else a run fails with is transient unless it says otherwise. */
const PERMANENT_TYPES: ReadonlySet<string> = new Set([
  'PermanentError', 'InvalidInputs', 'UnknownTask', 'InvalidWorkflowInput', 'InvalidPolicy', 'TemplateError', 'ConditionError',
  'Rejected', 'ApprovalTimeout', 'UnknownWorkflow', 'NoActiveVersion',
]);
/** Endings that are not failures: no class. */
const NOT_FAILURES: ReadonlySet<string> = new Set(['Cancelled', 'Expired', 'ConcurrencyLimit']);

export function classOfErrorType(type: string): ErrorClass | undefined {
  if (NOT_FAILURES.has(type)) return undefined;
  return PERMANENT_TYPES.has(type) ? 'permanent' : 'transient';
}

/** The error as the API shows it: with its `class` (stored, or derived from its type). */
export function withErrorClass<E extends RunError>(error: E): E {
  if (error.class !== undefined) return error;
  const derived = classOfErrorType(error.type);
  return derived === undefined ? error : { ...error, class: derived };
}
