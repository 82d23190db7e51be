// A workflow's own `concurrency`: a whole DAG run takes one slot (scope `workflow:<slug>`)
// before its first node and keeps it until its row closes, whatever closes it (a trigger
// frees it then: migration 0013). This activity only waits for the slot and takes it; while
// it waits the run's row is `queued`. Its lease is renewed while it waits (a dead worker's
// place in line lapses) and never runs out once granted: a DAG run is not one attempt, and
// can hold its slot for days (an approval wait, a pause, continue-as-new).
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { acquireRunSlot, RunClosedError } from '../db/slots.repository.js';
import type { RunError } from '../db/schema.js';
import { toConcurrency, workflowScope, type ConcurrencyConfig } from '../tasks/concurrency.js';
import { takeSlot, type SlotRecorder } from './concurrency-slot.js';
import type { ActivityDeps } from './deps.js';
import { timerSlotWaker } from './slot-waker.js';
import { startHeartbeats } from './task-attempt.js';

export interface TakeDagRunSlotInput {
  runId: string;
  workflow: string;
  /** The pinned definition's `concurrency`. */
  concurrency: ConcurrencyConfig;
  inputs: unknown;
  priority?: number;
  concurrencyKey?: string;
  /** ISO time: a run still waiting for its slot then ends `expired`. */
  expiresAt?: string;
}

/** Granted, or the run ends without running (`cancel-newest`, or its ttl passed in line): the workflow records it. */
export type DagRunSlotResult = { granted: true } | { granted: false; status: 'cancelled' | 'expired'; error: RunError };

/** Used when the activity is started without a heartbeat timeout (never by dagRun). */
const DEFAULT_LEASE_MS = 30_000;

export function createDagRunSlotActivities({ db, logger, heartbeatIntervalMs, slotWaker = timerSlotWaker, cancelRun }: ActivityDeps) {
  return {
    async takeDagRunSlot(input: TakeDagRunSlotInput): Promise<DagRunSlotResult> {
      const ctx = Context.current();
      const heartbeats = startHeartbeats(ctx, heartbeatIntervalMs);
      let ended: { status: 'cancelled' | 'expired'; error: RunError } | undefined;
      // The acquisition itself marks the row queued/running (same round trip); the workflow writes how it ends.
      const recorder: SlotRecorder = {
        queued: () => Promise.resolve(),
        ended: (status, error) => Promise.resolve(void (ended = { status, error })),
      };
      const leaseMs = ctx.info.heartbeatTimeoutMs ?? DEFAULT_LEASE_MS;
      const holder = {
        id: input.runId, attempt: 1, scope: workflowScope(input.workflow), inputs: input.inputs,
        priority: input.priority, concurrencyKey: input.concurrencyKey, expiresAt: input.expiresAt,
      };
      try {
        const slot = await takeSlot({
          db, logger, waker: slotWaker, ctx, concurrency: toConcurrency(input.concurrency), holder, recorder,
          leaseMs, renewEveryMs: Math.max(heartbeatIntervalMs, leaseMs / 3), cancelRun, acquire: acquireRunSlot,
        });
        slot.keep();
        return { granted: true };
      } catch (error) {
        if (ended) return { granted: false, ...ended };
        if (error instanceof RunClosedError) throw ApplicationFailure.nonRetryable(error.message, 'RunAlreadyFinished');
        throw error;
      } finally {
        heartbeats.stop();
      }
    },
  };
}
