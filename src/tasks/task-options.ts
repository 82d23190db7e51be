import type { TaskOptions } from '../runs/contract.js';
import type { Task } from './define.js';

/** The execution policy a run of `task` follows, in the form the workflow takes it. */
export function taskOptions(task: Task): TaskOptions {
  return {
    maxAttempts: task.retry.maxAttempts,
    initialDelayMs: task.retry.initialDelayMs,
    backoffFactor: task.retry.backoffFactor,
    maxDelayMs: task.retry.maxDelayMs,
    attemptTimeoutMs: task.timeout.attemptMs,
    runTimeoutMs: task.timeout.runMs,
    heartbeatTimeoutMs: task.heartbeatTimeoutMs,
  };
}
