// Prometheus metrics of the API process (GET /metrics). The worker exposes the
// Temporal SDK's own metrics on its port (CONVEYOR_WORKER_METRICS_ADDRESS).
import type { RequestHandler } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { queueSummaries } from '../services/queues.js';
import type { ServiceDeps } from '../services/deps.js';

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

// Concurrency queues, per limited task (or workflow: label task = `workflow:<slug>`) and key in use (the same numbers as GET /api/queues).
const queueGauge = (name: string, help: string) => new Gauge({ name, help, labelNames: ['task', 'key'] as const, registers: [metricsRegistry] });
const queueGauges = {
  running: queueGauge('conveyor_queue_running', 'Attempts holding a concurrency slot'),
  queued: queueGauge('conveyor_queue_queued', 'Runs waiting for a concurrency slot'),
  oldestQueued: queueGauge('conveyor_queue_oldest_queued_seconds', 'Age of the oldest run waiting for a slot'),
};
const queueLimit = new Gauge({ name: 'conveyor_queue_limit', help: 'A limited task\'s, workflow\'s or node\'s limit (limit, or perKey per key)', labelNames: ['task', 'kind'] as const, registers: [metricsRegistry] });

/** Reads the queues once per scrape (two queries: slots in use, limited workflows): no polling in between. */
async function refreshQueueGauges(deps: Pick<ServiceDeps, 'db' | 'registry'>): Promise<void> {
  const queues = await queueSummaries(deps);
  for (const gauge of [...Object.values(queueGauges), queueLimit]) gauge.reset();
  for (const q of queues) {
    if (q.limit !== null) queueLimit.set({ task: q.task, kind: 'limit' }, q.limit);
    if (q.perKey !== null) queueLimit.set({ task: q.task, kind: 'perKey' }, q.perKey);
    for (const k of q.keys) {
      const labels = { task: q.task, key: k.key };
      queueGauges.running.set(labels, k.running);
      queueGauges.queued.set(labels, k.queued);
      queueGauges.oldestQueued.set(labels, (k.oldestQueuedMs ?? 0) / 1000);
    }
  }
}

export function metricsRoute(deps: Pick<ServiceDeps, 'db' | 'registry'>): RequestHandler {
  return async (_req, res) => {
    // A database outage must not cost Prometheus every other metric: the queue gauges go empty.
    await refreshQueueGauges(deps).catch(() => [...Object.values(queueGauges), queueLimit].forEach((gauge) => gauge.reset()));
    res.set('content-type', metricsRegistry.contentType).send(await metricsRegistry.metrics());
  };
}
