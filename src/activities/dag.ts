// Activities of a DAG run (`dagRun`): load the pinned definition, keep the run row and
// the step records, and execute one task node per activity (retried by Temporal).
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { DagDefinition } from '../dag/types.js';
import { withDbRetry } from '../db/retry.js';
import { createRun, finishRun, markAttemptStarted, toJson } from '../db/runs.repository.js';
import type { RunError } from '../db/schema.js';
import { upsertSteps, type StepChange } from '../db/steps.repository.js';
import { findActiveDefinition, findDefinition } from '../db/workflows.repository.js';
import type { TaskOptions, RunRowExtras } from '../runs/contract.js';
import type { TerminalStatus, TriggerSource } from '../runs/states.js';
import { taskOptions } from '../tasks/task-options.js';
import { defineTask, type Task } from '../tasks/define.js';
import { runKind } from '../tasks/kind-task.js';
import { fieldsForRecord } from '../kinds/record-fields.js';
import { kindSettings } from '../config.js';
import type { ActivityDeps } from './deps.js';
import { bookkeepingWrite } from './bookkeeping-write.js';
import { LogBuffer } from './log-buffer.js';
import { concludeFailedAttempt, runTaskAttempt, startHeartbeats, toActivityError } from './task-attempt.js';
import type { ConcurrencyConfig } from '../tasks/concurrency.js';
import type { HeldSlot } from './concurrency-slot.js';
import { releaseNodeSlots, takeNodeSlots } from './node-slots.js';
import { timerSlotWaker } from './slot-waker.js';

export interface LoadedDag {
  definition: DagDefinition;
  /** Each task's own policy, by slug; node `retry`/`timeout` override it in the workflow. */
  tasks: Record<string, TaskOptions>;
}

export interface StartDagRunInput {
  runId: string;
  workflow: string;
  version: number;
  inputs: unknown;
  triggeredBy: TriggerSource;
  temporalRunId: string;
  scheduleId?: string;
  /** For re-creating a row the API removed after a start it could not confirm. */
  runAt?: string;
  expiresAt?: string;
  row?: RunRowExtras;
  priority?: number;
  concurrencyKey?: string;
}

export interface ExecuteDagNodeInput {
  runId: string;
  nodeId: string;
  task: string;
  /** Set for a kind node (http, command, …): `inputs` are the kind's rendered fields. */
  kind?: string;
  inputs: unknown;
  triggeredBy: TriggerSource;
  maxAttempts: number;
  /** The node's own limit, counted across every run of `workflow`. */
  concurrency?: ConcurrencyConfig;
  workflow?: string;
}

export function createDagActivities({ db, logger, registry, heartbeatIntervalMs, kindEnv = kindSettings(process.env), slotWaker = timerSlotWaker }: ActivityDeps) {
  const kindTasks = new Map<string, Task>();
  /** The task a kind node runs: its kind, with its fields as inputs (rendered by the workflow). */
  const kindNodeTask = (kind: string): Task => {
    let task = kindTasks.get(kind);
    if (!task) kindTasks.set(kind, (task = defineTask({ slug: kind, fn: (ml, fields) => runKind(ml, kind, fields, kindEnv) })));
    return task;
  };
  return {
    /** The definition version the run is pinned to (stored in Postgres, not carried in every input). */
    async loadDag({ workflow, version }: { workflow: string; version: number }): Promise<LoadedDag> {
      const stored = await withDbRetry(() => findDefinition(db, workflow, version));
      if (!stored) throw ApplicationFailure.nonRetryable(`workflow ${workflow} has no version ${version}`, 'UnknownWorkflow');
      const definition = stored.definition as DagDefinition;
      const tasks: Record<string, TaskOptions> = {};
      for (const node of definition.nodes) {
        if (node.task === undefined || tasks[node.task]) continue;
        const task = registry.get(node.task);
        if (!task) throw ApplicationFailure.nonRetryable(`node ${node.id}: unknown task "${node.task}" on this worker`, 'UnknownTask');
        tasks[node.task] = taskOptions(task);
      }
      return { definition, tasks };
    },

    /** The version of `workflow` that executes now (a schedule's run resolves it when it fires). */
    async activeDagVersion({ workflow }: { workflow: string }): Promise<number> {
      const active = await withDbRetry(() => findActiveDefinition(db, workflow));
      if (!active) throw ApplicationFailure.nonRetryable(`workflow ${workflow} has no active version`, 'NoActiveVersion');
      return active.version;
    },

    /** Creates the row for a run started outside the API, then marks it running. */
    async startDagRun(input: StartDagRunInput): Promise<void> {
      await bookkeepingWrite(() =>
        createRun(db, {
          id: input.runId, kind: 'workflow', task: input.workflow, status: 'pending', triggered_by: input.triggeredBy,
          inputs: toJson(input.inputs ?? null), workflow_slug: input.workflow, workflow_version: input.version, schedule_id: input.scheduleId ?? null,
          tags: input.row?.tags ?? [], idempotency_key: input.row?.idempotencyKey ?? null, rerun_of: input.row?.rerunOf ?? null,
          run_at: input.runAt ? new Date(input.runAt) : null, expires_at: input.expiresAt ? new Date(input.expiresAt) : null,
          ...(input.priority !== undefined ? { priority: input.priority } : {}), ...(input.concurrencyKey !== undefined ? { concurrency_key: input.concurrencyKey } : {}),
        }),
      );
      await bookkeepingWrite(() => markAttemptStarted(db, input.runId, 1, input.temporalRunId));
    },

    async recordSteps({ runId, steps }: { runId: string; steps: StepChange[] }): Promise<void> {
      await bookkeepingWrite(() => upsertSteps(db, runId, steps));
    },

    async finishDagRun({ runId, status, error, result }: { runId: string; status: TerminalStatus; error?: RunError; result?: unknown }): Promise<void> {
      await bookkeepingWrite(() => finishRun(db, runId, { status, error, result }));
    },

    /** One attempt of a task node: its step record, its logs (carrying the node id), its output. */
    async executeDagNode(input: ExecuteDagNodeInput): Promise<unknown> {
      const ctx = Context.current();
      const { attempt } = ctx.info;
      const task = input.kind !== undefined ? kindNodeTask(input.kind) : registry.get(input.task);
      if (!task) throw ApplicationFailure.nonRetryable(`unknown task "${input.task}" on this worker`, 'UnknownTask');
      const step = (change: Omit<StepChange, 'nodeId' | 'attempt'>) => withDbRetry(() => upsertSteps(db, input.runId, [{ nodeId: input.nodeId, attempt, ...change }]));
      // From the first write to the last: a slow write must not look like a lost worker.
      const heartbeats = startHeartbeats(ctx, heartbeatIntervalMs);
      const logs = new LogBuffer({ db, runId: input.runId, nodeId: input.nodeId, attempt, logger });
      const run = { id: input.runId, attempt, task: task.slug, triggeredBy: input.triggeredBy, nodeId: input.nodeId };
      let slots: HeldSlot[] = [];
      try {
        slots = await takeNodeSlots({ db, logger, waker: slotWaker, ctx, logs, task, node: input, heartbeatIntervalMs });
        // A kind node's fields may carry credentials (headers, a webhook secret): the record shows them redacted.
        await step({ status: 'running', inputs: input.kind !== undefined ? fieldsForRecord(input.inputs) : input.inputs });
        const output = await runTaskAttempt({ ctx, task, logs, run, inputs: input.inputs, heartbeats });
        await logs.flush();
        await step({ status: 'complete', output });
        return output;
      } catch (error) {
        const failed = await concludeFailedAttempt(ctx, logs, error, attempt, input.maxAttempts);
        // A cancelled node is recorded by the workflow, which knows why.
        if (!failed.cancelled || failed.timedOut) {
          await step({ status: failed.final ? 'failed' : 'retrying', error: failed.error }).catch((err: unknown) => logger.error({ err, runId: input.runId }, 'could not record a failed node'));
        }
        throw toActivityError(error);
      } finally {
        // Before the heartbeats stop: a slow release must not look like a lost worker.
        await releaseNodeSlots(slots);
        heartbeats.stop();
      }
    },
  };
}
