// Request schemas shared by routes and the OpenAPI document.
import { z } from 'zod';
import { toMs } from '../tasks/duration.js';
import { durationMsSchema } from '../tasks/duration-schema.js';

const MAX_DELAY_MS = 366 * 86_400_000;

/** A duration like '30s' or milliseconds, as ms. */
export const durationMs = durationMsSchema();

/** `delay`: a duration from now ('30s') or an ISO time; resolves to the Date the run may start. */
export const delayUntil = z
  .union([z.string(), z.number()])
  .transform((value, ctx) => {
    if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value)) {
      const at = new Date(value);
      if (Number.isNaN(at.getTime())) ctx.addIssue({ code: 'custom', message: `not a valid ISO time: ${value}` });
      return at;
    }
    try {
      return new Date(Date.now() + toMs(value));
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: `${(error as Error).message}, or an ISO time like 2026-12-01T10:00:00Z` });
      return z.NEVER;
    }
  })
  .refine((at) => at.getTime() - Date.now() <= MAX_DELAY_MS, 'delay may be at most a year');

export const tag = z.string().regex(/^[\w.:/-]{1,64}$/, 'tags: 1-64 characters of letters, digits, _ . : / -');
export const idempotencyKey = z.string().min(1).max(200);

/** 1 runs first … 5 last; the words map to 1, 3 and 5. */
export const priority = z.union([z.number().int().min(1).max(5), z.enum(['high', 'normal', 'low']).transform((p) => ({ high: 1, normal: 3, low: 5 })[p])]);
export const concurrencyKey = z.string().min(1).max(200);
/** The same, as a query parameter (a string): "1".."5" or a word. */
export const priorityParam = z.union([z.enum(['1', '2', '3', '4', '5']).transform(Number), priority]);

export const triggerBody = z.strictObject({
  inputs: z.unknown().optional(),
  /** 'user': started by a person (the dashboard's Run button); default 'api'. */
  triggeredBy: z.enum(['api', 'user']).optional(),
  idempotencyKey: idempotencyKey.optional(),
  delay: delayUntil.optional(),
  ttl: durationMs.refine((ms) => ms > 0, 'ttl must be positive').refine((ms) => ms <= MAX_DELAY_MS, 'ttl may be at most a year').optional(),
  tags: z.array(tag).max(20).optional(),
  priority: priority.optional(),
  concurrencyKey: concurrencyKey.optional(),
});

export const batchBody = z.strictObject({
  items: z
    .array(z.strictObject({
        inputs: z.unknown().optional(),
        idempotencyKey: idempotencyKey.optional(),
        tags: z.array(tag).max(20).optional(),
        priority: priority.optional(),
        concurrencyKey: concurrencyKey.optional(),
      }),)
    .min(1)
    .max(1_000),
});

export const waitQuery = z.strictObject({ wait: durationMs.refine((ms) => ms <= 60_000, 'wait may be at most 60s').optional() });

export const RUN_ID = /^[\w-]{1,255}$/;
