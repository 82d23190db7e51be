// Prometheus metrics of the API process (GET /metrics). The worker exposes the
// Temporal SDK's own metrics on its port (CONVEYOR_WORKER_METRICS_ADDRESS).
import type { RequestHandler } from 'express';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry, prefix: 'conveyor_api_' });

const requests = new Counter({
  name: 'conveyor_http_requests_total',
  help: 'HTTP requests by method, route pattern and status',
  labelNames: ['method', 'route', 'status'] as const,
  registers: [metricsRegistry],
});
const durations = new Histogram({
  name: 'conveyor_http_request_duration_seconds',
  help: 'HTTP request duration by route pattern',
  labelNames: ['method', 'route'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
  registers: [metricsRegistry],
});
export const runsTriggered = new Counter({
  name: 'conveyor_runs_triggered_total',
  help: 'Runs started, by trigger source',
  labelNames: ['source'] as const,
  registers: [metricsRegistry],
});

/** Counts every request under its route pattern (never the raw path: ids would explode the label set). */
export const metricsMiddleware: RequestHandler = (req, res, next) => {
  const stop = process.hrtime.bigint();
  res.on('finish', () => {
    const route = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
    requests.inc({ method: req.method, route, status: String(res.statusCode) });
    durations.observe({ method: req.method, route }, Number(process.hrtime.bigint() - stop) / 1e9);
  });
  next();
};

export const metricsRoute: RequestHandler = async (_req, res) => {
  res.set('content-type', metricsRegistry.contentType).send(await metricsRegistry.metrics());
};
