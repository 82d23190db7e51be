// What an outgoing HTTP kind makes of a response status: expected or not, and if not, the
// error class (seed 003): 429 → resource (after Retry-After), 5xx/408 → transient, other → permanent.
import { z } from 'zod';
import { KindError } from './types.js';

const STATUS_RANGE = /^([1-5])xx$|^(\d{3})(?:-(\d{3}))?$/i;

/** One status (404), a class ("2xx") or a range ("200-299"). */
const statusPattern = z.union([
  z.number().int().min(100).max(599),
  z.string().trim().regex(STATUS_RANGE, 'expected a status like 200, "2xx" or "200-299"'),
]);

/** `expectStatus`: a status pattern or a list of them; the default is "2xx". */
export const expectStatusSchema = z.union([statusPattern, z.array(statusPattern).min(1)]);
export type ExpectStatus = z.infer<typeof expectStatusSchema>;

function matchesPattern(status: number, pattern: number | string): boolean {
  if (typeof pattern === 'number') return status === pattern;
  const [, hundreds, from, to] = STATUS_RANGE.exec(pattern.trim()) ?? [];
  if (hundreds) return Math.floor(status / 100) === Number(hundreds);
  return status >= Number(from) && status <= Number(to ?? from);
}

export function isExpectedStatus(status: number, expect: ExpectStatus = '2xx'): boolean {
  return (Array.isArray(expect) ? expect : [expect]).some((pattern) => matchesPattern(status, pattern));
}

/** Retry-After as milliseconds: delay-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | string[] | undefined, nowMs = Date.now()): number | undefined {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/** The failure for a status the spec did not expect. */
export function unexpectedStatusError(status: number, statusText: string, retryAfter: string | string[] | undefined, detail = ''): KindError {
  const message = `unexpected HTTP status ${status}${statusText ? ` ${statusText}` : ''}${detail ? `: ${detail}` : ''}`;
  if (status === 429) return new KindError(message, 'resource', { retryAfterMs: retryAfterMs(retryAfter), type: 'HttpStatus429' });
  if (status >= 500 || status === 408) return new KindError(message, 'transient', { type: `HttpStatus${status}` });
  return new KindError(message, 'permanent', { type: `HttpStatus${status}` });
}
