// The two designs bench:slot-designs measures, as the run's workflow would use them. Bench-only.
//  - viaSlotTable: the attempt's activity takes a slot in Postgres and frees it (Conveyor's design).
//  - viaSemaphore: the run signals a long-lived semaphore workflow per scope and waits for its
//    `granted` signal, then signals `release` (Temporal's mutex-sample pattern; updates cannot
//    carry the wait: Temporal caps in-flight updates per workflow at 10).
import { condition, defineSignal, getExternalWorkflowHandle, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type * as activities from './activities.js';

export const acquireSignal = defineSignal<[{ holder: string; priority: number }]>('acquire');
export const releaseSignal = defineSignal<[string]>('release');
export const grantedSignal = defineSignal('granted');
export const stopSignal = defineSignal('stop');

const { slotPair } = proxyActivities<ReturnType<typeof activities.createSlotActivities>>({ startToCloseTimeout: '10 minutes' });

export async function viaSlotTable(scope: string, limit: number): Promise<void> {
  await slotPair(workflowInfo().workflowId, scope, limit);
}

export async function viaSemaphore(semaphoreId: string): Promise<void> {
  let granted = false;
  setHandler(grantedSignal, () => void (granted = true));
  const semaphore = getExternalWorkflowHandle(semaphoreId);
  await semaphore.signal(acquireSignal, { holder: workflowInfo().workflowId, priority: 3 });
  await condition(() => granted);
  await semaphore.signal(releaseSignal, workflowInfo().workflowId);
}

export async function semaphore(limit: number): Promise<void> {
  const holders = new Set<string>();
  const waiting: Array<{ holder: string; priority: number; order: number }> = [];
  let arrivals = 0;
  let stopped = false;
  const grants: Promise<void>[] = [];
  const grant = () => {
    waiting.sort((a, b) => a.priority - b.priority || a.order - b.order);
    while (holders.size < limit && waiting.length > 0) {
      const next = waiting.shift()!.holder;
      holders.add(next);
      grants.push(getExternalWorkflowHandle(next).signal(grantedSignal));
    }
  };
  setHandler(acquireSignal, ({ holder, priority }) => {
    waiting.push({ holder, priority, order: arrivals++ });
    grant();
  });
  setHandler(releaseSignal, (holder) => {
    holders.delete(holder);
    grant();
  });
  setHandler(stopSignal, () => void (stopped = true));
  await condition(() => stopped);
  await Promise.allSettled(grants);
}
