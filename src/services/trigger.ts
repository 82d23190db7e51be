// Starting a run: the one path every trigger takes (HTTP, batch, re-run, webhook).
import { createHash } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { formatIssues } from '../activities/validate-inputs.js';
import { deleteRun, findRun } from '../db/runs.repository.js';
import type { NewRun, Run } from '../db/schema.js';
import { ConveyorTask, ConveyorTriggeredBy, type TaskRunInput } from '../runs/contract.js';
import { newRunId } from '../runs/run-id.js';
import type { TriggerSource } from '../runs/states.js';
import type { Task } from '../tasks/define.js';
import { taskOptions } from '../tasks/task-options.js';
import type { ServiceDeps } from './deps.js';
import { ApiError } from './errors.js';
import { runsTriggered } from '../api/metrics.js';
import { zodDetails } from './validate.js';

export interface TriggerRequest {
  task: Task;
  inputs: unknown;
  triggeredBy: TriggerSource;
  idempotencyKey?: string;
  tags?: string[];
  /** The run stays `pending` until then. */
  runAt?: Date;
  /** A run not running by then ends as `expired`. */
  expiresAt?: Date;
  rerunOf?: string;
}

export interface TriggerResult {
  run: Run;
  /** False when an idempotency key matched an existing run. */
  created: boolean;
}

/** The run id of an idempotent trigger: the same (task, key) always names the same run and workflow. */
export function idempotentRunId(task: string, key: string): string {
  return `run_idem_${createHash('sha256').update(`${task}\u0000${key}`).digest('hex').slice(0, 40)}`;
}

/** Throws a 400 naming the field when `inputs` fail the task's schema. */
export function checkInputs(task: Task, inputs: unknown, field = 'inputs'): void {
  if (!task.input) return;
  const parsed = task.input.safeParse(inputs);
  if (!parsed.success) throw new ApiError(400, 'invalid_inputs', `invalid inputs: ${formatIssues(parsed.error.issues)}`, zodDetails(parsed.error.issues, field));
}

/**
 * Inserts the run's row, then starts its workflow (id = run id). An idempotent trigger
 * relies on the deterministic id: the row insert ignores a conflict and the start uses
 * Temporal's USE_EXISTING conflict policy, so concurrent identical requests (or a retry
 * after an API restart) meet the same run. If Temporal refuses, a row this call created is
 * removed again: nothing is left half-written.
 */
export async function triggerRun(deps: ServiceDeps, request: TriggerRequest): Promise<TriggerResult> {
  const { task, inputs, triggeredBy } = request;
  checkInputs(task, inputs);
  const row: NewRun = {
    id: request.idempotencyKey ? idempotentRunId(task.slug, request.idempotencyKey) : newRunId(),
    task: task.slug,
    status: 'pending',
    triggered_by: triggeredBy,
    inputs: inputs === undefined ? null : JSON.stringify(inputs),
    tags: request.tags ?? [],
    idempotency_key: request.idempotencyKey ?? null,
    rerun_of: request.rerunOf ?? null,
    run_at: request.runAt ?? null,
    expires_at: request.expiresAt ?? null,
  };
  return startRun(deps, row, 'taskRun', (run): TaskRunInput => ({
    task: task.slug,
    inputs: run.inputs ?? null,
    triggeredBy: run.triggered_by,
    // The row exists and the inputs are checked, so the workflow skips its prepare step.
    options: taskOptions(task),
    ...(run.run_at ? { runAt: run.run_at.toISOString() } : {}),
    ...(run.expires_at ? { expiresAt: run.expires_at.toISOString() } : {}),
  }));
}

/**
 * Inserts a run's row (an idempotent id that exists is kept: that run is the answer), then
 * starts its workflow with USE_EXISTING, built from the row so the first request's inputs
 * win. If Temporal refuses, a row this call created is removed again.
 */
export async function startRun(deps: ServiceDeps, row: NewRun, workflowType: 'taskRun' | 'dagRun', inputFor: (run: Run) => unknown): Promise<TriggerResult> {
  const { db, client, logger } = deps;
  const id = row.id;
  const inserted = await db
    .insertInto('runs')
    .values(row)
    .onConflict((oc) => oc.column('id').doNothing())
    .returningAll()
    .executeTakeFirst()
    .catch((error: unknown) => {
      logger.warn({ err: error }, 'trigger refused: database unavailable');
      throw new ApiError(503, 'database_unavailable', 'the database is unavailable; the run was not created');
    });
  // A concurrent or earlier request with the same key owns the run: start what its row says.
  const run = inserted ?? (await findRun(db, id));
  if (!run) throw new ApiError(503, 'database_unavailable', 'the run could not be read back; retry');
  try {
    await client.withDeadline(Date.now() + (deps.triggerTimeoutMs ?? 10_000), () =>
      client.workflow.start(workflowType, {
        workflowId: id,
        taskQueue: deps.taskQueue,
        args: [inputFor(run)],
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        typedSearchAttributes: [
          { key: ConveyorTask, value: run.task },
          { key: ConveyorTriggeredBy, value: run.triggered_by },
        ],
      }),
    );
  } catch (error) {
    // A closed run with this id (a finished idempotent run): it exists, nothing to start.
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) {
      // Should the start have landed after all, the workflow's first step re-creates the row.
      if (inserted) await deleteRun(db, id).catch((err: unknown) => logger.error({ err, runId: id }, 'could not remove the row of an unstarted run'));
      logger.warn({ err: error, runId: id }, 'trigger refused: Temporal unavailable');
      throw new ApiError(503, 'temporal_unavailable', 'Temporal is unavailable; the run was not started');
    }
  }
  if (inserted) runsTriggered.inc({ source: run.triggered_by });
  return { run, created: inserted !== undefined };
}
