// The activities that run a task function, proxied with a task's policy: its retries,
// attempt/heartbeat/run timeouts. Shared by taskRun and by dagRun's task nodes.
import { ActivityCancellationType, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { NON_RETRYABLE_TYPES, type TaskOptions } from '../runs/contract.js';

export function taskActivities(options: TaskOptions) {
  return proxyActivities<Activities>({
    startToCloseTimeout: options.attemptTimeoutMs,
    heartbeatTimeout: options.heartbeatTimeoutMs,
    scheduleToCloseTimeout: options.runTimeoutMs,
    // Let the attempt see ml.signal, flush its logs and stop before the run is marked cancelled.
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    retry: {
      maximumAttempts: options.maxAttempts,
      initialInterval: options.initialDelayMs,
      backoffCoefficient: options.backoffFactor,
      maximumInterval: options.maxDelayMs,
      nonRetryableErrorTypes: [...NON_RETRYABLE_TYPES],
    },
  });
}
