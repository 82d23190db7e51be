// Dashboard login: an API key buys a session cookie, so the browser (EventSource included)
// never holds the key in script-readable storage.
import { Router } from 'express';
import { z } from 'zod';
import { findApiKeyByHash, hashApiKey } from '../../db/api-keys.repository.js';
import { createSession, revokeSession } from '../../db/sessions.repository.js';
import type { Auth } from '../auth.js';
import type { ApiDeps } from '../deps.js';
import { clearSessionCookie, readSessionCookie, SESSION_TTL_MS, setSessionCookie } from '../session-cookie.js';
import { ApiError } from '../../services/errors.js';
import { parseBody } from '../../services/validate.js';

export const sessionBody = z.strictObject({ key: z.string().trim().min(1).max(500) });

export function sessionRoutes(deps: Pick<ApiDeps, 'db' | 'publicUrl'>, auth: Auth): Router {
  const { db, publicUrl } = deps;
  const router = Router();

  router.get('/api/session', async (req, res) => {
    const [keysEnforced, by] = await Promise.all([auth.keysEnforced(), auth.identify(req)]);
    res.json({ keysEnforced, authenticated: by !== 'none' });
  });

  router.post('/api/session', async (req, res) => {
    const { key } = parseBody(sessionBody, req.body ?? {});
    const apiKey = await findApiKeyByHash(db, hashApiKey(key));
    if (!apiKey) throw new ApiError(401, 'invalid_key', 'key: not a valid API key (unknown or revoked)');
    const { token, expiresAt } = await createSession(db, apiKey.id, SESSION_TTL_MS);
    setSessionCookie(req, res, token, expiresAt, publicUrl);
    res.status(201).json({ expiresAt: expiresAt.toISOString() });
  });

  router.delete('/api/session', async (req, res) => {
    const token = readSessionCookie(req);
    if (token !== undefined) await revokeSession(db, token);
    clearSessionCookie(req, res, publicUrl);
    res.status(204).end();
  });
  return router;
}
