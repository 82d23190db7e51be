import { Router } from 'express';
import { listLiveWorkers } from '../../db/workers.repository.js';
import type { WorkerRow } from '../../db/schema.js';
import type { ApiDeps } from '../deps.js';

export function workerView(worker: WorkerRow) {
  return {
    id: worker.id,
    host: worker.host,
    pid: worker.pid,
    taskQueue: worker.task_queue,
    tasks: worker.tasks,
    workflowTypes: worker.workflow_types,
    startedAt: worker.started_at.toISOString(),
    lastSeenAt: worker.last_seen_at.toISOString(),
    inFlight: worker.in_flight,
  };
}

/** GET /api/workers: the live workers (every task queue), oldest first. */
export function workerRoutes({ db }: Pick<ApiDeps, 'db'>): Router {
  const router = Router();
  router.get('/api/workers', async (_req, res) => {
    res.json({ workers: (await listLiveWorkers(db)).map(workerView) });
  });
  return router;
}
