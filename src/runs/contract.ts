// Types and names shared by the workflow, the activities and the API. Workflow-safe: no I/O.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { TriggerSource } from './states.js';
import type { RunError } from '../db/schema.js';
import type { NodeStatus } from '../dag/types.js';

export const DEFAULT_TASK_QUEUE = 'conveyor';

export const ConveyorTask = defineSearchAttributeKey('ConveyorTask', SearchAttributeType.KEYWORD);
export const ConveyorTriggeredBy = defineSearchAttributeKey('ConveyorTriggeredBy', SearchAttributeType.KEYWORD);
/** Registered on every Temporal namespace Conveyor uses (dev server flags, `npm run temporal:setup`). */
export const CONVEYOR_SEARCH_ATTRIBUTES = [ConveyorTask, ConveyorTriggeredBy] as const;
/** Set by Temporal on every workflow a Schedule starts: the schedule's id. */
export const TemporalScheduledById = defineSearchAttributeKey('TemporalScheduledById', SearchAttributeType.KEYWORD);

/** Input of the `taskRun` workflow; also what `temporal workflow start --input` takes. */
export interface TaskRunInput {
  task: string;
  inputs?: unknown;
  triggeredBy?: TriggerSource;
  /**
   * The task's policy, resolved by Conveyor's API when it starts the run (the row and the
   * input check are done then too). Absent (Temporal CLI, a schedule), the worker resolves
   * it in the `prepareRun` local activity, which also creates the row.
   */
  options?: TaskOptions;
  /** ISO time: the run waits (pending, durable timer) until then; the `reschedule` signal moves it. */
  runAt?: string;
  /** ISO time: a run whose attempt has not started by then ends as `expired`. */
  expiresAt?: string;
  /** What the API's row holds beyond the above, so a row lost to an unknown start outcome comes back whole. */
  row?: RunRowExtras;
  /** 1 first … 5 last (default 3): the order queued runs take a freed concurrency slot; also Temporal's priorityKey. */
  priority?: number;
  /** Overrides the task's concurrency key expression. */
  concurrencyKey?: string;
}

/** Row fields a workflow carries only to re-create its run's row (`ensureRun`) should the API have removed it. */
export interface RunRowExtras {
  tags?: string[];
  idempotencyKey?: string;
  rerunOf?: string;
}

export interface RescheduleSignalInput {
  runAt: string;
}

/** The signal that cancels a task or DAG run, with an optional reason (CancelSignalInput). */
export const CANCEL_SIGNAL = 'cancel';

export interface CancelSignalInput {
  reason?: string;
}

/** The task's execution options, resolved by the worker that knows the task. */
export interface TaskOptions {
  maxAttempts: number;
  initialDelayMs: number;
  backoffFactor: number;
  maxDelayMs: number;
  attemptTimeoutMs: number;
  runTimeoutMs?: number;
  heartbeatTimeoutMs: number;
}

export type PrepareRunResult = { ok: true; options: TaskOptions } | { ok: false; error: RunError };

export interface ExecuteTaskInput {
  runId: string;
  task: string;
  inputs: unknown;
  triggeredBy: TriggerSource;
  maxAttempts: number;
  /** ISO time: a first attempt starting after it does not run; the run ends as `expired`. */
  expiresAt?: string;
  /** The run's delayed start, and the row extras, for re-creating a missing row. */
  runAt?: string;
  row?: RunRowExtras;
  /** 1 first … 5 last: the order in which queued runs take a freed concurrency slot (default 3). */
  priority?: number;
  /** Overrides the task's concurrency key expression. */
  concurrencyKey?: string;
}

/** A bookkeeping write no retry can make succeed (bad data, a rejected row): its local activity is not retried. */
export const BOOKKEEPING_REJECTED = 'BookkeepingRejected';
/** A run whose bookkeeping failed after its bounded retries ends failed with this error type. */
export const BOOKKEEPING_ERROR = 'BookkeepingError';

/** Error types a run can end with; the workflow never retries these. */
export const NON_RETRYABLE_TYPES = ['PermanentError', 'InvalidInputs', 'UnknownTask', 'RunAlreadyFinished'] as const;

/** A change to one DAG node's step record (run_steps). */
export interface StepChange {
  nodeId: string;
  status: NodeStatus;
  attempt?: number;
  inputs?: unknown;
  output?: unknown;
  error?: RunError;
  reason?: unknown;
}
