import type { z } from 'zod';

/** "name: expected string, received number; age: …" — the field first, for 400s and failed runs alike. */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}
