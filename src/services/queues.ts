// Concurrency queues in use: per limited task and per key, how many attempts hold a slot, how
// many wait, and the oldest wait; the same per limited workflow (whole DAG runs, scope
// `workflow:<slug>`) and per DAG node with its own limit (scope `<workflow>/<node id>`).
// GET /api/queues and the Prometheus gauges both read this.
import { queueUsage, type QueueUsage } from '../db/slots.repository.js';
import { limitedWorkflows } from '../db/workflows.repository.js';
import { workflowScope, type ConcurrencyConfig } from '../tasks/concurrency.js';
import type { ServiceDeps } from './deps.js';

export interface QueueCounts {
  running: number;
  queued: number;
  oldestQueuedMs: number | null;
}

export interface QueueSummary extends QueueCounts {
  /** The slot scope: the task slug, `workflow:<slug>` for a workflow's own limit, `<workflow>/<node id>` for a node's. */
  task: string;
  kind: 'task' | 'workflow' | 'node';
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

/** Every limited task, workflow and DAG node (a workflow's active version's limits), with its keys in use (two queries). */
export async function queueSummaries({ db, registry }: Pick<ServiceDeps, 'db' | 'registry'>): Promise<QueueSummary[]> {
  const [usage, workflows] = await Promise.all([queueUsage(db), limitedWorkflows(db)]);
  const now = Date.now();
  const summary = (scope: string, kind: QueueSummary['kind'], config: Pick<ConcurrencyConfig, 'limit' | 'perKey'> | undefined, keySource?: string): QueueSummary => {
    const mine = usage.filter((u) => u.scope === scope);
    return {
      task: scope,
      kind,
      limit: config?.limit ?? null,
      perKey: config?.perKey ?? null,
      key: keySource ?? null,
      ...counts(mine, now),
      keys: mine.map((u) => ({ key: u.key, ...counts([u], now) })),
    };
  };
  const tasks = registry
    .list()
    .filter((task) => task.concurrency)
    .map((task) => summary(task.slug, 'task', task.concurrency, task.concurrency?.keySource));
  const active = workflows.flatMap(({ slug, concurrency, nodes }) => {
    const own = concurrency ? [summary(workflowScope(slug), 'workflow', concurrency as ConcurrencyConfig, (concurrency as ConcurrencyConfig).key)] : [];
    const perNode = nodes.map((node) => summary(`${slug}/${node.id}`, 'node', node.concurrency as ConcurrencyConfig, (node.concurrency as ConcurrencyConfig).key));
    return [...own, ...perNode];
  });
  // Runs of a version no longer active (or of a workflow deactivated) may still hold or wait for slots.
  const shown = new Set([...tasks, ...active].map((q) => q.task));
  const leftover = [...new Set(usage.map((u) => u.scope))]
    .filter((scope) => !shown.has(scope) && (scope.startsWith(workflowScope('')) || scope.includes('/')))
    .map((scope) => summary(scope, scope.startsWith(workflowScope('')) ? 'workflow' : 'node', undefined));
  return [...tasks, ...active, ...leftover];
}
