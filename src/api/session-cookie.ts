// The dashboard's session cookie: HttpOnly (no script reads it), SameSite=Strict (no
// cross-site request carries it), Secure when the API is reached over https.
import type { Request, Response } from 'express';

export const SESSION_COOKIE = 'conveyor_session';
export const SESSION_TTL_MS = 12 * 3_600_000;

export function readSessionCookie(req: Request): string | undefined {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) {
      const value = part.slice(eq + 1).trim();
      return value === '' ? undefined : value;
    }
  }
  return undefined;
}

const attributes = (req: Request, publicUrl: string | undefined) => ({
  httpOnly: true,
  sameSite: 'strict' as const,
  path: '/',
  secure: req.secure || (publicUrl?.startsWith('https:') ?? false),
});

export function setSessionCookie(req: Request, res: Response, token: string, expiresAt: Date, publicUrl?: string): void {
  res.cookie(SESSION_COOKIE, token, { ...attributes(req, publicUrl), maxAge: Math.max(0, expiresAt.getTime() - Date.now()) });
}

export function clearSessionCookie(req: Request, res: Response, publicUrl?: string): void {
  res.clearCookie(SESSION_COOKIE, attributes(req, publicUrl));
}
