// How a dagRun executes one node: a task node is an activity with the task's policy
// (node retry/timeout override it), a sleep node a durable timer, an approval node a
// wait for the `approve` signal (or its timeout). Sleeps and approvals keep an absolute
// deadline, so one carried across continue-as-new resumes where it was, not from scratch.
import { ApplicationFailure, condition, defineSignal, sleep } from '@temporalio/workflow';
import type { LoadedDag } from '../activities/dag.js';
import { kindNodeBasePolicy, kindNodePolicyTimeout } from '../dag/kind-node.js';
import type { DagNode, KindNode } from '../dag/types.js';
import type { TaskOptions } from '../runs/contract.js';
import type { TriggerSource } from '../runs/states.js';
import { toMs } from '../tasks/duration.js';
import { taskActivities } from './task-activities.js';
import { nodePolicy, nodePolicyProblem } from '../dag/node-policy.js';

export interface ApproveSignalInput {
  nodeId: string;
  approved: boolean;
  comment?: string;
}
export const approveSignal = defineSignal<[ApproveSignalInput]>('approve');

/** The task's options with the node's `retry` and `timeout` laid over them. */
export function nodeOptions(node: DagNode, tasks: LoadedDag['tasks']): TaskOptions {
  const base = tasks[node.task!];
  if (node.task === undefined || !base) throw ApplicationFailure.nonRetryable(`node ${node.id} runs no known task`, 'UnknownTask');
  // Temporal would refuse to schedule an activity with such a policy, failing the workflow task forever.
  const problem = nodePolicyProblem(node, base);
  if (problem) throw ApplicationFailure.nonRetryable(`node ${node.id}: ${problem}`, 'InvalidPolicy');
  return nodePolicy(node, base);
}

/** A kind node's policy: the defaults (its attempt covering the kind's own timeout) with its `retry` and `{attempt, run}` laid over them. */
export function kindNodeOptions(node: KindNode): TaskOptions {
  const policy = { retry: node.retry, timeout: kindNodePolicyTimeout(node) };
  const base = kindNodeBasePolicy(node);
  const problem = nodePolicyProblem(policy, base);
  if (problem) throw ApplicationFailure.nonRetryable(`node ${node.id}: ${problem}`, 'InvalidPolicy');
  return nodePolicy(policy, base);
}

export interface NodeContext {
  runId: string;
  /** The workflow's slug: a node's concurrency limit counts across all of its runs. */
  workflow: string;
  triggeredBy: TriggerSource;
  tasks: LoadedDag['tasks'];
  approvals: Map<string, ApproveSignalInput>;
  /** Epoch ms per waiting sleep/approval: set when it starts, or carried in when it resumes. */
  deadlines: Map<string, number>;
}

/** Runs one node to its output; throws on failure, CancelledFailure when its scope is cancelled. */
export async function runNode(node: DagNode, inputs: unknown, ctx: NodeContext): Promise<unknown> {
  if (node.type === 'sleep') {
    const resumedUntil = ctx.deadlines.get(node.id);
    ctx.deadlines.set(node.id, resumedUntil ?? Date.now() + toMs(node.duration));
    await sleep(resumedUntil === undefined ? toMs(node.duration) : Math.max(1, resumedUntil - Date.now()));
    return { sleptMs: toMs(node.duration) };
  }
  if (node.type === 'approval') {
    const decided = () => ctx.approvals.has(node.id);
    // condition(fn, undefined) would time out at once: no timeout means no second argument.
    if (node.timeout === undefined) await condition(decided);
    else {
      const resumedUntil = ctx.deadlines.get(node.id);
      ctx.deadlines.set(node.id, resumedUntil ?? Date.now() + toMs(node.timeout));
      const inTime =
        resumedUntil === undefined ? await condition(decided, toMs(node.timeout)) : resumedUntil > Date.now() ? await condition(decided, resumedUntil - Date.now()) : decided();
      if (!inTime) throw ApplicationFailure.nonRetryable(`approval ${node.id} timed out`, 'ApprovalTimeout');
    }
    const decision = ctx.approvals.get(node.id)!;
    if (!decision.approved) throw ApplicationFailure.nonRetryable(`approval ${node.id} rejected${decision.comment ? `: ${decision.comment}` : ''}`, 'Rejected');
    return { approved: true, comment: decision.comment ?? null };
  }
  if (node.type !== undefined) {
    // A kind node (http, command, …): the same activity, running the kind with its rendered fields.
    const options = kindNodeOptions(node);
    const { executeDagNode } = taskActivities(options);
    return executeDagNode({ runId: ctx.runId, nodeId: node.id, task: node.type, kind: node.type, inputs, triggeredBy: ctx.triggeredBy, maxAttempts: options.maxAttempts });
  }
  const options = nodeOptions(node, ctx.tasks);
  const { executeDagNode } = taskActivities(options);
  return executeDagNode({
    runId: ctx.runId, nodeId: node.id, task: node.task, inputs, triggeredBy: ctx.triggeredBy, maxAttempts: options.maxAttempts,
    // Only a limited node carries these (an activity's input: replaying older runs is unaffected).
    ...(node.concurrency ? { concurrency: node.concurrency, workflow: ctx.workflow } : {}),
  });
}
