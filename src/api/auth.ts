// API keys: `Authorization: Bearer cvk_…`. Enforced once any key exists (or always in
// production), so a fresh local install works without ceremony and a deployed one never
// runs open by accident.
import type { Request, RequestHandler } from 'express';
import type { Kysely } from 'kysely';
import { anyApiKeyExists, findApiKeyByHash, hashApiKey, storeFirstApiKey, touchApiKey } from '../db/api-keys.repository.js';
import type { Database } from '../db/schema.js';
import { isConnectionError } from '../db/retry.js';
import type { ApiDeps } from './deps.js';
import { ApiError } from '../services/errors.js';

export const CREATE_KEY_HINT = 'npm run keys:create -- --name <name>';

/** Paths that answer without a key: probes and metrics for the platform, webhooks (signed instead). */
export function isExempt(req: Pick<Request, 'method' | 'path'>): boolean {
  if (req.method === 'GET' || req.method === 'HEAD') return ['/health', '/ready', '/metrics'].includes(req.path);
  return req.method === 'POST' && /^\/hooks\/[^/]+\/?$/.test(req.path);
}

export const BOOTSTRAP_KEY_NAME = 'bootstrap';

/**
 * `CONVEYOR_BOOTSTRAP_API_KEY`: a deployment's first key without a manual step. Stored (hashed)
 * only while no key exists, so replicas starting together store it once and a revoked one stays revoked.
 */
export async function storeBootstrapApiKey(db: Kysely<Database>, key: string | undefined, logger: Pick<ApiDeps['logger'], 'info'>): Promise<void> {
  if (key === undefined) return;
  const stored = await storeFirstApiKey(db, BOOTSTRAP_KEY_NAME, key);
  if (stored) logger.info({ apiKeyId: stored.id, prefix: stored.prefix }, 'stored CONVEYOR_BOOTSTRAP_API_KEY as the first API key');
  else logger.info('API keys exist already: CONVEYOR_BOOTSTRAP_API_KEY left unused');
}

/** Production without any key would serve an open API: refuse to start instead. */
export async function requireApiKeyInProduction(db: Kysely<Database>, production: boolean): Promise<void> {
  if (production && !(await anyApiKeyExists(db))) throw new Error(`NODE_ENV=production requires an API key: ${CREATE_KEY_HINT}, or set CONVEYOR_BOOTSTRAP_API_KEY`);
}

function bearer(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

// One message for a missing and an unknown key: a caller learns nothing about which keys exist.
const unauthorized = () => new ApiError(401, 'unauthorized', `a valid API key is required: Authorization: Bearer <key> (create one with ${CREATE_KEY_HINT})`);
const dbDown = () => new ApiError(503, 'database_unavailable', 'the database is unavailable; the API key could not be checked');

/** Only an unreachable database is an outage (503); any other error stays what it is (500, logged). */
function asOutage(logger: Pick<ApiDeps['logger'], 'warn'>, what: string) {
  return (error: unknown): never => {
    if (!isConnectionError(error)) throw error;
    logger.warn({ err: error }, `${what} failed: database unavailable`);
    throw dbDown();
  };
}

/**
 * Enforced once any key exists, in every API process at once: "keys exist" is remembered
 * (keys are never deleted), "no keys yet" never is, so the first key created anywhere
 * (`npm run keys:create`, another API process) takes effect on the very next request.
 */
export function apiKeyAuth(deps: Pick<ApiDeps, 'db' | 'logger' | 'production'>): RequestHandler {
  const { db, logger } = deps;
  let keysKnownToExist = false;

  const keysExist = async (): Promise<boolean> => {
    if (keysKnownToExist) return true;
    if (await anyApiKeyExists(db).catch(asOutage(logger, 'API key check'))) keysKnownToExist = true;
    return keysKnownToExist;
  };
  const enforced = async () => deps.production === true || (await keysExist());

  return async (req, res, next) => {
    if (isExempt(req)) return next();
    const key = bearer(req.get('authorization'));
    if (key !== undefined) {
      // Looked up on every request, so a key created a moment ago works at once.
      const found = await findApiKeyByHash(db, hashApiKey(key)).catch(asOutage(logger, 'API key lookup'));
      if (found) {
        keysKnownToExist = true;
        touchApiKey(db, found.id).catch((error: unknown) => logger.warn({ err: error, apiKeyId: found.id }, 'could not record API key use'));
        return next();
      }
      if (!(await enforced())) return next();
    } else if (!(await enforced())) {
      return next();
    }
    res.setHeader('WWW-Authenticate', 'Bearer');
    throw unauthorized();
  };
}
