import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  proxyLocalActivities,
  TimeoutFailure,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { TimeoutType } from '@temporalio/common';
import { BOOKKEEPING_ACTIVITY_OPTIONS, bookkeepingStep, isBookkeepingFailure } from './bookkeeping-options.js';
import { CANCEL_REQUEST_REASON, onCancelSignal } from './cancel-signal.js';
import { waitUntilDue } from './delay.js';
import { taskActivities } from './task-activities.js';
import type { Activities } from '../activities/index.js';
import { ConveyorTask, ConveyorTriggeredBy, TemporalScheduledById, type TaskOptions, type TaskRunInput } from '../runs/contract.js';
import { expiredError, isExpired } from '../runs/expiry.js';
import { SLUG_PATTERN, SLUG_RULE } from '../runs/slug.js';
import { TRIGGER_SOURCES, type TriggerSource } from '../runs/states.js';
import { describePolicyProblems, policyProblems } from '../tasks/policy-rules.js';

const bookkeeping = proxyLocalActivities<Activities>(BOOKKEEPING_ACTIVITY_OPTIONS);

function checkInput(input: TaskRunInput | undefined, scheduleId: string | undefined): { task: string; triggeredBy: TriggerSource } {
  // A slug is checked before it reaches a search attribute, a row or a failure message:
  // text Temporal cannot encode (a lone surrogate) would stop the worker.
  if (!input || typeof input.task !== 'string' || !SLUG_PATTERN.test(input.task)) {
    throw ApplicationFailure.nonRetryable(`taskRun input must be {"task": "<slug>", "inputs"?: …, "triggeredBy"?: …}; ${SLUG_RULE}`, 'InvalidWorkflowInput');
  }
  const triggeredBy = input.triggeredBy ?? (scheduleId ? 'schedule' : 'api');
  if (!TRIGGER_SOURCES.includes(triggeredBy)) {
    throw ApplicationFailure.nonRetryable(`triggeredBy must be one of ${TRIGGER_SOURCES.join(', ')}`, 'InvalidWorkflowInput');
  }
  return { task: input.task, triggeredBy };
}

/** The problems of `input.options`, checked with the rules defineTask applies; undefined when valid or absent. */
function optionsProblem(options: TaskOptions | undefined): string | undefined {
  if (options === undefined) return undefined;
  const problems = typeof options === 'object' && options !== null ? policyProblems(options) : [];
  if (problems.length === 0 && typeof options === 'object' && options !== null) return undefined;
  const detail = problems.length > 0 ? `: ${describePolicyProblems(problems)}` : '';
  return `taskRun input.options, when given, must be a complete, valid task policy (omit it to use the task's own)${detail}`;
}

/** Runs started outside Conveyor (Temporal CLI, a schedule) get their search attributes here. */
function ensureSearchAttributes(task: string, triggeredBy: TriggerSource): void {
  const attributes = workflowInfo().typedSearchAttributes;
  if (attributes.get(ConveyorTask) === task && attributes.get(ConveyorTriggeredBy) === triggeredBy) return;
  upsertSearchAttributes([
    { key: ConveyorTask, value: task },
    { key: ConveyorTriggeredBy, value: triggeredBy },
  ]);
}

const executeOptions = (options: TaskOptions) => taskActivities(options).executeTask;

/** A run of one task: one Temporal workflow, one activity (retried by Temporal), bookkeeping in local activities. */
export async function taskRun(input: TaskRunInput): Promise<unknown> {
  // Temporal sets this on every run a Schedule starts, including schedules made outside Conveyor.
  const scheduleId = workflowInfo().typedSearchAttributes.get(TemporalScheduledById);
  const { task, triggeredBy } = checkInput(input, scheduleId);
  const info = workflowInfo();
  const runId = info.workflowId;
  ensureSearchAttributes(task, triggeredBy);

  const invalidOptions = optionsProblem(input.options);
  if (invalidOptions) {
    // The row exists (the API made it): close it with the reason rather than leave it pending.
    const error = { type: 'InvalidWorkflowInput', message: invalidOptions };
    await bookkeepingStep('recordOutcome (failed)', () => bookkeeping.recordOutcome({ runId, status: 'failed', error }));
    throw ApplicationFailure.nonRetryable(error.message, error.type);
  }

  const scope = new CancellationScope();
  const cancel = onCancelSignal(() => scope.cancel());

  try {
    let options = input.options;
    if (!options) {
      const prepareInput = {
        runId, task, triggeredBy, inputs: input.inputs ?? null, temporalRunId: info.runId, ...(scheduleId ? { scheduleId } : {}),
        // The row shows a scheduled run's priority and key (a local activity's input: replay is unaffected).
        ...(input.priority !== undefined ? { priority: input.priority } : {}),
        ...(input.concurrencyKey !== undefined ? { concurrencyKey: input.concurrencyKey } : {}),
      };
      const prepared = await bookkeepingStep('prepareRun', () => bookkeeping.prepareRun(prepareInput));
      if (!prepared.ok) throw ApplicationFailure.nonRetryable(prepared.error.message, prepared.error.type);
      options = prepared.options;
    }
    if (input.runAt) await waitUntilDue(Date.parse(input.runAt), scope);
    if (isExpired(input.expiresAt)) {
      // No worker took the run before its ttl passed.
      const expired = expiredError(input.expiresAt!);
      await bookkeepingStep('recordOutcome (expired)', () => bookkeeping.recordOutcome({ runId, status: 'expired', error: expired }));
      throw ApplicationFailure.nonRetryable(expired.message, expired.type);
    }
    const executeTask = executeOptions(options);
    return await scope.run(() =>
      executeTask({
        runId, task, triggeredBy, inputs: input.inputs ?? null, maxAttempts: options.maxAttempts,
        ...(input.expiresAt ? { expiresAt: input.expiresAt } : {}),
        // Only for re-creating a row the API removed after a start it could not confirm.
        ...(input.runAt ? { runAt: input.runAt } : {}),
        ...(input.row ? { row: input.row } : {}),
        ...(input.priority !== undefined ? { priority: input.priority } : {}),
        ...(input.concurrencyKey !== undefined ? { concurrencyKey: input.concurrencyKey } : {}),
      }),
    );
  } catch (error) {
    // Bookkeeping already failed for good: writing the row again would fail the same way.
    if (isBookkeepingFailure(error)) throw error;
    if (isCancellation(error)) {
      const reason = cancel.reason ?? CANCEL_REQUEST_REASON;
      await CancellationScope.nonCancellable(() =>
        bookkeepingStep('recordOutcome (cancelled)', () =>
          bookkeeping.recordOutcome({
            runId,
            status: 'cancelled',
            error: { type: 'Cancelled', message: reason },
            log: { message: `run cancelled: ${reason}`, line: workflowInfo().historyLength },
          }),
        ),
      );
      throw error;
    }
    const timeout = timeoutOf(error);
    if (timeout) {
      const log = { message: timeout.message, line: workflowInfo().historyLength };
      await bookkeepingStep('recordOutcome (timeout)', () => bookkeeping.recordOutcome({ runId, status: 'timeout', error: timeout, log }));
      throw ApplicationFailure.nonRetryable(timeout.message, timeout.type);
    }
    const cause = error instanceof ActivityFailure && error.cause ? error.cause : error;
    const message = cause instanceof Error ? cause.message : String(cause);
    const type = cause instanceof ApplicationFailure ? (cause.type ?? 'Error') : 'Error';
    // Usually the activity recorded the failure already; this is a no-op then.
    const failure = { message, type, stack: cause instanceof Error ? cause.stack : undefined };
    await bookkeepingStep('recordOutcome (failed)', () => bookkeeping.recordOutcome({ runId, status: 'failed', error: failure }));
    throw ApplicationFailure.nonRetryable(message, type);
  }
}

function timeoutOf(error: unknown): { type: string; message: string } | undefined {
  if (!(error instanceof ActivityFailure) || !(error.cause instanceof TimeoutFailure)) return undefined;
  switch (error.cause.timeoutType) {
    case TimeoutType.SCHEDULE_TO_CLOSE:
      return { type: 'RunTimeout', message: 'run timed out (timeout.run)' };
    case TimeoutType.HEARTBEAT:
      return { type: 'HeartbeatTimeout', message: 'last attempt stopped heartbeating (worker lost or blocked)' };
    default:
      return { type: 'AttemptTimeout', message: 'last attempt timed out (timeout.attempt)' };
  }
}
