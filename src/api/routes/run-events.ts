// GET /api/runs/events: every run event (new runs, status and attempt changes) as SSE, fanned
// out from the API process's one LISTEN connection; no query per client.
import { Router } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { openSse } from '../live/sse.js';
import { ApiError } from '../../services/errors.js';
import { parseBody } from '../../services/validate.js';
import { RUN_ID } from '../schemas.js';

export const runEventsQuery = z.strictObject({ id: z.string().regex(RUN_ID, 'id must be a run id').optional() });

export function runEventsRoutes(deps: Pick<ApiDeps, 'live'>): Router {
  const router = Router();
  router.get('/api/runs/events', async (req, res) => {
    const { id } = parseBody(runEventsQuery, req.query, 'invalid_query');
    if (!deps.live) throw new ApiError(503, 'live_unavailable', 'this API process has no live updates');
    const stream = openSse(res);
    // `run`: the conveyor_run_events payload (RunEvent); `resync`: events may have been missed, re-read the list;
    // `slots` (all runs only): a concurrency slot of `scope` was freed, so the queues changed.
    const unsubscribe = deps.live.subscribeRunEvents({
      event: (event) => (id === undefined || event.id === id) && stream.send('run', event),
      resync: () => stream.send('resync', {}),
      closed: () => stream.end(),
      ...(id === undefined ? { slots: (scope: string) => stream.send('slots', { scope }) } : {}),
    });
    void stream.gone.then(unsubscribe);
    // `ready`: every event from here on is delivered (listening: false = the hub is reconnecting; a `resync` follows).
    const listening = await deps.live.ready();
    stream.send('ready', { listening });
  });
  return router;
}
