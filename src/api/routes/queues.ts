import { Router } from 'express';
import { queueSummaries } from '../../services/queues.js';
import type { ApiDeps } from '../deps.js';

/** GET /api/queues: every limited task and workflow, with its limits, and per key in use: running, queued, oldest queued age. */
export function queueRoutes(deps: Pick<ApiDeps, 'db' | 'registry'>): Router {
  const router = Router();
  router.get('/api/queues', async (_req, res) => {
    res.json({ queues: await queueSummaries(deps) });
  });
  return router;
}
