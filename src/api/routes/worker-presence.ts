import type { ApiDeps } from '../deps.js';

const CACHE_MS = 2_000;

/**
 * Whether any worker polls the run task queue (Temporal's DescribeTaskQueue pollers), cached
 * for a moment so a busy GET /api/runs/:id does not ask Temporal every time.
 */
export function workerPresence({ client, namespace, taskQueue }: Pick<ApiDeps, 'client' | 'namespace' | 'taskQueue'>): () => Promise<boolean> {
  let cached: { at: number; polling: boolean } | undefined;
  return async () => {
    if (cached && Date.now() - cached.at < CACHE_MS) return cached.polling;
    const polling = await client.workflowService
      .describeTaskQueue({ namespace, taskQueue: { name: taskQueue }, taskQueueType: 1 /* WORKFLOW */ })
      .then((r) => (r.pollers?.length ?? 0) > 0, () => true); // unknown: do not claim no worker
    cached = { at: Date.now(), polling };
    return polling;
  };
}
