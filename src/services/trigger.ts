// Starting a run: the one path every trigger takes (HTTP, batch, re-run, webhook).
import { createHash } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { isConnectionError, isContentError } from '../db/retry.js';
import { formatIssues } from '../activities/validate-inputs.js';
import { createRun, deleteRun, findRun } from '../db/runs.repository.js';
import type { NewRun, Run } from '../db/schema.js';
import { ConveyorTask, ConveyorTriggeredBy, type RunRowExtras, type TaskRunInput } from '../runs/contract.js';
import { newRunId } from '../runs/run-id.js';
import type { TriggerSource } from '../runs/states.js';
import type { Task } from '../tasks/define.js';
import { taskOptions } from '../tasks/task-options.js';
import type { ServiceDeps } from './deps.js';
import { ApiError } from './errors.js';
import { invalidArgumentReason } from './temporal-errors.js';
import { runsTriggered } from '../api/metrics.js';
import { DEFAULT_PRIORITY } from '../runs/priority.js';
import { zodDetails } from './validate.js';
import { concurrencyKeyOf } from '../tasks/concurrency.js';

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
  /** 1 runs first … 5 last (default 3): the order queued runs take a slot, and Temporal's priorityKey. */
  priority?: number;
  /** Overrides the task's concurrency key. */
  concurrencyKey?: string;
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
    // Unsaid, the column's default (3): the insert stays what it was.
    ...(request.priority !== undefined ? { priority: request.priority } : {}),
    ...(request.concurrencyKey !== undefined ? { concurrency_key: request.concurrencyKey } : {}),
  };
  // Temporal's matching shares task dispatch fairly between keys (matching.enableFairness).
  const fairnessKey = task.concurrency ? concurrencyKeyOf(task.concurrency, inputs, request.concurrencyKey) || undefined : undefined;
  return startRun(deps, row, 'taskRun', (run) => taskRunInput(task, run), fairnessKey);
}

/** The `taskRun` input for a run whose row the API wrote: the row exists and the inputs are checked, so the workflow skips its prepare step. */
export function taskRunInput(task: Task, run: Run): TaskRunInput {
  return {
    task: task.slug,
    inputs: run.inputs ?? null,
    triggeredBy: run.triggered_by,
    options: taskOptions(task),
    ...(run.run_at ? { runAt: run.run_at.toISOString() } : {}),
    ...(run.expires_at ? { expiresAt: run.expires_at.toISOString() } : {}),
    ...(run.priority !== DEFAULT_PRIORITY ? { priority: run.priority } : {}),
    ...(run.concurrency_key !== null ? { concurrencyKey: run.concurrency_key } : {}),
    ...rowExtras(run),
  };
}

/** The row fields a workflow carries to re-create a row the API removed (see startRun). */
export function rowExtras(run: Run): { row?: RunRowExtras } {
  const row: RunRowExtras = {
    ...(run.tags.length ? { tags: run.tags } : {}),
    ...(run.idempotency_key ? { idempotencyKey: run.idempotency_key } : {}),
    ...(run.rerun_of ? { rerunOf: run.rerun_of } : {}),
  };
  return Object.keys(row).length ? { row } : {};
}

/**
 * Inserts a run's row (an idempotent id that exists is kept: that run is the answer), then
 * starts its workflow with USE_EXISTING, built from the row so the first request's inputs
 * win. If Temporal refuses, a row this call created is removed again. A start whose outcome
 * is unknown (deadline passed, connection lost) is looked up before answering: if it landed
 * the run is the answer; if it lands later still, the workflow re-creates the whole row from
 * its input (tags, idempotency key, runAt, expiresAt included).
 */
export async function startRun(deps: ServiceDeps, row: NewRun, workflowType: 'taskRun' | 'dagRun', inputFor: (run: Run) => unknown, fairnessKey?: string): Promise<TriggerResult> {
  const { db, logger } = deps;
  const id = row.id;
  const inserted = await createRun(db, row).catch((error: unknown) => {
    throw databaseError(deps, error, 'the run was not created');
  });
  // A concurrent or earlier request with the same key owns the run: start what its row says.
  const run =
    inserted ??
    (await findRun(db, id).catch((error: unknown) => {
      throw databaseError(deps, error, 'the run could not be read back');
    }));
  if (!run) throw new ApiError(409, 'run_conflict', `run ${id} was removed while this request read it; retry`);
  try {
    await startWorkflow(deps, run, workflowType, inputFor(run), fairnessKey);
  } catch (error) {
    // A closed run with this id (a finished idempotent run): it exists, nothing to start.
    if (!(error instanceof WorkflowExecutionAlreadyStartedError) && !(await startLanded(deps, id, error))) {
      if (inserted) await deleteRun(db, id).catch((err: unknown) => logger.error({ err, runId: id }, 'could not remove the row of an unstarted run'));
      const invalid = invalidArgumentReason(error);
      if (invalid !== undefined) throw new ApiError(400, 'invalid_run', `Temporal refused the run: ${invalid}`);
      logger.warn({ err: error, runId: id }, 'trigger refused: Temporal unavailable');
      throw new ApiError(503, 'temporal_unavailable', 'Temporal is unavailable; the run was not started');
    }
  }
  if (inserted) runsTriggered.inc({ source: run.triggered_by });
  return { run, created: inserted !== undefined };
}

function startWorkflow(deps: ServiceDeps, run: Run, workflowType: 'taskRun' | 'dagRun', input: unknown, fairnessKey: string | undefined): Promise<unknown> {
  const client = deps.startClient ?? deps.client;
  const deadline = Date.now() + (deps.triggerTimeoutMs ?? 10_000);
  const priority = {
    ...(run.priority !== undefined && run.priority !== DEFAULT_PRIORITY ? { priorityKey: run.priority } : {}),
    ...(fairnessKey !== undefined ? { fairnessKey } : {}),
  };
  const start = client.withDeadline(deadline, () =>
    client.workflow.start(workflowType, {
      ...(deps.eagerStart ? { requestEagerStart: true } : {}),
      workflowId: run.id,
      taskQueue: deps.taskQueue,
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      typedSearchAttributes: [
        { key: ConveyorTask, value: run.task },
        { key: ConveyorTriggeredBy, value: run.triggered_by },
      ],
      // Temporal's matching honours them with matching.useNewMatcher and enableFairness (README); activities inherit them.
      ...(Object.keys(priority).length ? { priority } : {}),
    }),
  );
  // The SDK's Rust client (startClient) retries an unreachable server past the deadline: answer by
  // the deadline anyway, as an unknown outcome (looked up; a start landing later re-creates its row).
  return deps.startClient ? byDeadline(start, deadline) : start;
}

function byDeadline<T>(work: Promise<T>, deadline: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('Temporal did not answer the start before the deadline')), Math.max(0, deadline - Date.now()));
  });
  void work.catch(() => undefined); // answered by the deadline: a later failure has no one to tell
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/** After a failed start: did it land anyway (the answer was lost, or came after the deadline)? */
async function startLanded(deps: ServiceDeps, id: string, error: unknown): Promise<boolean> {
  if (invalidArgumentReason(error) !== undefined) return false; // refused outright
  const { client } = deps;
  return client
    .withDeadline(Date.now() + 2_000, () => client.workflow.getHandle(id).describe())
    .then(() => true, () => false);
}

/** Only an unreachable database is an outage (503); a value Postgres refused is the request's fault. */
function databaseError(deps: ServiceDeps, error: unknown, what: string): ApiError {
  if (isContentError(error)) return new ApiError(400, 'invalid_value', `the database refused a value of the request: ${(error as Error).message}`);
  if (!isConnectionError(error)) throw error;
  deps.logger.warn({ err: error }, `trigger refused: database unavailable (${what})`);
  return new ApiError(503, 'database_unavailable', `the database is unavailable; ${what}`);
}
