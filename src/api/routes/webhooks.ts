import { randomBytes } from 'node:crypto';
import { Router, type Request } from 'express';
import { z } from 'zod';
import { deleteWebhook, findWebhook, insertWebhook, listWebhooks } from '../../db/webhooks.repository.js';
import type { Admit } from '../admission.js';
import type { ApiDeps } from '../deps.js';
import { notFound } from '../../services/errors.js';
import { concurrencyKey, priorityParam } from '../schemas.js';
import { SIGNATURE_HEADER, verifySignature, type RawBodyRequest } from '../signature.js';
import { triggerRun } from '../../services/trigger.js';
import { triggerView } from '../serialize.js';
import { executeWorkflow } from '../../services/execute-workflow.js';
import { findDefinition } from '../../db/workflows.repository.js';
import { parseBody } from '../../services/validate.js';

export const webhookBody = z.strictObject({
  // Exactly one target: a task, or a DAG workflow (its active version at delivery time).
  task: z.string().min(1).optional(),
  workflow: z.string().min(1).optional(),
  // A short secret would make the HMAC guessable; generated ones are 32 random bytes.
  secret: z.string().min(16).max(1024).optional(),
});

/** A delivery may set its run's priority and (for a task) concurrency key: `/hooks/:id?priority=high&concurrencyKey=…`. */
export const deliveryQuery = z.strictObject({ priority: priorityParam.optional(), concurrencyKey: concurrencyKey.optional() });

export function webhookRoutes(deps: ApiDeps, admit: Admit): Router {
  const { db, registry } = deps;
  const router = Router();
  const hookUrl = (id: string) => `${deps.publicUrl?.replace(/\/$/, '') ?? ''}/hooks/${encodeURIComponent(id)}`;
  const view = (hook: { id: string; task: string; target: 'task' | 'workflow'; created_at: Date }) => ({
    id: hook.id, [hook.target]: hook.task, url: hookUrl(hook.id), createdAt: hook.created_at.toISOString(),
  });

  router.post('/api/webhooks', async (req, res) => {
    const body = parseBody(webhookBody.refine((b) => (b.task === undefined) !== (b.workflow === undefined), 'give exactly one of task and workflow'), req.body ?? {});
    if (body.task !== undefined && !registry.get(body.task)) throw notFound('task', body.task);
    if (body.workflow !== undefined && !(await findDefinition(db, body.workflow))) throw notFound('workflow', body.workflow);
    const secret = body.secret ?? randomBytes(32).toString('hex');
    const target = body.workflow !== undefined ? 'workflow' : 'task';
    const hook = await insertWebhook(db, { id: `wh_${randomBytes(12).toString('hex')}`, task: (body.workflow ?? body.task)!, target, secret });
    // The only answer that ever carries the secret.
    res.status(201).json({ ...view(hook), secret });
  });

  router.get('/api/webhooks', async (_req, res) => {
    res.json({ webhooks: (await listWebhooks(db)).map(view) });
  });

  router.delete('/api/webhooks/:id', async (req, res) => {
    if (!(await deleteWebhook(db, req.params.id))) throw notFound('webhook', req.params.id);
    res.status(204).end();
  });

  // Authenticated by the HMAC signature, not by an API key (auth.ts exempts it).
  router.post('/hooks/:id', async (req: Request<{ id: string }>, res) => {
    const hook = await findWebhook(db, req.params.id);
    if (!hook) throw notFound('webhook', req.params.id);
    verifySignature(req.get(SIGNATURE_HEADER), hook.secret, (req as RawBodyRequest).rawBody ?? Buffer.alloc(0));
    const { priority, concurrencyKey: key } = parseBody(deliveryQuery, req.query, 'invalid_query');
    const task = hook.target === 'task' ? registry.get(hook.task) : undefined;
    if (hook.target === 'task' && !task) throw notFound('task', hook.task);
    const release = admit(1);
    try {
      const { run } = task
        ? await triggerRun(deps, { task, inputs: req.body ?? null, triggeredBy: 'webhook', priority, concurrencyKey: key })
        : await executeWorkflow(deps, { slug: hook.task, inputs: req.body ?? null, triggeredBy: 'webhook', priority, concurrencyKey: key });
      res.status(202).json(triggerView(deps, run));
    } finally {
      release();
    }
  });
  return router;
}
