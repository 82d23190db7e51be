// What a dagRun execution starts from: a trigger's request, or (continue-as-new) the state
// the previous execution carried over. Plain types: imported by the API's services too.
import type { SchedulerSnapshot } from '../dag/scheduler-types.js';
import type { RunRowExtras } from '../runs/contract.js';
import type { TriggerSource } from '../runs/states.js';
import type { ApproveSignalInput } from './dag-nodes.js';

/** A control node (approval, sleep) still waiting when the execution continued as new. */
export interface WaitingNode {
  nodeId: string;
  /** Epoch ms: a sleep's wake time, an approval's timeout. Absent: an approval without timeout. */
  until?: number;
}

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
  /** Carried across continue-as-new: approval and sleep nodes that still wait, resumed with their deadlines. */
  waiting?: WaitingNode[];
  /** Carried across continue-as-new: `approve` signals received for nodes that have not used them yet. */
  approvals?: ApproveSignalInput[];
  /** 1 first … 5 last (default 3): the order queued runs of a limited workflow take a freed slot. */
  priority?: number;
  /** Overrides the key expression of the workflow's `concurrency`. */
  concurrencyKey?: string;
  /** What the API's row holds beyond the above, so a row lost to an unknown start outcome comes back whole. */
  row?: RunRowExtras;
}
