// CSRF: SameSite=Strict keeps the session cookie off cross-site requests, and a state-changing
// request the cookie authenticates must also prove it comes from this origin. Bearer requests
// are not at risk (a browser never adds the header by itself) and are left alone.
import type { Request } from 'express';
import { ApiError } from '../services/errors.js';

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export const isStateChanging = (req: Pick<Request, 'method'>) => STATE_CHANGING.has(req.method);

/** Whether the Origin header names this server (the Host the request was sent to, or the public URL's). */
function sameOrigin(origin: string, req: Request, publicUrl: string | undefined): boolean {
  let host: string;
  try {
    host = new URL(origin).host.toLowerCase();
  } catch {
    return false; // "null" (sandboxed frames, file:) and garbage
  }
  if (host === (req.get('host') ?? '').toLowerCase()) return true;
  return publicUrl !== undefined && host === new URL(publicUrl).host.toLowerCase();
}

const refused = (why: string) => new ApiError(403, 'csrf', `cross-site request refused: ${why}`);

/**
 * `cookie`: the request must carry an Origin naming this server. Otherwise (a request with no
 * credentials, keys not enforced): refused only when it carries an Origin naming another site,
 * so curl and scripts still work and a cross-site form never starts a run.
 */
export function checkOrigin(req: Request, authenticatedBy: 'cookie' | 'none', publicUrl?: string): void {
  if (!isStateChanging(req)) return;
  const origin = req.get('origin');
  if (origin === undefined) {
    if (authenticatedBy === 'cookie') throw refused('a request authenticated by the session cookie must send an Origin header');
    return;
  }
  if (!sameOrigin(origin, req, publicUrl)) throw refused(`Origin ${JSON.stringify(origin)} is not this server`);
}
