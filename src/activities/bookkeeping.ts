import { Context } from '@temporalio/activity';
import { ensureRun, finishRun } from '../db/runs.repository.js';
import { insertLogs } from '../db/logs.repository.js';
import { bookkeepingWrite } from './bookkeeping-write.js';
import { storableText } from '../db/storable.js';
import type { RunError } from '../db/schema.js';
import type { PrepareRunResult, TaskRunInput } from '../runs/contract.js';
import type { TerminalStatus, TriggerSource } from '../runs/states.js';
import { taskOptions } from '../tasks/task-options.js';
import { formatIssues } from './validate-inputs.js';
import type { ActivityDeps } from './deps.js';

export interface PrepareRunInput extends Required<Pick<TaskRunInput, 'task' | 'triggeredBy'>>, Pick<TaskRunInput, 'priority' | 'concurrencyKey'> {
  runId: string;
  inputs: unknown;
  temporalRunId: string;
  /** The Temporal Schedule that started the run, if one did. */
  scheduleId?: string;
}

export interface RecordOutcomeInput {
  runId: string;
  status: Exclude<TerminalStatus, 'complete'>;
  error: RunError;
  /** A line for the run's log (e.g. the cancel reason); `logLine` keeps a retried write from doubling it. */
  log?: { message: string; line: number };
}

/**
 * Local activities: run inside the workflow task, so the bookkeeping costs no
 * extra server round trip compared with a raw one-activity workflow.
 */
export function createBookkeeping({ db, registry }: ActivityDeps) {
  return {
    /** Creates the run's row if it has none (CLI, schedule) and resolves the task's options. */
    async prepareRun(input: PrepareRunInput): Promise<PrepareRunResult> {
      const run = { id: input.runId, task: input.task, inputs: input.inputs, triggeredBy: input.triggeredBy as TriggerSource };
      const queueing = { priority: input.priority, concurrencyKey: input.concurrencyKey };
      await bookkeepingWrite(() => ensureRun(db, { ...run, ...queueing, temporalRunId: input.temporalRunId, scheduleId: input.scheduleId }), { signal: Context.current().cancellationSignal });
      const task = registry.get(input.task);
      let error: RunError | undefined;
      if (!task) error = { type: 'UnknownTask', message: `unknown task "${input.task}": no task with this slug is registered` };
      else if (task.input) {
        const parsed = task.input.safeParse(input.inputs);
        if (!parsed.success) error = { type: 'InvalidInputs', message: `invalid inputs: ${formatIssues(parsed.error.issues)}` };
      }
      if (error || !task) {
        const failure = error ?? { type: 'UnknownTask', message: 'unknown task' };
        await bookkeepingWrite(() => finishRun(db, input.runId, { status: 'failed', error: failure }));
        return { ok: false, error: failure };
      }
      return { ok: true, options: taskOptions(task) };
    },

    /** Records a failed, timed-out or cancelled ending; a no-op when the run already ended. */
    async recordOutcome(input: RecordOutcomeInput): Promise<void> {
      if (input.log) {
        const line = { run_id: input.runId, attempt: 0, line: input.log.line, level: 'system' as const, message: storableText(input.log.message), data: null, created_at: new Date() };
        await bookkeepingWrite(() => insertLogs(db, [line]));
      }
      await bookkeepingWrite(() => finishRun(db, input.runId, { status: input.status, error: input.error }));
    },
  };
}
