import { Router } from 'express';
import { z } from 'zod';
import { isTerminal } from '../../runs/states.js';
import type { Task } from '../../tasks/define.js';
import type { Admit } from '../admission.js';
import type { ApiDeps } from '../deps.js';
import { expiresAtFor } from '../../runs/expiry.js';
import { ApiError, notFound } from '../../services/errors.js';
import { batchBody, triggerBody, waitQuery } from '../schemas.js';
import { waitForRunEnd } from '../live/run-end.js';
import { runView, triggerView } from '../serialize.js';
import { checkInputs, triggerRun, type TriggerRequest } from '../../services/trigger.js';
import { parseBody } from '../../services/validate.js';

function inputSchema(task: Task): unknown {
  if (!task.input) return null;
  try {
    return z.toJSONSchema(task.input, { io: 'input', unrepresentable: 'any' });
  } catch {
    return null;
  }
}

/** A task's limits as the dashboard shows them (its run form offers a concurrency key when set). */
function concurrencyView(task: Task) {
  const c = task.concurrency;
  return c ? { limit: c.limit ?? null, perKey: c.perKey ?? null, key: c.keySource ?? null, onLimit: c.onLimit } : null;
}

/** Runs `fn` over `items`, at most `limit` at a time, keeping order. */
async function mapLimited<T, R>(items: T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  }));
  return results;
}

export function taskRoutes(deps: ApiDeps, admit: Admit): Router {
  const { registry } = deps;
  const router = Router();
  const taskOf = (slug: string): Task => {
    const task = registry.get(slug);
    if (!task) throw notFound('task', slug);
    return task;
  };

  router.get('/api/tasks', (_req, res) => {
    res.json({
      tasks: registry.list().map((task) => ({
        slug: task.slug, name: task.name, description: task.description ?? null, inputSchema: inputSchema(task), concurrency: concurrencyView(task),
      })),
    });
  });

  router.post('/api/tasks/:slug', async (req, res) => {
    const task = taskOf(req.params.slug);
    const body = parseBody(triggerBody, req.body ?? {});
    const { wait } = parseBody(waitQuery, req.query, 'invalid_query');
    const release = admit(1);
    try {
      const now = Date.now();
      const { run, created } = await triggerRun(deps, {
        task,
        inputs: body.inputs ?? null,
        triggeredBy: body.triggeredBy ?? 'api',
        idempotencyKey: body.idempotencyKey,
        tags: body.tags,
        priority: body.priority,
        concurrencyKey: body.concurrencyKey,
        runAt: body.delay && body.delay.getTime() > now ? body.delay : undefined,
        expiresAt: body.ttl ? expiresAtFor(body.ttl, body.delay, now) : undefined,
      });
      if (wait) {
        // ?wait=30s: answer with the finished run if it ends in time (a caller gone stops the wait).
        const gone = new AbortController();
        res.once('close', () => gone.abort());
        const latest = await waitForRunEnd(deps, run.id, wait, gone.signal);
        if (latest && isTerminal(latest.status)) return void res.status(200).json(runView(latest));
      }
      res.status(created ? 202 : 200).json(triggerView(deps, run));
    } finally {
      release();
    }
  });

  router.post('/api/tasks/:slug/batch', async (req, res) => {
    const task = taskOf(req.params.slug);
    const { items } = parseBody(batchBody, req.body ?? {});
    // Every item is checked before any run starts: one bad item starts nothing.
    const bad = items.flatMap((item, index) => {
      try {
        checkInputs(task, item.inputs ?? null, `items.${index}.inputs`);
        return [];
      } catch (error) {
        return [{ index, ...(error instanceof ApiError ? { message: error.message, details: error.details } : { message: String(error) }) }];
      }
    });
    if (bad.length) throw new ApiError(400, 'invalid_items', `${bad.length} item(s) invalid; no run started`, bad);
    const release = admit(items.length);
    try {
      const requests: TriggerRequest[] = items.map((item) => ({
        task, inputs: item.inputs ?? null, triggeredBy: 'api', idempotencyKey: item.idempotencyKey, tags: item.tags, priority: item.priority, concurrencyKey: item.concurrencyKey,
      }));
      const results = await mapLimited(requests, 32, (request) =>
        triggerRun(deps, request).then(
          ({ run, created }) => ({ ...triggerView(deps, run), created }),
          (error: unknown) => {
            if (!(error instanceof ApiError)) deps.logger.error({ err: error }, 'batch item failed');
            return { error: error instanceof ApiError ? { code: error.code, message: error.message } : { code: 'internal', message: 'internal error' }, status: error instanceof ApiError ? error.status : 500 };
          },
        ),
      );
      const failures = results.flatMap((r) => ('error' in r ? [r.status] : []));
      // Runs that started are reported even when others could not be: nothing is lost silently.
      // All failed: an outage if any item met one, else the items' own (client) error.
      const allFailed = failures.length === results.length ? (failures.some((status) => status >= 500) ? 503 : 400) : undefined;
      res.status(failures.length === 0 ? 202 : (allFailed ?? 207)).json({ runs: results.map((r) => ('error' in r ? { error: r.error } : r)), started: results.length - failures.length, failed: failures.length });
    } finally {
      release();
    }
  });
  return router;
}
