import { Context } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { ensureRun, finishRun, findRun, markAttemptStarted, markRetrying } from '../db/runs.repository.js';
import { withDbRetry } from '../db/retry.js';
import type { ExecuteTaskInput } from '../runs/contract.js';
import { LogBuffer } from './log-buffer.js';
import { createMl } from './create-ml.js';
import { isPermanent, toRunError } from './run-error.js';
import { formatIssues } from './validate-inputs.js';
import type { ActivityDeps } from './deps.js';

/** Rejects as soon as the attempt is cancelled, so a task that ignores `ml.signal` cannot hold its run open. */
function whenAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

/**
 * One attempt of a task run: marks the run running, calls the task with `ml`,
 * heartbeats (with the last checkpoint) while it runs, flushes its logs and
 * records the outcome. Temporal retries it per the task's policy.
 */
export function createExecuteTask({ db, logger, registry, heartbeatIntervalMs }: ActivityDeps) {
  return async function executeTask(input: ExecuteTaskInput): Promise<unknown> {
    const ctx = Context.current();
    const { attempt } = ctx.info;
    const task = registry.get(input.task);
    if (!task) throw ApplicationFailure.nonRetryable(`unknown task "${input.task}" on this worker`, 'UnknownTask');

    if (input.expiresAt && attempt === 1 && Date.now() > Date.parse(input.expiresAt)) {
      // Scheduled in time, but no worker slot took it before its ttl passed.
      const expired = { type: 'Expired', message: `not started before its ttl ended (${input.expiresAt})` };
      await withDbRetry(() => finishRun(db, input.runId, { status: 'expired', error: expired }));
      throw ApplicationFailure.nonRetryable(expired.message, expired.type);
    }
    const temporalRunId = ctx.info.workflowExecution?.runId;
    const markStarted = () => withDbRetry(() => markAttemptStarted(db, input.runId, attempt, temporalRunId));
    let started = await markStarted();
    let existing = started ?? (await withDbRetry(() => findRun(db, input.runId)));
    if (!existing) {
      // Started with `options` but not through Conveyor's API, so without a row: create it now.
      const run = { id: input.runId, task: input.task, inputs: input.inputs, triggeredBy: input.triggeredBy, temporalRunId };
      await withDbRetry(() => ensureRun(db, run));
      started = existing = await markStarted();
    }
    if (!started) {
      // The outcome was recorded but its report to Temporal was lost (worker crash): answer from the record.
      if (existing?.status === 'complete') return existing.result;
      throw ApplicationFailure.nonRetryable(`run ${input.runId} is already ${existing?.status ?? 'gone'}`, 'RunAlreadyFinished');
    }

    const logs = new LogBuffer({ db, runId: input.runId, attempt, logger });
    let checkpoint: unknown = ctx.info.heartbeatDetails;
    const heartbeat = () => ctx.heartbeat(checkpoint);
    const heartbeater = setInterval(heartbeat, heartbeatIntervalMs);
    const ml = createMl({
      logs,
      signal: ctx.cancellationSignal,
      resumeFrom: ctx.info.heartbeatDetails,
      run: { id: input.runId, attempt, task: task.slug, triggeredBy: input.triggeredBy },
      onCheckpoint: (state) => {
        checkpoint = state;
        heartbeat();
      },
    });

    try {
      const parsed = task.input ? task.input.safeParse(input.inputs) : { success: true as const, data: input.inputs };
      if (!parsed.success) throw ApplicationFailure.nonRetryable(`invalid inputs: ${formatIssues(parsed.error.issues)}`, 'InvalidInputs');
      const result = await Promise.race([Promise.resolve(task.fn(ml, parsed.data)), whenAborted(ctx.cancellationSignal)]);
      clearInterval(heartbeater);
      await logs.flush();
      await withDbRetry(() => finishRun(db, input.runId, { status: 'complete', result: result ?? null, attempt }));
      return result ?? null;
    } catch (error) {
      clearInterval(heartbeater);
      await recordFailure(error);
      throw toActivityError(error);
    }

    async function recordFailure(error: unknown): Promise<void> {
      const cancelled = ctx.cancellationSignal.aborted;
      const details = ctx.cancellationDetails;
      if (cancelled) logs.push('system', `attempt ${attempt} stopped: ${describeCancel(details)}`);
      else logs.push('error', toRunError(error).message, { name: toRunError(error).type, stack: toRunError(error).stack });
      await logs.flush().catch((err: unknown) => logger.error({ err, runId: input.runId }, 'could not flush logs of a failed attempt'));
      const timedOut = cancelled && Boolean(details?.timedOut || details?.notFound);
      const lastAttempt = attempt >= input.maxAttempts;
      // Cancellation, and the last attempt's timeout, are recorded by the workflow, which knows the cause.
      if (cancelled && (!timedOut || lastAttempt)) return;
      const runError = timedOut
        ? { message: `attempt ${attempt} timed out`, type: 'AttemptTimeout' }
        : toRunError(error, isPermanent(error) ? 'PermanentError' : undefined);
      const final = !timedOut && (isPermanent(error) || (error instanceof ApplicationFailure && error.nonRetryable) || lastAttempt);
      await withDbRetry(() =>
        final ? finishRun(db, input.runId, { status: 'failed', error: runError, attempt }) : markRetrying(db, input.runId, attempt, runError),
      ).catch((err: unknown) => logger.error({ err, runId: input.runId }, 'could not record a failed attempt'));
    }
  };
}

function describeCancel(details: Context['cancellationDetails']): string {
  if (details?.timedOut || details?.notFound) return 'attempt timed out';
  if (details?.workerShutdown) return 'worker shutting down';
  if (details?.cancelRequested) return 'run cancelled';
  return 'cancelled';
}

/** What Temporal sees: permanent failures as non-retryable, cancellation as is. */
function toActivityError(error: unknown): unknown {
  if (error instanceof CancelledFailure || error instanceof ApplicationFailure) return error;
  if (isPermanent(error)) {
    const e = error as Error;
    return ApplicationFailure.create({ message: e.message, type: 'PermanentError', nonRetryable: true, cause: e });
  }
  return error;
}
