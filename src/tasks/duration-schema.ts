// The zod forms of a duration, one home for every schema that takes one (task definitions,
// DAG definitions, request bodies, schedules, configuration).
import { z } from 'zod';
import { formatDuration, isDuration, toMs, type Duration } from './duration.js';

/** A duration kept as written (milliseconds or '30s'), for definitions stored as given. */
export const durationSchema = z.custom<Duration>(isDuration, { message: "expected milliseconds or a duration like '30s'" });

/** A duration ('30s' or milliseconds) parsed to milliseconds, at least `minMs` when given. */
export function durationMsSchema(what = 'duration', minMs?: number) {
  return z.union([z.string(), z.number()]).transform((value, ctx) => {
    try {
      const ms = toMs(value, what);
      if (minMs !== undefined && ms < minMs) throw new Error(`${what} must be at least ${formatDuration(minMs)}`);
      return ms;
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message, input: value });
      return z.NEVER;
    }
  });
}
