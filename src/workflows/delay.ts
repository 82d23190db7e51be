// Delayed runs (task and DAG): a durable timer until `runAt`, which the `reschedule`
// signal moves while the run still waits. Cancelling the scope ends the wait.
import { CancellationScope, condition, defineSignal, setHandler } from '@temporalio/workflow';
import type { RescheduleSignalInput } from '../runs/contract.js';

export const rescheduleSignal = defineSignal<[RescheduleSignalInput]>('reschedule');

export async function waitUntilDue(initialRunAt: number, scope: CancellationScope): Promise<void> {
  let runAt = initialRunAt;
  let moved = false;
  setHandler(rescheduleSignal, ({ runAt: next }) => {
    const at = Date.parse(next);
    if (Number.isFinite(at)) {
      runAt = at;
      moved = true;
    }
  });
  while (Date.now() < runAt) {
    moved = false;
    await scope.run(() => condition(() => moved, runAt - Date.now()));
  }
}
