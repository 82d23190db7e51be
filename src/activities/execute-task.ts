import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { ensureRun, finishRun, findRun, markAttemptStarted, markRetrying } from '../db/runs.repository.js';
import { withDbRetry } from '../db/retry.js';
import type { ExecuteTaskInput } from '../runs/contract.js';
import { expiredError, isExpired } from '../runs/expiry.js';
import { LogBuffer } from './log-buffer.js';
import { concludeFailedAttempt, runTaskAttempt, startHeartbeats, toActivityError } from './task-attempt.js';
import type { ActivityDeps } from './deps.js';
import { takeSlot, type HeldSlot } from './concurrency-slot.js';
import { runSlotRecorder } from './slot-recorders.js';
import { timerSlotWaker } from './slot-waker.js';

/**
 * One attempt of a task run: marks the run running, calls the task with `ml`,
 * heartbeats (with the last checkpoint) while it runs, flushes its logs and
 * records the outcome. Temporal retries it per the task's policy.
 */
export function createExecuteTask({ db, logger, registry, heartbeatIntervalMs, slotWaker = timerSlotWaker, cancelRun }: ActivityDeps) {
  return async function executeTask(input: ExecuteTaskInput): Promise<unknown> {
    const ctx = Context.current();
    const { attempt } = ctx.info;
    const task = registry.get(input.task);
    if (!task) throw ApplicationFailure.nonRetryable(`unknown task "${input.task}" on this worker`, 'UnknownTask');

    // From the first write to the last: a slow write must not look like a lost worker.
    const heartbeats = startHeartbeats(ctx, heartbeatIntervalMs);
    let slot: HeldSlot | undefined;
    try {
      if (input.expiresAt && attempt === 1 && isExpired(input.expiresAt)) {
        // Scheduled in time, but no worker slot took it before its ttl passed.
        const expired = expiredError(input.expiresAt);
        await withDbRetry(() => finishRun(db, input.runId, { status: 'expired', error: expired }));
        throw ApplicationFailure.nonRetryable(expired.message, expired.type);
      }
      if (task.concurrency) {
        // Only a limited task pays for this: an unlimited one issues no extra query.
        const leaseMs = ctx.info.heartbeatTimeoutMs ?? task.heartbeatTimeoutMs;
        const holder = { id: input.runId, attempt, scope: task.slug, inputs: input.inputs, priority: input.priority, concurrencyKey: input.concurrencyKey, expiresAt: input.expiresAt };
        const recorder = runSlotRecorder(db, input.runId);
        slot = await takeSlot({ db, logger, waker: slotWaker, ctx, concurrency: task.concurrency, holder, recorder, leaseMs, renewEveryMs: Math.max(heartbeatIntervalMs, leaseMs / 3), cancelRun });
      }
      const temporalRunId = ctx.info.workflowExecution?.runId;
      const markStarted = () => withDbRetry(() => markAttemptStarted(db, input.runId, attempt, temporalRunId));
      let started = await markStarted();
      let existing = started ?? (await withDbRetry(() => findRun(db, input.runId)));
      if (!existing) {
        // Started with `options` but without a row (not through Conveyor's API, or the API removed
        // it after a start it could not confirm): create it now, whole.
        const run = { id: input.runId, task: input.task, inputs: input.inputs, triggeredBy: input.triggeredBy, temporalRunId, runAt: input.runAt, expiresAt: input.expiresAt, priority: input.priority, concurrencyKey: input.concurrencyKey, ...input.row };
        await withDbRetry(() => ensureRun(db, run));
        started = existing = await markStarted();
      }
      if (!started) {
        // The outcome was recorded but its report to Temporal was lost (worker crash): answer from the record.
        if (existing?.status === 'complete') return existing.result;
        throw ApplicationFailure.nonRetryable(`run ${input.runId} is already ${existing?.status ?? 'gone'}`, 'RunAlreadyFinished');
      }

      const logs = new LogBuffer({ db, runId: input.runId, attempt, logger });
      const run = { id: input.runId, attempt, task: task.slug, triggeredBy: input.triggeredBy };
      try {
        const result = await runTaskAttempt({ ctx, task, logs, run, inputs: input.inputs, heartbeats });
        await logs.flush();
        await withDbRetry(() => finishRun(db, input.runId, { status: 'complete', result, attempt }));
        return result;
      } catch (error) {
        const failed = await concludeFailedAttempt(ctx, logs, error, attempt, input.maxAttempts);
        // Cancellation, and the last attempt's timeout, are recorded by the workflow, which knows the cause.
        if (!(failed.cancelled && (!failed.timedOut || failed.final))) {
          await withDbRetry(() =>
            failed.final && !failed.timedOut
              ? finishRun(db, input.runId, { status: 'failed', error: failed.error, attempt })
              : markRetrying(db, input.runId, attempt, failed.error),
          ).catch((err: unknown) => logger.error({ err, runId: input.runId }, 'could not record a failed attempt'));
        }
        throw toActivityError(error);
      }
    } finally {
      // Before the heartbeats stop: a slow release must not look like a lost worker.
      await slot?.release();
      heartbeats.stop();
    }
  };
}
