import { randomUUID } from 'node:crypto';
import express, { type Express } from 'express';
import type { ApiDeps } from './deps.js';
import { ApiError, errorMiddleware, unknownRoute } from './errors.js';
import { healthRoutes } from './routes/health.js';
import { runRoutes } from './routes/runs.js';
import { taskRoutes } from './routes/tasks.js';

/** The Express app, wired to its dependencies; no listening here (see server.ts). */
export function createApp(deps: ApiDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use((_req, res, next) => {
    res.setHeader('x-request-id', randomUUID());
    next();
  });
  app.use((req, _res, next) => {
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    if (req.method === 'POST' && hasBody && !req.is('application/json')) {
      throw new ApiError(415, 'unsupported_media_type', 'request bodies must be application/json');
    }
    next();
  });
  app.use(express.json({ limit: '1mb', strict: false }));
  app.use(healthRoutes(deps));
  app.use(taskRoutes(deps));
  app.use(runRoutes(deps));
  app.use(unknownRoute);
  app.use(errorMiddleware(deps.logger));
  return app;
}
