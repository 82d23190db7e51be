import { Router } from 'express';
import { queueUsage, type QueueUsage } from '../../db/slots.repository.js';
import type { ApiDeps } from '../deps.js';

const counts = (usage: QueueUsage[], now: number) => {
  const oldest = Math.min(...usage.map((u) => u.oldestQueuedAt?.getTime() ?? Infinity));
  return {
    running: usage.reduce((n, u) => n + u.running, 0),
    queued: usage.reduce((n, u) => n + u.queued, 0),
    oldestQueuedMs: Number.isFinite(oldest) ? Math.max(0, now - oldest) : null,
  };
};

/** GET /api/queues: every limited task, with its limits, and per key in use: running, queued, oldest queued age. */
export function queueRoutes({ db, registry }: Pick<ApiDeps, 'db' | 'registry'>): Router {
  const router = Router();
  router.get('/api/queues', async (_req, res) => {
    const usage = await queueUsage(db);
    const now = Date.now();
    const queues = registry
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
    res.json({ queues });
  });
  return router;
}
