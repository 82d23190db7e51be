// What the scheduler hands the interpreter, and the state it can be rebuilt from.
import type { SkipReason } from './skip-reason.js';
import type { NodeStatus } from './types.js';

export type { SkipReason } from './skip-reason.js';

export type RunOutcome = { status: 'complete' } | { status: 'failed'; failedNodes: string[] } | { status: 'cancelled' };

/** What changed with one event. Every list holds node ids. */
export interface Step {
  /** Start these now (they are `running` from here on). */
  start: string[];
  /** These have some inputs and wait for the rest of their join. */
  waiting: string[];
  skipped: { nodeId: string; reason: SkipReason }[];
  /** Failed by the scheduler itself: a `when` that could not be evaluated. */
  failed: { nodeId: string; error: string }[];
  /** Running nodes to cancel (fail_fast, or the run was cancelled); report each with nodeCancelled/Completed/Failed. */
  cancel: string[];
  /** Nodes that had not started and now never will. */
  cancelled: string[];
  /** Set once, when nothing is running and nothing more can start. */
  outcome?: RunOutcome;
}

/**
 * The compact state a run carries across continue-as-new, or that a re-run builds from a
 * previous run's stored outputs (completed nodes upstream of the re-run node, the rest pending).
 */
export interface SchedulerSnapshot {
  /** Per node, in definition order. `running`/`retrying` nodes are still running: the interpreter must resume them. */
  statuses: NodeStatus[];
  /** Outputs of completed nodes, by id. */
  outputs: Record<string, unknown>;
  failedNodes: string[];
  stopped?: 'fail_fast' | 'cancelled';
  paused: boolean;
}

export const emptyStep = (): Step => ({ start: [], waiting: [], skipped: [], failed: [], cancel: [], cancelled: [] });
