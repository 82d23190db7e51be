// What a task's execution policy must satisfy: the one rule set that defineTask (at start-up),
// the taskRun workflow (its input check) and DAG node overrides apply, so a policy one of them
// accepts is never refused by another, nor by Temporal (backoff ≥ 1, maximum interval ≥ the
// initial one, no zero interval or timeout). Workflow-safe: no I/O, no zod.
import type { TaskOptions } from '../runs/contract.js';

/** The longest duration a policy may use (10 years): beyond it, Temporal's durations overflow. */
export const MAX_POLICY_DURATION_MS = 10 * 365 * 86_400_000;
export const MAX_ATTEMPTS = 1_000;

/** Where each option is written in a task definition (`defineTask`), for messages. */
export const POLICY_FIELDS: Record<keyof TaskOptions, string> = {
  maxAttempts: 'retry.maxAttempts',
  initialDelayMs: 'retry.initialDelay',
  backoffFactor: 'retry.backoffFactor',
  maxDelayMs: 'retry.maxDelay',
  attemptTimeoutMs: 'timeout.attempt',
  runTimeoutMs: 'timeout.run',
  heartbeatTimeoutMs: 'heartbeatTimeout',
};

export interface PolicyProblem {
  option: keyof TaskOptions;
  message: string;
}

const DURATIONS = ['initialDelayMs', 'maxDelayMs', 'attemptTimeoutMs', 'heartbeatTimeoutMs', 'runTimeoutMs'] as const;

/** Every rule `options` breaks; empty when the policy is valid. `runTimeoutMs` alone may be absent. */
export function policyProblems(options: Partial<Record<keyof TaskOptions, unknown>>): PolicyProblem[] {
  const problems: PolicyProblem[] = [];
  const { maxAttempts, backoffFactor, initialDelayMs, maxDelayMs } = options;
  if (typeof maxAttempts !== 'number' || !Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS) {
    problems.push({ option: 'maxAttempts', message: `must be a whole number from 1 to ${MAX_ATTEMPTS}` });
  }
  if (typeof backoffFactor !== 'number' || !Number.isFinite(backoffFactor) || backoffFactor < 1) {
    problems.push({ option: 'backoffFactor', message: 'must be a number of at least 1' });
  }
  for (const option of DURATIONS) {
    const value = options[option];
    if (option === 'runTimeoutMs' && value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > MAX_POLICY_DURATION_MS) {
      problems.push({ option, message: 'must be a duration greater than 0 and at most 10 years' });
    }
  }
  if (typeof initialDelayMs === 'number' && typeof maxDelayMs === 'number' && maxDelayMs > 0 && maxDelayMs < initialDelayMs) {
    problems.push({ option: 'maxDelayMs', message: `must be at least the initial delay (${initialDelayMs} ms)` });
  }
  return problems;
}

/** One line per problem, each naming the field as a task definition writes it. */
export function describePolicyProblems(problems: PolicyProblem[]): string {
  return problems.map((p) => `${POLICY_FIELDS[p.option]}: ${p.message}`).join('; ');
}
