// Continue-as-new for a long dagRun. Near the history limit the run starts no new node,
// lets running task nodes finish (activities cannot move to another execution), and
// continues as new with compact state: the scheduler snapshot (only outputs that nodes
// still to run can read), the approval and sleep nodes still waiting with their absolute
// deadlines, and the approve signals received but not yet used. The new execution resumes
// the waiting nodes, so an approval that waits for a day holds nothing back.
import { continueAsNew, workflowInfo } from '@temporalio/workflow';
import type { DagPlan } from '../dag/plan.js';
import { pruneSnapshot } from '../dag/prune.js';
import type { DagScheduler } from '../dag/scheduler.js';
import { isFinishedNodeStatus, type DagNode } from '../dag/types.js';
import type { ApproveSignalInput } from './dag-nodes.js';
import type { DagRunInput, WaitingNode } from './dag-run-input.js';

export const DEFAULT_HISTORY_LIMIT = 10_000;

export function nearHistoryLimit(limit: number | undefined): boolean {
  const info = workflowInfo();
  return info.continueAsNewSuggested || info.historyLength > (limit ?? DEFAULT_HISTORY_LIMIT);
}

export interface CarriedState {
  scheduler: DagScheduler;
  plan: DagPlan;
  nodes: readonly DagNode[];
  /** Control nodes still running now (no task node runs when the run continues as new). */
  running: Iterable<string>;
  deadlines: ReadonlyMap<string, number>;
  approvals: ReadonlyMap<string, ApproveSignalInput>;
  pausedByUser: boolean;
}

/** Ends this execution; the next one starts from what `state` carries. */
export function continueDagRun(input: DagRunInput, version: number, state: CarriedState): Promise<never> {
  const snapshot = pruneSnapshot(state.scheduler.snapshot(), state.plan, state.nodes);
  const waiting = [...state.running].map((nodeId): WaitingNode => {
    const until = state.deadlines.get(nodeId);
    return until === undefined ? { nodeId } : { nodeId, until };
  });
  const unused = [...state.approvals.values()].filter((a) => {
    const node = state.plan.graph.indexOf.get(a.nodeId);
    return node !== undefined && !isFinishedNodeStatus(snapshot.statuses[node]);
  });
  const next: DagRunInput = {
    ...input, version, snapshot, pausedByUser: state.pausedByUser, rerunOf: undefined,
    waiting: waiting.length > 0 ? waiting : undefined, approvals: unused.length > 0 ? unused : undefined,
  };
  return continueAsNew<(input: DagRunInput) => Promise<unknown>>(next);
}
