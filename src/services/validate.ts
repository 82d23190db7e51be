import type { z } from 'zod';
import { ApiError } from './errors.js';

export function zodDetails(issues: readonly z.core.$ZodIssue[], prefix?: string) {
  return issues.map((i) => ({ field: [prefix, ...i.path.map(String)].filter(Boolean).join('.') || '(body)', message: i.message }));
}

/** Validates a request part with zod; a failure is a 400 naming each field. */
export function parseBody<T>(schema: z.ZodType<T>, value: unknown, code = 'invalid_body'): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const details = zodDetails(parsed.error.issues);
  throw new ApiError(400, code, details.map((d) => `${d.field}: ${d.message}`).join('; '), details);
}
