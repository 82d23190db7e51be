import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  defineSignal,
  isCancellation,
  proxyLocalActivities,
  setHandler,
  TimeoutFailure,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { TimeoutType } from '@temporalio/common';
import { waitUntilDue } from './delay.js';
import { taskActivities } from './task-activities.js';
import type { Activities } from '../activities/index.js';
import { ConveyorTask, ConveyorTriggeredBy, TemporalScheduledById, type CancelSignalInput, type TaskOptions, type TaskRunInput } from '../runs/contract.js';
import { TRIGGER_SOURCES, type TriggerSource } from '../runs/states.js';

export const cancelSignal = defineSignal<[CancelSignalInput?]>('cancel');

const bookkeeping = proxyLocalActivities<Activities>({
  startToCloseTimeout: '70s',
  retry: { initialInterval: '200ms', backoffCoefficient: 2, maximumInterval: '10s' },
});

function checkInput(input: TaskRunInput | undefined, scheduleId: string | undefined): { task: string; triggeredBy: TriggerSource } {
  if (!input || typeof input.task !== 'string' || input.task.length === 0) {
    throw ApplicationFailure.nonRetryable('taskRun input must be {"task": "<slug>", "inputs"?: …, "triggeredBy"?: …}', 'InvalidWorkflowInput');
  }
  const triggeredBy = input.triggeredBy ?? (scheduleId ? 'schedule' : 'api');
  if (!TRIGGER_SOURCES.includes(triggeredBy)) {
    throw ApplicationFailure.nonRetryable(`triggeredBy must be one of ${TRIGGER_SOURCES.join(', ')}`, 'InvalidWorkflowInput');
  }
  const options = input.options;
  if (options !== undefined) {
    const numbers = [options?.maxAttempts, options?.initialDelayMs, options?.backoffFactor, options?.maxDelayMs, options?.attemptTimeoutMs, options?.heartbeatTimeoutMs];
    if (numbers.some((n) => typeof n !== 'number' || !(n > 0))) {
      throw ApplicationFailure.nonRetryable('taskRun input.options, when given, must be a complete task policy (omit it to use the task\'s own)', 'InvalidWorkflowInput');
    }
  }
  return { task: input.task, triggeredBy };
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

  const scope = new CancellationScope();
  let cancelReason: string | undefined;
  setHandler(cancelSignal, (signal) => {
    cancelReason ??= signal?.reason?.trim() || 'cancelled by signal';
    scope.cancel();
  });

  try {
    let options = input.options;
    if (!options) {
      const prepared = await bookkeeping.prepareRun({ runId, task, triggeredBy, inputs: input.inputs ?? null, temporalRunId: info.runId, ...(scheduleId ? { scheduleId } : {}) });
      if (!prepared.ok) throw ApplicationFailure.nonRetryable(prepared.error.message, prepared.error.type);
      options = prepared.options;
    }
    if (input.runAt) await waitUntilDue(Date.parse(input.runAt), scope);
    if (input.expiresAt && Date.now() > Date.parse(input.expiresAt)) {
      // No worker took the run before its ttl passed.
      const expired = { type: 'Expired', message: `not started before its ttl ended (${input.expiresAt})` };
      await bookkeeping.recordOutcome({ runId, status: 'expired', error: expired });
      throw ApplicationFailure.nonRetryable(expired.message, expired.type);
    }
    const executeTask = executeOptions(options);
    return await scope.run(() =>
      executeTask({ runId, task, triggeredBy, inputs: input.inputs ?? null, maxAttempts: options.maxAttempts, ...(input.expiresAt ? { expiresAt: input.expiresAt } : {}) }),
    );
  } catch (error) {
    if (isCancellation(error)) {
      const reason = cancelReason ?? 'cancelled by a Temporal cancel request';
      await CancellationScope.nonCancellable(() =>
        bookkeeping.recordOutcome({
          runId,
          status: 'cancelled',
          error: { type: 'Cancelled', message: reason },
          log: { message: `run cancelled: ${reason}`, line: workflowInfo().historyLength },
        }),
      );
      throw error;
    }
    const timeout = timeoutOf(error);
    if (timeout) {
      await bookkeeping.recordOutcome({ runId, status: 'timeout', error: timeout, log: { message: timeout.message, line: workflowInfo().historyLength } });
      throw ApplicationFailure.nonRetryable(timeout.message, timeout.type);
    }
    const cause = error instanceof ActivityFailure && error.cause ? error.cause : error;
    const message = cause instanceof Error ? cause.message : String(cause);
    const type = cause instanceof ApplicationFailure ? (cause.type ?? 'Error') : 'Error';
    // Usually the activity recorded the failure already; this is a no-op then.
    await bookkeeping.recordOutcome({ runId, status: 'failed', error: { message, type, stack: cause instanceof Error ? cause.stack : undefined } });
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
