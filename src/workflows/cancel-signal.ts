// The `cancel` signal of taskRun and dagRun, and its reason: the first reason a run
// receives wins; a blank or missing one becomes 'cancelled by signal'.
import { defineSignal, setHandler } from '@temporalio/workflow';
import { CANCEL_SIGNAL, type CancelSignalInput } from '../runs/contract.js';

export const cancelSignal = defineSignal<[CancelSignalInput?]>(CANCEL_SIGNAL);

/** The reason recorded when a run is cancelled with `temporal workflow cancel` (no signal, no reason). */
export const CANCEL_REQUEST_REASON = 'cancelled by a Temporal cancel request';

export function cancelReasonFrom(input: CancelSignalInput | undefined): string {
  return input?.reason?.trim() || 'cancelled by signal';
}

export interface CancelRequest {
  /** The first signal's reason; undefined while no cancel signal has arrived. */
  readonly reason: string | undefined;
}

/**
 * Installs the `cancel` signal handler (replacing any earlier one): `onCancel` runs on every
 * signal with the first reason received. Read `.reason` of the result to know whether one came.
 */
export function onCancelSignal(onCancel: (reason: string) => void): CancelRequest {
  let first: string | undefined;
  setHandler(cancelSignal, (input) => {
    first ??= cancelReasonFrom(input);
    onCancel(first);
  });
  return {
    get reason() {
      return first;
    },
  };
}
