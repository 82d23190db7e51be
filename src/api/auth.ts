// API keys: `Authorization: Bearer cvk_…`. Enforced once any key exists (or always in
// production), so a fresh local install works without ceremony and a deployed one never
// runs open by accident.
import type { Request, RequestHandler } from 'express';
import type { Kysely } from 'kysely';
import { anyApiKeyExists, findApiKeyByHash, hashApiKey, touchApiKey } from '../db/api-keys.repository.js';
import type { Database } from '../db/schema.js';
import type { ApiDeps } from './deps.js';
import { ApiError } from '../services/errors.js';

export const CREATE_KEY_HINT = 'npm run keys:create -- --name <name>';

/** Paths that answer without a key: probes and metrics for the platform, webhooks (signed instead). */
export function isExempt(req: Pick<Request, 'method' | 'path'>): boolean {
  if (req.method === 'GET' || req.method === 'HEAD') return ['/health', '/ready', '/metrics'].includes(req.path);
  return req.method === 'POST' && /^\/hooks\/[^/]+\/?$/.test(req.path);
}

/** Production without any key would serve an open API: refuse to start instead. */
export async function requireApiKeyInProduction(db: Kysely<Database>, production: boolean): Promise<void> {
  if (production && !(await anyApiKeyExists(db))) throw new Error(`NODE_ENV=production requires an API key: ${CREATE_KEY_HINT}`);
}

function bearer(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

// One message for a missing and an unknown key: a caller learns nothing about which keys exist.
const unauthorized = () => new ApiError(401, 'unauthorized', `a valid API key is required: Authorization: Bearer <key> (create one with ${CREATE_KEY_HINT})`);
const dbDown = () => new ApiError(503, 'database_unavailable', 'the database is unavailable; the API key could not be checked');

export interface AuthOptions {
  /** How long "does any key exist?" is remembered; it only decides whether auth is enforced. */
  cacheMs?: number;
}

export function apiKeyAuth(deps: Pick<ApiDeps, 'db' | 'logger' | 'production'>, { cacheMs = 5_000 }: AuthOptions = {}): RequestHandler {
  const { db, logger } = deps;
  let known: { exists: boolean; at: number } | undefined;
  let checking: Promise<boolean> | undefined;

  // Concurrent requests share one query; a failure is not cached (and fails closed: 503).
  const keysExist = async (fresh = false): Promise<boolean> => {
    if (!fresh && known && Date.now() - known.at < cacheMs) return known.exists;
    checking ??= anyApiKeyExists(db)
      .then((exists) => {
        known = { exists, at: Date.now() };
        return exists;
      })
      .finally(() => {
        checking = undefined;
      });
    return checking.catch((error: unknown) => {
      logger.warn({ err: error }, 'API key check failed: database unavailable');
      throw dbDown();
    });
  };
  const enforced = async (fresh = false) => deps.production === true || (await keysExist(fresh));

  return async (req, res, next) => {
    if (isExempt(req)) return next();
    const key = bearer(req.get('authorization'));
    if (key !== undefined) {
      // Looked up on every request, so a key created a moment ago works at once.
      const found = await findApiKeyByHash(db, hashApiKey(key)).catch((error: unknown) => {
        logger.warn({ err: error }, 'API key lookup failed: database unavailable');
        throw dbDown();
      });
      if (found) {
        known = { exists: true, at: Date.now() };
        touchApiKey(db, found.id).catch((error: unknown) => logger.warn({ err: error, apiKeyId: found.id }, 'could not record API key use'));
        return next();
      }
      // An unknown key: check afresh rather than trust a cached "no keys yet".
      if (!(await enforced(true))) return next();
    } else if (!(await enforced())) {
      return next();
    }
    res.setHeader('WWW-Authenticate', 'Bearer');
    throw unauthorized();
  };
}
