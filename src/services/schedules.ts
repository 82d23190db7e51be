// Temporal Schedules of `taskRun`: the spec and action Conveyor builds, the view it returns,
// and how Temporal's errors map to HTTP. The routes are in routes/schedules.ts.
import { randomBytes } from 'node:crypto';
import {
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  type ScheduleDescription,
  type ScheduleOptionsStartWorkflowAction,
  type ScheduleOverlapPolicy,
  type ScheduleSpec,
  type ScheduleSpecDescription,
  type ScheduleSummary,
} from '@temporalio/client';
import type { Workflow } from '@temporalio/common';
import { ConveyorTask, ConveyorTriggeredBy, type TaskRunInput } from '../runs/contract.js';
import type { ServiceDeps } from './deps.js';
import { formatDuration } from '../tasks/duration.js';
import { ApiError, notFound } from './errors.js';
import { invalidArgumentReason } from './temporal-errors.js';
import { DEFAULT_PRIORITY } from '../runs/priority.js';

export const TASK_RUN_WORKFLOW = 'taskRun';
export const DAG_RUN_WORKFLOW = 'dagRun';
/** The workflow types a Conveyor schedule starts: a task run or a DAG workflow run. */
export const isConveyorAction = (workflowType: string | undefined) => workflowType === TASK_RUN_WORKFLOW || workflowType === DAG_RUN_WORKFLOW;
/** What a schedule starts: runs of a task, or of a DAG workflow's active version (resolved when it fires). */
export type ScheduleTarget = { task: string; workflow?: undefined } | { workflow: string; task?: undefined };
/** A schedule's runs: their priority (the order queued runs take a slot) and concurrency key. */
export type ScheduleRunOptions = Pick<TaskRunInput, 'priority' | 'concurrencyKey'>;
/** Memo key on schedules Conveyor creates: names the task, so a list needs no describe per schedule. */
export const MEMO_TASK = 'conveyorTask';
export const OVERLAPS = ['skip', 'buffer_one', 'buffer_all', 'cancel_other', 'allow_all'] as const;
export type Overlap = (typeof OVERLAPS)[number];

export const newScheduleId = () => `sched_${randomBytes(12).toString('hex')}`;
export const toOverlapPolicy = (overlap: Overlap) => overlap.toUpperCase() as Exclude<ScheduleOverlapPolicy, undefined>;

/**
 * Temporal keeps a cron expression only as the calendar it compiles to; the trailing
 * `# comment` survives as the calendar's comment, which is how the view gets the text back.
 */
export function cronSpec(cron: string): string {
  return cron.includes('#') ? cron : `${cron} # ${cron}`;
}

export function buildSpec(when: { cron?: string; everyMs?: number }, timezone: string | undefined): ScheduleSpec {
  return {
    ...(when.cron !== undefined ? { cronExpressions: [cronSpec(when.cron)] } : { intervals: [{ every: when.everyMs ?? 0 }] }),
    ...(timezone ? { timezone } : {}),
  };
}

/**
 * The action of a Conveyor schedule. A task run gets no `options`, so the worker's prepareRun
 * resolves the task's policy and creates the row; a DAG run gets no version, so it runs the
 * version active when it fires.
 */
export function buildAction(
  deps: Pick<ServiceDeps, 'taskQueue'>, scheduleId: string, target: ScheduleTarget, inputs: unknown, runOptions: ScheduleRunOptions = {},
): ScheduleOptionsStartWorkflowAction<Workflow> {
  const slug = target.task ?? target.workflow;
  const input =
    target.task !== undefined
      ? ({ task: target.task, inputs, triggeredBy: 'schedule', ...definedOnly(runOptions) } satisfies TaskRunInput)
      : { workflow: target.workflow, inputs, triggeredBy: 'schedule', ...definedOnly(runOptions) };
  return {
    type: 'startWorkflow',
    workflowType: target.task !== undefined ? TASK_RUN_WORKFLOW : DAG_RUN_WORKFLOW,
    // Temporal appends the scheduled time, so each run gets its own id.
    workflowId: `run_sched_${scheduleId}`,
    taskQueue: deps.taskQueue,
    args: [input],
    typedSearchAttributes: [
      { key: ConveyorTask, value: slug },
      { key: ConveyorTriggeredBy, value: 'schedule' },
    ],
  };
}

const definedOnly = (o: ScheduleRunOptions): ScheduleRunOptions => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/** The input of a schedule's action (task or workflow, inputs, run options), when it has one (a CLI-made schedule might not). */
export function actionInput(description: Pick<ScheduleDescription, 'action'>): (ScheduleTarget & { inputs?: unknown } & ScheduleRunOptions) | undefined {
  const first = description.action.args?.[0] as { task?: unknown; workflow?: unknown; inputs?: unknown; priority?: unknown; concurrencyKey?: unknown } | null | undefined;
  if (typeof first !== 'object' || first === null) return undefined;
  const runOptions = {
    ...(typeof first.priority === 'number' ? { priority: first.priority } : {}),
    ...(typeof first.concurrencyKey === 'string' ? { concurrencyKey: first.concurrencyKey } : {}),
  };
  if (description.action.workflowType === DAG_RUN_WORKFLOW && typeof first.workflow === 'string') return { workflow: first.workflow, inputs: first.inputs, ...runOptions };
  if (typeof first.task === 'string') return { task: first.task, inputs: first.inputs, ...runOptions };
  return undefined;
}

function specView(spec: ScheduleSpecDescription | undefined) {
  const calendar = spec?.calendars?.[0];
  const interval = spec?.intervals?.[0];
  return {
    cron: calendar ? calendar.comment || null : null,
    every: interval ? formatDuration(interval.every) : null,
    timezone: spec?.timezone || 'UTC',
  };
}

function infoView(info: ScheduleSummary['info']) {
  return {
    nextActionTimes: info.nextActionTimes.map((t) => t.toISOString()),
    recentRuns: info.recentActions.map((a) => ({
      id: a.action.workflow.workflowId,
      scheduledAt: a.scheduledAt.toISOString(),
      startedAt: a.takenAt.toISOString(),
      links: { self: `/api/runs/${encodeURIComponent(a.action.workflow.workflowId)}` },
    })),
  };
}

/** One schedule as GET /api/schedules/:id and the mutating routes return it. */
export function scheduleView(d: ScheduleDescription) {
  const input = actionInput(d);
  return {
    id: d.scheduleId,
    ...(d.action.workflowType === DAG_RUN_WORKFLOW ? { workflow: input?.workflow ?? null } : { task: input?.task ?? null }),
    priority: input?.priority ?? DEFAULT_PRIORITY,
    concurrencyKey: input?.concurrencyKey ?? null,
    inputs: input?.inputs ?? null,
    ...specView(d.spec),
    overlap: (d.policies.overlap ?? 'SKIP').toLowerCase(),
    catchupWindow: formatDuration(d.policies.catchupWindow),
    paused: d.state.paused,
    note: d.state.note || null,
    taskQueue: d.action.taskQueue,
    actionsTaken: d.info.numActionsTaken,
    createdAt: d.info.createdAt.toISOString(),
    ...infoView(d.info),
    links: { self: `/api/schedules/${encodeURIComponent(d.scheduleId)}` },
  };
}

/** A list entry: what Temporal's (eventually consistent) list returns, without a describe per schedule. */
export function scheduleSummaryView(s: ScheduleSummary) {
  const target = s.memo?.[MEMO_TASK];
  const slug = typeof target === 'string' ? target : null;
  return {
    id: s.scheduleId,
    ...(s.action?.workflowType === DAG_RUN_WORKFLOW ? { workflow: slug } : { task: slug }),
    ...specView(s.spec),
    paused: s.state.paused,
    ...infoView(s.info),
    links: { self: `/api/schedules/${encodeURIComponent(s.scheduleId)}` },
  };
}

/** Maps a failed Temporal call to the API's errors; anything not the client's fault is a 503. */
export function scheduleError(deps: Pick<ServiceDeps, 'logger'>, error: unknown, scheduleId: string): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof ScheduleNotFoundError) return notFound('schedule', scheduleId);
  if (error instanceof ScheduleAlreadyRunning) return new ApiError(409, 'schedule_exists', `schedule ${JSON.stringify(scheduleId)} already exists`);
  // The SDK turns Temporal's "Invalid schedule spec" (bad cron, unknown time zone) into a TypeError.
  if (error instanceof TypeError) return new ApiError(400, 'invalid_schedule', error.message);
  const invalid = invalidArgumentReason(error);
  if (invalid !== undefined) return new ApiError(400, 'invalid_schedule', invalid);
  deps.logger.warn({ err: error, scheduleId }, 'schedule request failed: Temporal unavailable');
  return new ApiError(503, 'temporal_unavailable', 'Temporal is unavailable; retry');
}
