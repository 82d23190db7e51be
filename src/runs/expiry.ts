// A run's ttl: when it expires, whether it has, and the error it ends with. Workflow-safe:
// used by the workflows, the task activity, the API (ttl arithmetic) and the expiry sweeper.
import type { RunError } from '../db/schema.js';

/** A ttl counts from when the run is due: now, or its delayed start. */
export function expiresAtFor(ttlMs: number, runAt: Date | undefined, now = Date.now()): Date {
  return new Date(Math.max(now, runAt?.getTime() ?? now) + ttlMs);
}

export function isExpired(expiresAt: string | Date | null | undefined, now = Date.now()): boolean {
  if (expiresAt === null || expiresAt === undefined) return false;
  return now > (expiresAt instanceof Date ? expiresAt.getTime() : Date.parse(expiresAt));
}

export function expiredError(expiresAt: string | Date): RunError {
  const at = expiresAt instanceof Date ? expiresAt.toISOString() : expiresAt;
  return { type: 'Expired', message: `not started before its ttl ended (${at})` };
}
