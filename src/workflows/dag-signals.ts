// The signals a running dagRun takes: approve (a decision for an approval node), pause,
// resume and cancel. Handlers only record what arrived; the run's loop acts on it.
import { defineSignal, setHandler } from '@temporalio/workflow';
import { onCancelSignal, type CancelRequest } from './cancel-signal.js';
import { approveSignal, type ApproveSignalInput } from './dag-nodes.js';

export const pauseSignal = defineSignal('pause');
export const resumeSignal = defineSignal('resume');
export { approveSignal } from './dag-nodes.js';

export type ControlRequest = 'pause' | 'resume' | 'cancel';

export interface DagSignals {
  /** The first decision received per approval node, used or not yet used. */
  approvals: Map<string, ApproveSignalInput>;
  /** Pause/resume/cancel requests in arrival order, not yet handled. */
  control: ControlRequest[];
  cancel: CancelRequest;
}

const isDecision = (a: unknown): a is ApproveSignalInput =>
  typeof a === 'object' && a !== null && typeof (a as ApproveSignalInput).nodeId === 'string' && typeof (a as ApproveSignalInput).approved === 'boolean';

/** Installs the handlers. `carried`: decisions a previous execution received but had not used. */
export function listenToDagSignals(carried: ApproveSignalInput[] = []): DagSignals {
  const approvals = new Map(carried.map((a) => [a.nodeId, a]));
  const control: ControlRequest[] = [];
  // A malformed decision (e.g. `temporal workflow signal` without input) is ignored: a throwing handler would fail the workflow task forever.
  setHandler(approveSignal, (a) => void (isDecision(a) && !approvals.has(a.nodeId) && approvals.set(a.nodeId, a)));
  setHandler(pauseSignal, () => void control.push('pause'));
  setHandler(resumeSignal, () => void control.push('resume'));
  const cancel = onCancelSignal(() => void control.push('cancel'));
  return { approvals, control, cancel };
}
