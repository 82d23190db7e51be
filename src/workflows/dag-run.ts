import {
  ActivityFailure, ApplicationFailure, CancellationScope, condition, continueAsNew, defineSignal, isCancellation, proxyLocalActivities, setHandler, workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { planDag } from '../dag/plan.js';
import { pruneSnapshot } from '../dag/prune.js';
import { DagScheduler, type RunOutcome, type SchedulerSnapshot, type Step } from '../dag/scheduler.js';
import { resolveInputs } from '../dag/template.js';
import type { DagNode } from '../dag/types.js';
import { TemporalScheduledById, type CancelSignalInput, type StepChange } from '../runs/contract.js';
import type { TriggerSource } from '../runs/states.js';
import { approveSignal, runNode, type ApproveSignalInput, type NodeContext } from './dag-nodes.js';
import { waitUntilDue } from './delay.js';

export { approveSignal } from './dag-nodes.js';
export const pauseSignal = defineSignal('pause');
export const resumeSignal = defineSignal('resume');
const cancelDagSignal = defineSignal<[CancelSignalInput?]>('cancel');

export interface DagRunInput {
  workflow: string;
  /** Absent (a schedule, the CLI): the version active when the run starts. */
  version?: number;
  inputs?: unknown;
  triggeredBy?: TriggerSource;
  /** Carried across continue-as-new: the scheduler's compact state. */
  snapshot?: SchedulerSnapshot;
  pausedByUser?: boolean;
  /** A re-run from a node: `snapshot` holds the reused outputs of the original run. */
  rerunOf?: string;
  /** ISO time: the run waits (pending, durable timer) until then; the `reschedule` signal moves it. */
  runAt?: string;
  /** ISO time: a run that has not started by then ends as `expired`. */
  expiresAt?: string;
  /** Continue-as-new once the history has this many events (default 10,000). */
  historyLimit?: number;
}

const local = proxyLocalActivities<Activities>({ startToCloseTimeout: '70s', retry: { initialInterval: '200ms', backoffCoefficient: 2, maximumInterval: '10s' } });
type NodeEvent = { nodeId: string; result: 'complete'; output: unknown } | { nodeId: string; result: 'failed'; message: string } | { nodeId: string; result: 'cancelled' };

/** A run of a DAG workflow: interprets its pinned definition with the pure scheduler (src/dag). */
export async function dagRun(input: DagRunInput): Promise<{ status: RunOutcome['status'] | 'expired'; failedNodes?: string[] }> {
  const info = workflowInfo();
  const runId = info.workflowId;
  const scheduleId = info.typedSearchAttributes.get(TemporalScheduledById);
  const triggeredBy = input.triggeredBy ?? (scheduleId ? 'schedule' : 'api');
  const fresh = !input.snapshot || input.rerunOf !== undefined;
  if (fresh && (input.runAt || input.expiresAt)) {
    const start = await waitForStart(input, runId);
    if (start !== 'go') return { status: start };
  }
  const version = input.version ?? (await local.activeDagVersion({ workflow: input.workflow }));
  if (fresh) {
    await local.startDagRun({ runId, workflow: input.workflow, version, inputs: input.inputs ?? null, triggeredBy, temporalRunId: info.runId, ...(scheduleId ? { scheduleId } : {}) });
  }
  const { definition, tasks } = await local.loadDag({ workflow: input.workflow, version });
  if (input.rerunOf && input.snapshot) {
    const reused = Object.entries(input.snapshot.outputs).map(([nodeId, output]) => ({ nodeId, status: 'complete' as const, output, reason: { reusedFrom: input.rerunOf } }));
    await local.recordSteps({ runId, steps: reused });
  }
  const nodes = new Map<string, DagNode>(definition.nodes.map((n) => [n.id, n]));
  const plan = planDag(definition);
  const scheduler = new DagScheduler(plan, input.inputs ?? null, input.snapshot);
  const approvals = new Map<string, ApproveSignalInput>();
  const ctx: NodeContext = { runId, triggeredBy, tasks, approvals };
  const scopes = new Map<string, CancellationScope>();
  const events: NodeEvent[] = [];
  const control: ('pause' | 'resume' | 'cancel')[] = [];
  const failures = new Map<string, string>();
  let userPaused = input.pausedByUser ?? false;
  let cancelReason: string | undefined;
  setHandler(approveSignal, (a) => void (approvals.has(a.nodeId) || approvals.set(a.nodeId, a)));
  setHandler(pauseSignal, () => void control.push('pause'));
  setHandler(resumeSignal, () => void control.push('resume'));
  setHandler(cancelDagSignal, (s) => {
    cancelReason ??= s?.reason?.trim() || 'cancelled by signal';
    control.push('cancel');
  });

  const launch = (id: string) => {
    const node = nodes.get(id)!;
    const inputs = node.task !== undefined ? resolveInputs(node.inputs, scheduler.context()) : undefined;
    const scope = new CancellationScope();
    scopes.set(id, scope);
    scope.run(() => runNode(node, inputs, ctx)).then(
      (output) => events.push({ nodeId: id, result: 'complete', output }),
      (error: unknown) => events.push(isCancellation(error) ? { nodeId: id, result: 'cancelled' } : { nodeId: id, result: 'failed', message: messageOf(error) }),
    );
  };
  /** Carries out a Step: records what the scheduler decided, cancels and starts nodes. */
  const apply = async (step: Step, changes: StepChange[]) => {
    for (const nodeId of step.waiting) changes.push({ nodeId, status: 'waiting_inputs' });
    for (const { nodeId, reason } of step.skipped) changes.push({ nodeId, status: 'skipped', reason });
    for (const { nodeId, error } of step.failed) changes.push({ nodeId, status: 'failed', error: { type: 'ConditionError', message: error } });
    for (const nodeId of step.cancelled) changes.push({ nodeId, status: 'cancelled' });
    for (const nodeId of step.cancel) scopes.get(nodeId)?.cancel();
    for (const nodeId of step.start) if (nodes.get(nodeId)!.task === undefined) changes.push({ nodeId, status: 'running' });
    if (changes.length) await local.recordSteps({ runId, steps: changes.splice(0) });
    step.start.forEach(launch);
    return step.outcome;
  };

  try {
    let outcome = await apply(scheduler.start(), []);
    if (!outcome && input.snapshot?.paused && !userPaused) outcome = await apply(scheduler.resume(), []);
    let draining = false;
    while (!outcome) {
      // Near the history limit: start nothing new, let running nodes finish, continue as new with the compact state.
      const now = workflowInfo();
      if (!draining && (now.continueAsNewSuggested || now.historyLength > (input.historyLimit ?? 10_000))) {
        draining = true;
        scheduler.pause();
      }
      if (draining && scopes.size === 0 && control.length === 0) {
        return await continueAsNew<typeof dagRun>({ ...input, version, triggeredBy, snapshot: pruneSnapshot(scheduler.snapshot(), plan, definition.nodes), pausedByUser: userPaused, rerunOf: undefined });
      }
      await condition(() => events.length > 0 || control.length > 0 || (draining && scopes.size === 0));
      const changes: StepChange[] = [];
      for (const request of control.splice(0)) {
        if (request === 'pause') {
          userPaused = true;
          scheduler.pause();
        } else if (request === 'resume') {
          userPaused = false;
          // While draining for continue-as-new the next run resumes instead.
          if (!draining) outcome ??= await apply(scheduler.resume(), changes);
        } else outcome ??= await apply(scheduler.cancelRun(), changes);
      }
      for (const event of events.splice(0)) {
        scopes.delete(event.nodeId);
        const isControlNode = nodes.get(event.nodeId)!.task === undefined;
        let step: Step;
        if (event.result === 'complete') {
          if (isControlNode) changes.push({ nodeId: event.nodeId, status: 'complete', output: event.output });
          step = scheduler.nodeCompleted(event.nodeId, event.output);
        } else if (event.result === 'failed') {
          failures.set(event.nodeId, event.message);
          changes.push({ nodeId: event.nodeId, status: 'failed', error: { type: 'NodeFailed', message: event.message } });
          step = scheduler.nodeFailed(event.nodeId);
        } else {
          changes.push({ nodeId: event.nodeId, status: 'cancelled' });
          step = scheduler.nodeCancelled(event.nodeId);
        }
        outcome ??= await apply(step, changes);
      }
      if (changes.length) await local.recordSteps({ runId, steps: changes });
    }
    return await finish(runId, outcome, failures, cancelReason);
  } catch (error) {
    if (!isCancellation(error)) throw error;
    await CancellationScope.nonCancellable(async () => {
      const open = scheduler.snapshot().statuses.flatMap((s, i) => (['complete', 'failed', 'skipped', 'cancelled'].includes(s) ? [] : [definition.nodes[i].id]));
      await local.recordSteps({ runId, steps: open.map((nodeId) => ({ nodeId, status: 'cancelled' as const })) });
      await local.finishDagRun({ runId, status: 'cancelled', error: { type: 'Cancelled', message: 'cancelled by a Temporal cancel request' } });
    });
    throw error;
  }
}

/** A delayed run waits (pending) until it is due; a ttl that passed by then ends it as expired. */
async function waitForStart(input: DagRunInput, runId: string): Promise<'go' | 'expired' | 'cancelled'> {
  const scope = new CancellationScope();
  let reason: string | undefined;
  setHandler(cancelDagSignal, (s) => {
    reason ??= s?.reason?.trim() || 'cancelled by signal';
    scope.cancel();
  });
  try {
    if (input.runAt) await waitUntilDue(Date.parse(input.runAt), scope);
  } catch (error) {
    if (!isCancellation(error)) throw error;
    const message = reason ?? 'cancelled by a Temporal cancel request';
    await CancellationScope.nonCancellable(() => local.finishDagRun({ runId, status: 'cancelled', error: { type: 'Cancelled', message } }));
    // A Temporal cancel request ends the workflow cancelled too; the signal ends it normally.
    if (reason === undefined) throw error;
    return 'cancelled';
  }
  if (input.expiresAt && Date.now() > Date.parse(input.expiresAt)) {
    await local.finishDagRun({ runId, status: 'expired', error: { type: 'Expired', message: `not started before its ttl ended (${input.expiresAt})` } });
    return 'expired';
  }
  return 'go';
}

async function finish(runId: string, outcome: RunOutcome, failures: Map<string, string>, cancelReason: string | undefined) {
  if (outcome.status === 'complete') {
    await local.finishDagRun({ runId, status: 'complete', result: { status: 'complete' } });
    return { status: outcome.status };
  }
  if (outcome.status === 'cancelled') {
    await local.finishDagRun({ runId, status: 'cancelled', error: { type: 'Cancelled', message: cancelReason ?? 'cancelled' } });
    return { status: outcome.status };
  }
  const [first] = outcome.failedNodes;
  const message = `${outcome.failedNodes.length === 1 ? 'node' : 'nodes'} ${outcome.failedNodes.join(', ')} failed: ${failures.get(first) ?? 'see its step'}`;
  await local.finishDagRun({ runId, status: 'failed', error: { type: 'NodeFailed', message, details: { failedNodes: outcome.failedNodes, nodeId: first } } });
  throw ApplicationFailure.nonRetryable(message, 'NodeFailed', { failedNodes: outcome.failedNodes });
}

function messageOf(error: unknown): string {
  const cause = error instanceof ActivityFailure && error.cause ? error.cause : error;
  return cause instanceof Error ? cause.message : String(cause);
}
