import { Router } from 'express';
import { z } from 'zod';
import { createApiKey, listApiKeys, revokeApiKey } from '../../db/api-keys.repository.js';
import type { ApiKey } from '../../db/schema.js';
import type { ApiDeps } from '../deps.js';
import { ApiError } from '../../services/errors.js';
import { parseBody } from '../../services/validate.js';

export const keyCreateBody = z.strictObject({ name: z.string().trim().min(1).max(200) });

const keyView = (key: ApiKey) => ({
  id: key.id,
  name: key.name,
  prefix: key.prefix,
  createdAt: key.created_at.toISOString(),
  lastUsedAt: key.last_used_at?.toISOString() ?? null,
  revokedAt: key.revoked_at?.toISOString() ?? null,
});

/** API keys over HTTP (`conveyor keys …`): create (the key shown once), list without secrets, revoke. */
export function keyRoutes(deps: Pick<ApiDeps, 'db'>): Router {
  const { db } = deps;
  const router = Router();

  router.post('/api/keys', async (req, res) => {
    const { name } = parseBody(keyCreateBody, req.body ?? {});
    const { key, apiKey } = await createApiKey(db, name);
    // The only answer that ever carries the key.
    res.status(201).json({ ...keyView(apiKey), key });
  });

  router.get('/api/keys', async (_req, res) => {
    res.json({ keys: (await listApiKeys(db)).map(keyView) });
  });

  router.post('/api/keys/:id/revoke', async (req, res) => {
    const key = await revokeApiKey(db, req.params.id);
    if (!key) throw new ApiError(404, 'api_key_not_found', `API key ${JSON.stringify(req.params.id)} not found`);
    res.json(keyView(key));
  });

  return router;
}
