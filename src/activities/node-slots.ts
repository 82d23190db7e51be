// A DAG node's concurrency slots: its own limit (across every run of its workflow) and its
// task's (shared with the task's runs). Always taken in that order, so two nodes never wait
// on each other's slot; released in the reverse order.
import type { Context } from '@temporalio/activity';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Logger } from '../logger.js';
import type { Task } from '../tasks/define.js';
import { toConcurrency, type ConcurrencyConfig } from '../tasks/concurrency.js';
import { takeSlot, type HeldSlot } from './concurrency-slot.js';
import { nodeSlotRecorder } from './slot-recorders.js';
import type { LogBuffer } from './log-buffer.js';
import type { SlotWaker } from './slot-waker.js';

export interface NodeSlotsInput {
  db: Kysely<Database>;
  logger: Logger;
  waker: SlotWaker;
  ctx: Context;
  logs: LogBuffer;
  task: Task;
  node: { runId: string; nodeId: string; inputs: unknown; workflow?: string; concurrency?: ConcurrencyConfig };
  heartbeatIntervalMs: number;
}

/** Takes every slot the node needs (none for an unlimited node and task: no query at all). */
export async function takeNodeSlots({ db, logger, waker, ctx, logs, task, node, heartbeatIntervalMs }: NodeSlotsInput): Promise<HeldSlot[]> {
  const limits = [
    ...(node.concurrency && node.workflow
      ? [{ concurrency: toConcurrency(node.concurrency), scope: `${node.workflow}/${node.nodeId}`, holderId: `${node.runId}/${node.nodeId}/node`, what: `node ${node.nodeId}` }]
      : []),
    ...(task.concurrency ? [{ concurrency: task.concurrency, scope: task.slug, holderId: `${node.runId}/${node.nodeId}`, what: `task ${task.slug}` }] : []),
  ];
  const leaseMs = ctx.info.heartbeatTimeoutMs ?? task.heartbeatTimeoutMs;
  const held: HeldSlot[] = [];
  try {
    for (const limit of limits) {
      const holder = { id: limit.holderId, attempt: ctx.info.attempt, scope: limit.scope, inputs: node.inputs };
      // No cancelRun: a node never cancels other runs (cancel-in-progress queues here).
      held.push(await takeSlot({ db, logger, waker, ctx, concurrency: limit.concurrency, holder, recorder: nodeSlotRecorder(logs, limit.what), leaseMs, renewEveryMs: Math.max(heartbeatIntervalMs, leaseMs / 3) }));
    }
    return held;
  } catch (error) {
    await releaseNodeSlots(held);
    throw error;
  }
}

export async function releaseNodeSlots(held: HeldSlot[]): Promise<void> {
  for (const slot of [...held].reverse()) await slot.release();
}
