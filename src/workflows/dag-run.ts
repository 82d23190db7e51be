// dagRun: a run of a DAG workflow. It interprets its pinned definition with the pure
// scheduler (src/dag): each event (a node ended, pause, resume, cancel) returns a Step
// that this loop carries out. Its parts: dag-start (delay, ttl), dag-signals, dag-nodes
// (one node), dag-continue (continue-as-new), dag-finish (outcomes, unexpected errors).
import { ApplicationFailure, CancellationScope, condition, isCancellation, workflowInfo } from '@temporalio/workflow';
import { planDag } from '../dag/plan.js';
import { DagScheduler, type Step } from '../dag/scheduler.js';
import { isKindNode, kindFields, runsActivity } from '../dag/kind-node.js';
import { resolveInputs, resolveTemplates } from '../dag/template.js';
import { isFinishedNodeStatus, type DagNode } from '../dag/types.js';
import { TemporalScheduledById, type StepChange } from '../runs/contract.js';
import { SLUG_PATTERN, SLUG_RULE } from '../runs/slug.js';
import { dagLocal, recordSteps, startDagRunRow } from './dag-bookkeeping.js';
import { continueDagRun, nearHistoryLimit } from './dag-continue.js';
import { describeError, failureToEnd, finishCancelledByRequest, finishWithOutcome, type DagRunResult } from './dag-finish.js';
import { runNode, type NodeContext } from './dag-nodes.js';
import type { DagRunInput } from './dag-run-input.js';
import { listenToDagSignals } from './dag-signals.js';
import { waitForStart } from './dag-start.js';
import { waitForRunSlot } from './dag-slot.js';

export type { DagRunInput } from './dag-run-input.js';
export { approveSignal, pauseSignal, resumeSignal } from './dag-signals.js';

type NodeEvent = { nodeId: string; result: 'complete'; output: unknown } | { nodeId: string; result: 'failed'; type: string; message: string } | { nodeId: string; result: 'cancelled' };

export async function dagRun(input: DagRunInput): Promise<DagRunResult> {
  const runId = workflowInfo().workflowId;
  // Checked before the slug reaches a row or a failure message: text Temporal cannot encode would stop the worker.
  if (typeof input?.workflow !== 'string' || !SLUG_PATTERN.test(input.workflow)) {
    throw ApplicationFailure.nonRetryable(`dagRun input must be {"workflow": "<slug>", …}; ${SLUG_RULE}`, 'InvalidWorkflowInput');
  }
  try {
    return await interpret(input, runId);
  } catch (error) {
    throw await failureToEnd(runId, error);
  }
}

async function interpret(input: DagRunInput, runId: string): Promise<DagRunResult> {
  const info = workflowInfo();
  const scheduleId = info.typedSearchAttributes.get(TemporalScheduledById);
  const triggeredBy = input.triggeredBy ?? (scheduleId ? 'schedule' : 'api');
  const fresh = !input.snapshot || input.rerunOf !== undefined;
  if (fresh && (input.runAt || input.expiresAt)) {
    const start = await waitForStart(input, runId);
    if (start !== 'go') return { status: start };
  }
  const version = input.version ?? (await dagLocal.activeDagVersion({ workflow: input.workflow }));
  if (fresh) {
    await startDagRunRow({
      runId, workflow: input.workflow, version, inputs: input.inputs ?? null, triggeredBy, temporalRunId: info.runId, ...(scheduleId ? { scheduleId } : {}),
      ...(input.runAt ? { runAt: input.runAt } : {}), ...(input.expiresAt ? { expiresAt: input.expiresAt } : {}), ...(input.row ? { row: input.row } : {}),
      ...(input.priority !== undefined ? { priority: input.priority } : {}), ...(input.concurrencyKey !== undefined ? { concurrencyKey: input.concurrencyKey } : {}),
    });
  }
  const { definition, tasks } = await dagLocal.loadDag({ workflow: input.workflow, version });
  // A limited workflow's run takes its slot once, before its first node; a continued execution still holds it.
  if (fresh && definition.concurrency) {
    const slot = await waitForRunSlot(input, runId, definition.concurrency);
    if (slot !== 'go') return { status: slot };
  }
  if (input.rerunOf && input.snapshot) {
    const reused = Object.entries(input.snapshot.outputs).map(([nodeId, output]) => ({ nodeId, status: 'complete' as const, output, reason: { reusedFrom: input.rerunOf } }));
    await recordSteps(runId, reused);
  }
  const nodes = new Map<string, DagNode>(definition.nodes.map((n) => [n.id, n]));
  const plan = planDag(definition);
  const scheduler = new DagScheduler(plan, input.inputs ?? null, input.snapshot);
  const signals = listenToDagSignals(input.approvals);
  const { approvals, control } = signals;
  const deadlines = new Map((input.waiting ?? []).flatMap((w) => (w.until === undefined ? [] : [[w.nodeId, w.until] as const])));
  const ctx: NodeContext = { runId, workflow: input.workflow, triggeredBy, tasks, approvals, deadlines };
  const scopes = new Map<string, CancellationScope>();
  let runningTasks = 0;
  const events: NodeEvent[] = [];
  const failures = new Map<string, string>();
  let userPaused = input.pausedByUser ?? false;

  const launch = (id: string) => {
    const node = nodes.get(id)!;
    let inputs: unknown;
    try {
      // A kind node's fields are its inputs: the activity gets them rendered.
      inputs = node.task !== undefined ? resolveInputs(node.inputs, scheduler.context()) : isKindNode(node) ? resolveTemplates(kindFields(node), scheduler.context(), node.type) : undefined;
    } catch (error) {
      // A template that cannot be resolved over this run's data fails its node, not the workflow task.
      events.push({ nodeId: id, result: 'failed', type: 'TemplateError', message: `its inputs could not be resolved: ${describeError(error).message}` });
      return;
    }
    const scope = new CancellationScope();
    scopes.set(id, scope);
    if (runsActivity(node)) runningTasks++;
    scope.run(() => runNode(node, inputs, ctx)).then(
      (output) => events.push({ nodeId: id, result: 'complete', output }),
      (error: unknown) => events.push(isCancellation(error) ? { nodeId: id, result: 'cancelled' } : { nodeId: id, result: 'failed', type: 'NodeFailed', message: describeError(error).message }),
    );
  };
  /** Carries out a Step: records what the scheduler decided, cancels and starts nodes. */
  const apply = async (step: Step, changes: StepChange[]) => {
    for (const nodeId of step.waiting) changes.push({ nodeId, status: 'waiting_inputs' });
    for (const { nodeId, reason } of step.skipped) changes.push({ nodeId, status: 'skipped', reason });
    for (const { nodeId, error } of step.failed) changes.push({ nodeId, status: 'failed', error: { type: 'ConditionError', message: error } });
    for (const nodeId of step.cancelled) changes.push({ nodeId, status: 'cancelled' });
    for (const nodeId of step.cancel) scopes.get(nodeId)?.cancel();
    for (const nodeId of step.start) if (!runsActivity(nodes.get(nodeId)!)) changes.push({ nodeId, status: 'running' });
    if (changes.length) await recordSteps(runId, changes.splice(0));
    step.start.forEach(launch);
    return step.outcome;
  };

  try {
    // Approval and sleep nodes that were waiting when the previous execution continued as new.
    for (const { nodeId } of input.waiting ?? []) launch(nodeId);
    let outcome = await apply(scheduler.start(), []);
    if (!outcome && input.snapshot?.paused && !userPaused) outcome = await apply(scheduler.resume(), []);
    let draining = false;
    // Only an execution that settled a node may drain: one that starts above the limit (many resumed waits) must not loop.
    let progressed = false;
    while (!outcome) {
      if (!draining && progressed && nearHistoryLimit(input.historyLimit)) {
        draining = true;
        scheduler.pause();
      }
      if (draining && runningTasks === 0 && control.length === 0 && events.length === 0 && !scheduler.isStopping()) {
        return await continueDagRun({ ...input, triggeredBy }, version, { scheduler, plan, nodes: definition.nodes, running: scopes.keys(), deadlines, approvals, pausedByUser: userPaused });
      }
      await condition(() => events.length > 0 || control.length > 0 || (draining && runningTasks === 0));
      const changes: StepChange[] = [];
      for (const request of control.splice(0)) {
        if (request === 'pause') {
          userPaused = true;
          scheduler.pause();
        } else if (request === 'resume') {
          userPaused = false;
          // While draining for continue-as-new the next execution resumes instead.
          if (!draining) outcome ??= await apply(scheduler.resume(), changes);
        } else outcome ??= await apply(scheduler.cancelRun(), changes);
      }
      for (const event of events.splice(0)) {
        progressed = true;
        const isControlNode = !runsActivity(nodes.get(event.nodeId)!);
        if (scopes.delete(event.nodeId) && !isControlNode) runningTasks--;
        deadlines.delete(event.nodeId);
        let step: Step;
        if (event.result === 'complete') {
          if (isControlNode) changes.push({ nodeId: event.nodeId, status: 'complete', output: event.output });
          step = scheduler.nodeCompleted(event.nodeId, event.output);
        } else if (event.result === 'failed') {
          failures.set(event.nodeId, event.message);
          changes.push({ nodeId: event.nodeId, status: 'failed', error: { type: event.type, message: event.message } });
          step = scheduler.nodeFailed(event.nodeId);
        } else {
          changes.push({ nodeId: event.nodeId, status: 'cancelled' });
          step = scheduler.nodeCancelled(event.nodeId);
        }
        outcome ??= await apply(step, changes);
      }
      if (changes.length) await recordSteps(runId, changes);
    }
    return await finishWithOutcome(runId, outcome, failures, signals.cancel.reason);
  } catch (error) {
    if (!isCancellation(error)) throw error;
    const open = scheduler.snapshot().statuses.flatMap((s, i) => (isFinishedNodeStatus(s) ? [] : [definition.nodes[i].id]));
    await finishCancelledByRequest(runId, open);
    throw error;
  }
}
