import { randomUUID } from 'node:crypto';
import express, { type Express } from 'express';
import { createAuth } from './auth.js';
import { createAdmission } from './admission.js';
import type { ApiDeps } from './deps.js';
import { ApiError } from '../services/errors.js';
import { errorMiddleware, unknownRoute } from './errors.js';
import { metricsMiddleware, metricsRoute } from './metrics.js';
import { openApiDocument } from './openapi.js';
import { healthRoutes } from './routes/health.js';
import { keyRoutes } from './routes/keys.js';
import { runRoutes } from './routes/runs.js';
import { runEventsRoutes } from './routes/run-events.js';
import { sessionRoutes } from './routes/session.js';
import { scheduleRoutes } from './routes/schedules.js';
import { taskRoutes } from './routes/tasks.js';
import { webhookRoutes } from './routes/webhooks.js';
import { workerRoutes } from './routes/workers.js';
import { queueRoutes } from './routes/queues.js';
import { workflowRoutes } from './routes/workflows.js';
import { dagRunRoutes } from './routes/dag-runs.js';
import { keepRawBody } from './signature.js';
import { dashboardRoutes } from '../dashboard/serve.js';
import { refuseUnstorableText } from './storable-request.js';

/** The Express app, wired to its dependencies; no listening here (see server.ts). */
export function createApp(deps: ApiDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use((_req, res, next) => {
    res.setHeader('x-request-id', randomUUID());
    next();
  });
  app.use(metricsMiddleware);
  app.get('/metrics', metricsRoute(deps));
  app.use((req, _res, next) => {
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    if (['POST', 'PUT', 'PATCH'].includes(req.method) && hasBody && !req.is('application/json')) {
      throw new ApiError(415, 'unsupported_media_type', 'request bodies must be application/json');
    }
    next();
  });
  // The dashboard's shell and static files hold no data: served without a key (its /api calls carry one).
  app.use(dashboardRoutes());
  // Before the body parser: an unauthenticated request is refused without reading its body.
  const auth = createAuth(deps);
  app.use(auth.middleware);
  app.get('/api/openapi.json', (_req, res) => void res.json(openApiDocument(deps)));
  app.use(express.json({ limit: deps.bodyLimit ?? '1mb', strict: false, verify: keepRawBody }));
  // Text Postgres cannot store is a 400 naming the field, before any route can store it.
  app.use(refuseUnstorableText);
  app.use(healthRoutes(deps));
  // One limit on triggers in flight for every route that starts runs.
  const admit = createAdmission(deps.maxPendingTriggers);
  app.use(taskRoutes(deps, admit));
  app.use(sessionRoutes(deps, auth));
  app.use(runEventsRoutes(deps));
  app.use(runRoutes(deps));
  app.use(workerRoutes(deps));
  app.use(queueRoutes(deps));
  app.use(webhookRoutes(deps, admit));
  app.use(scheduleRoutes(deps));
  app.use(workflowRoutes(deps));
  app.use(dagRunRoutes(deps, admit));
  app.use(keyRoutes(deps));
  app.use(unknownRoute);
  app.use(errorMiddleware(deps.logger));
  return app;
}
