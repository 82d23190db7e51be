import { Router } from 'express';
import { z } from 'zod';
import { listLogs } from '../../db/logs.repository.js';
import { findRun } from '../../db/runs.repository.js';
import type { ApiDeps } from '../deps.js';
import { notFound } from '../errors.js';
import { logView, runView } from '../serialize.js';
import { parseBody } from '../validate.js';

const logsQuery = z.strictObject({
  after: z.string().regex(/^\d{1,18}$/, 'after must be a log seq (a non-negative integer)').optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(500),
});

export function runRoutes({ db }: ApiDeps): Router {
  const router = Router();

  router.get('/api/runs/:id', async (req, res) => {
    const run = await findRun(db, req.params.id);
    if (!run) throw notFound('run', req.params.id);
    res.json(runView(run));
  });

  router.get('/api/runs/:id/logs', async (req, res) => {
    const query = parseBody(logsQuery, req.query, 'invalid_query');
    const run = await findRun(db, req.params.id);
    if (!run) throw notFound('run', req.params.id);
    const lines = await listLogs(db, run.id, query.after, query.limit);
    res.json({ lines: lines.map(logView), nextAfter: lines.length ? Number(lines[lines.length - 1].seq) : (query.after ? Number(query.after) : null) });
  });
  return router;
}
