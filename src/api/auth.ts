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
import { checkOrigin } from './csrf.js';
import { readSessionCookie } from './session-cookie.js';
import { findLiveSession } from '../db/sessions.repository.js';

export const CREATE_KEY_HINT = 'npm run keys:create -- --name <name>';

/**
 * Paths that answer without a key: everything outside /api/ (probes, metrics, the dashboard's
 * pages and assets: its data comes from /api/), webhooks (signed instead), and the session
 * endpoints (login needs no session; logout and "am I logged in?" must work with a dead one).
 */
export function isExempt(req: Pick<Request, 'method' | 'path'>): boolean {
  if (req.path === '/api/session') return true;
  if (req.method === 'POST' && /^\/hooks\/[^/]+\/?$/.test(req.path)) return true;
  return !req.path.startsWith('/api/') && req.path !== '/api';
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

const TOUCH_EVERY_MS = 60_000;

export type AuthenticatedBy = 'bearer' | 'cookie' | 'none';

export interface Auth {
  /** The middleware: Bearer key or session cookie, then the CSRF origin check. */
  middleware: RequestHandler;
  keysEnforced(): Promise<boolean>;
  /** How a request authenticates, if at all ('none': no valid credential). */
  identify(req: Request): Promise<AuthenticatedBy>;
}

/**
 * Enforced once any key exists, in every API process at once: "keys exist" is remembered
 * (keys are never deleted), "no keys yet" never is, so the first key created anywhere
 * (`npm run keys:create`, another API process) takes effect on the very next request.
 * A browser authenticates with the session cookie POST /api/session sets (routes/session.ts).
 */
export function createAuth(deps: Pick<ApiDeps, 'db' | 'logger' | 'production' | 'publicUrl'>): Auth {
  const { db, logger } = deps;
  let keysKnownToExist = false;

  const keysExist = async (): Promise<boolean> => {
    if (keysKnownToExist) return true;
    if (await anyApiKeyExists(db).catch(asOutage(logger, 'API key check'))) keysKnownToExist = true;
    return keysKnownToExist;
  };
  const keysEnforced = async () => deps.production === true || (await keysExist());
  // last_used_at has a minute's precision (touchApiKey): within that, this process asks no more.
  const lastTouched = new Map<string, number>();
  const used = (apiKeyId: string) => {
    keysKnownToExist = true;
    const now = Date.now();
    if (now - (lastTouched.get(apiKeyId) ?? -Infinity) < TOUCH_EVERY_MS) return;
    lastTouched.set(apiKeyId, now);
    touchApiKey(db, apiKeyId).catch((error: unknown) => logger.warn({ err: error, apiKeyId }, 'could not record API key use'));
  };

  /** `undefined` when the request carries no credential of that kind; false when it carries a dead one. */
  const byBearer = async (req: Request): Promise<boolean | undefined> => {
    const key = bearer(req.get('authorization'));
    if (key === undefined) return undefined;
    // Looked up on every request, so a key created a moment ago works at once.
    const found = await findApiKeyByHash(db, hashApiKey(key)).catch(asOutage(logger, 'API key lookup'));
    if (found) used(found.id);
    return found !== undefined;
  };
  const byCookie = async (req: Request): Promise<boolean | undefined> => {
    const token = readSessionCookie(req);
    if (token === undefined) return undefined;
    const session = await findLiveSession(db, token).catch(asOutage(logger, 'session lookup'));
    if (session) used(session.apiKeyId);
    return session !== undefined;
  };

  const identify = async (req: Request): Promise<AuthenticatedBy> => {
    const viaBearer = await byBearer(req);
    if (viaBearer) return 'bearer';
    // A request with a bad Bearer key is not rescued by a cookie: it asked to be that key.
    if (viaBearer === undefined && (await byCookie(req))) return 'cookie';
    return 'none';
  };

  const middleware: RequestHandler = async (req, res, next) => {
    if (isExempt(req)) {
      if (req.path.startsWith('/api/')) checkOrigin(req, readSessionCookie(req) === undefined ? 'none' : 'cookie', deps.publicUrl);
      return next();
    }
    const by = await identify(req);
    if (by === 'bearer') return next();
    if (by === 'cookie' || !(await keysEnforced())) {
      checkOrigin(req, by === 'cookie' ? 'cookie' : 'none', deps.publicUrl);
      return next();
    }
    res.setHeader('WWW-Authenticate', 'Bearer');
    throw unauthorized();
  };

  return { middleware, keysEnforced, identify };
}
