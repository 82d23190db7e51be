import { z } from 'zod';
import { isDuration, toMs, type Duration } from './duration.js';
import { TaskDefinitionError } from './errors.js';
import type { Ml } from './ml.types.js';

export interface RetryConfig {
  maxAttempts: number;
  initialDelay: Duration;
  backoffFactor: number;
  maxDelay: Duration;
}

/** What a task author writes. Everything but `slug` and `fn` has a default. */
export interface TaskConfig<Input = unknown, Output = unknown> {
  slug: string;
  name?: string;
  description?: string;
  input?: z.ZodType<Input>;
  retry?: Partial<RetryConfig>;
  timeout?: { attempt?: Duration; run?: Duration };
  heartbeatTimeout?: Duration;
  fn: (ml: Ml, inputs: Input) => Promise<Output> | Output;
}

/** The normalised task the registry, worker and API work with (all durations in ms). */
export interface Task<Input = unknown, Output = unknown> {
  readonly [TASK_BRAND]: true;
  slug: string;
  name: string;
  description?: string;
  input?: z.ZodType<Input>;
  retry: { maxAttempts: number; initialDelayMs: number; backoffFactor: number; maxDelayMs: number };
  timeout: { attemptMs: number; runMs?: number };
  heartbeatTimeoutMs: number;
  fn: (ml: Ml, inputs: Input) => Promise<Output> | Output;
}

// Symbol.for, so a task file that resolved a second copy of this module is still recognised.
export const TASK_BRAND = Symbol.for('conveyor.task');

export const TASK_DEFAULTS = {
  retry: { maxAttempts: 3, initialDelay: '1s', backoffFactor: 2, maxDelay: '1m' },
  timeout: { attempt: '10m' },
  heartbeatTimeout: '30s',
} as const;

const duration = z.custom<Duration>(isDuration, { message: "expected milliseconds or a duration like '30s'" });
const configSchema = z.strictObject({
  slug: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,99}$/i, 'slug: letters, digits, - and _ only, at most 100 characters'),
  name: z.string().min(1).optional(),
  description: z.string().optional(),
  // Duck-typed: a task file may have resolved its own copy of zod.
  input: z.custom<z.ZodType>((v) => typeof (v as z.ZodType | null)?.safeParse === 'function', { message: 'input must be a zod schema' }).optional(),
  retry: z
    .strictObject({
      maxAttempts: z.number().int().min(1).max(1000).optional(),
      initialDelay: duration.optional(),
      backoffFactor: z.number().min(1).optional(),
      maxDelay: duration.optional(),
    })
    .optional(),
  timeout: z.strictObject({ attempt: duration.optional(), run: duration.optional() }).optional(),
  heartbeatTimeout: duration.optional(),
  fn: z.custom<(...args: unknown[]) => unknown>((v) => typeof v === 'function', { message: 'fn must be a function' }),
});

export function defineTask<Input = unknown, Output = unknown>(config: TaskConfig<Input, Output>): Task<Input, Output> {
  const parsed = configSchema.safeParse(config);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    throw new TaskDefinitionError(`invalid task ${JSON.stringify(config?.slug ?? '')}: ${where}${issue?.message ?? 'invalid'}`);
  }
  const retry = { ...TASK_DEFAULTS.retry, ...config.retry };
  return {
    [TASK_BRAND]: true,
    slug: config.slug,
    name: config.name ?? config.slug,
    description: config.description,
    input: config.input,
    retry: {
      maxAttempts: retry.maxAttempts,
      initialDelayMs: toMs(retry.initialDelay),
      backoffFactor: retry.backoffFactor,
      maxDelayMs: toMs(retry.maxDelay),
    },
    timeout: {
      attemptMs: toMs(config.timeout?.attempt ?? TASK_DEFAULTS.timeout.attempt),
      runMs: config.timeout?.run === undefined ? undefined : toMs(config.timeout.run),
    },
    heartbeatTimeoutMs: toMs(config.heartbeatTimeout ?? TASK_DEFAULTS.heartbeatTimeout),
    fn: config.fn,
  };
}

export function isTask(value: unknown): value is Task {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[TASK_BRAND] === true;
}
