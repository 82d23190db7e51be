// A task node's execution policy: its task's own, with the node's `retry` and `timeout` laid
// over it. One home for the merge, used when a definition is validated (so a policy Temporal
// would refuse is reported on create and activate, naming the node) and when the node runs.
import type { TaskOptions } from '../runs/contract.js';
import { describePolicyProblems, policyProblems } from '../tasks/policy-rules.js';
import { toMs } from '../tasks/duration.js';
import type { TaskNode } from './types.js';

export function nodePolicy(node: Pick<TaskNode, 'retry' | 'timeout'>, base: TaskOptions): TaskOptions {
  const { retry, timeout } = node;
  return {
    ...base,
    ...(retry?.maxAttempts !== undefined ? { maxAttempts: retry.maxAttempts } : {}),
    ...(retry?.initialDelay !== undefined ? { initialDelayMs: toMs(retry.initialDelay) } : {}),
    ...(retry?.backoffFactor !== undefined ? { backoffFactor: retry.backoffFactor } : {}),
    ...(retry?.maxDelay !== undefined ? { maxDelayMs: toMs(retry.maxDelay) } : {}),
    ...(timeout?.attempt !== undefined ? { attemptTimeoutMs: toMs(timeout.attempt) } : {}),
    ...(timeout?.run !== undefined ? { runTimeoutMs: toMs(timeout.run) } : {}),
  };
}

/** What is wrong with the node's policy once merged (empty when valid), fields named as the node writes them. */
export function nodePolicyProblem(node: Pick<TaskNode, 'retry' | 'timeout'>, base: TaskOptions): string | undefined {
  let merged: TaskOptions;
  try {
    merged = nodePolicy(node, base);
  } catch (error) {
    return (error as Error).message; // a malformed duration: the node rules report it too
  }
  const problems = policyProblems(merged);
  return problems.length ? describePolicyProblems(problems) : undefined;
}
