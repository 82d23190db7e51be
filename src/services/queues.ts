// Concurrency queues in use: per limited task and per key, how many attempts hold a slot, how
// many wait, and the oldest wait. GET /api/queues and the Prometheus gauges both read this.
import { queueUsage, type QueueUsage } from '../db/slots.repository.js';
import type { ServiceDeps } from './deps.js';

export interface QueueCounts {
  running: number;
  queued: number;
  oldestQueuedMs: number | null;
}

export interface QueueSummary extends QueueCounts {
  task: string;
  limit: number | null;
  perKey: number | null;
  key: string | null;
  keys: Array<QueueCounts & { key: string }>;
}

const counts = (usage: QueueUsage[], now: number): QueueCounts => {
  const oldest = Math.min(...usage.map((u) => u.oldestQueuedAt?.getTime() ?? Infinity));
  return {
    running: usage.reduce((n, u) => n + u.running, 0),
    queued: usage.reduce((n, u) => n + u.queued, 0),
    oldestQueuedMs: Number.isFinite(oldest) ? Math.max(0, now - oldest) : null,
  };
};

/** Every limited task, with its limits and its keys in use (one query). */
export async function queueSummaries({ db, registry }: Pick<ServiceDeps, 'db' | 'registry'>): Promise<QueueSummary[]> {
  const usage = await queueUsage(db);
  const now = Date.now();
  return registry
    .list()
    .filter((task) => task.concurrency)
    .map((task) => {
      const mine = usage.filter((u) => u.scope === task.slug);
      return {
        task: task.slug,
        limit: task.concurrency?.limit ?? null,
        perKey: task.concurrency?.perKey ?? null,
        key: task.concurrency?.keySource ?? null,
        ...counts(mine, now),
        keys: mine.map((u) => ({ key: u.key, ...counts([u], now) })),
      };
    });
}
