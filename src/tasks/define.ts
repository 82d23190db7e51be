import { z } from 'zod';
import { toMs, type Duration } from './duration.js';
import { durationSchema } from './duration-schema.js';
import { TaskDefinitionError } from './errors.js';
import { SLUG_PATTERN, SLUG_RULE } from '../runs/slug.js';
import { describePolicyProblems, policyProblems } from './policy-rules.js';
import { taskOptions } from './task-options.js';
import type { Ml } from './ml.types.js';
import { concurrencySchema, toConcurrency, type Concurrency, type ConcurrencyConfig } from './concurrency.js';

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
  /** Cluster-wide limits on attempts running at once; absent, the task is unlimited (and pays nothing). */
  concurrency?: ConcurrencyConfig;
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
  concurrency?: Concurrency;
  fn: (ml: Ml, inputs: Input) => Promise<Output> | Output;
}

// Symbol.for, so a task file that resolved a second copy of this module is still recognised.
export const TASK_BRAND = Symbol.for('conveyor.task');

export const TASK_DEFAULTS = {
  retry: { maxAttempts: 3, initialDelay: '1s', backoffFactor: 2, maxDelay: '1m' },
  timeout: { attempt: '10m' },
  heartbeatTimeout: '30s',
} as const;

const duration = durationSchema;
const configSchema = z.strictObject({
  slug: z.string().regex(SLUG_PATTERN, SLUG_RULE),
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
  concurrency: concurrencySchema.optional(),
  fn: z.custom<(...args: unknown[]) => unknown>((v) => typeof v === 'function', { message: 'fn must be a function' }),
});

export function defineTask<Input = unknown, Output = unknown>(config: TaskConfig<Input, Output>): Task<Input, Output> {
  const parsed = configSchema.safeParse(config);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    throw new TaskDefinitionError(`invalid task ${JSON.stringify(config?.slug ?? '')}: ${where}${issue?.message ?? 'invalid'}`);
  }
  let concurrency: Concurrency | undefined;
  try {
    concurrency = config.concurrency ? toConcurrency(config.concurrency) : undefined;
  } catch (error) {
    throw new TaskDefinitionError(`invalid task ${JSON.stringify(config.slug)}: concurrency.key: ${(error as Error).message}`);
  }
  const retry = { ...TASK_DEFAULTS.retry, ...config.retry };
  const initialDelayMs = toMs(retry.initialDelay);
  const task: Task<Input, Output> = {
    [TASK_BRAND]: true,
    slug: config.slug,
    name: config.name ?? config.slug,
    description: config.description,
    input: config.input,
    retry: {
      maxAttempts: retry.maxAttempts,
      initialDelayMs,
      backoffFactor: retry.backoffFactor,
      // Unsaid, the maximum delay is the default one, or the initial delay when that is longer.
      maxDelayMs: config.retry?.maxDelay === undefined ? Math.max(toMs(TASK_DEFAULTS.retry.maxDelay), initialDelayMs) : toMs(retry.maxDelay),
    },
    timeout: {
      attemptMs: toMs(config.timeout?.attempt ?? TASK_DEFAULTS.timeout.attempt),
      runMs: config.timeout?.run === undefined ? undefined : toMs(config.timeout.run),
    },
    heartbeatTimeoutMs: toMs(config.heartbeatTimeout ?? TASK_DEFAULTS.heartbeatTimeout),
    ...(concurrency ? { concurrency } : {}),
    fn: config.fn,
  };
  // The same rules the taskRun workflow checks its options with: a task defined here always runs.
  const problems = policyProblems(taskOptions(task as Task));
  if (problems.length > 0) throw new TaskDefinitionError(`invalid task ${JSON.stringify(config.slug)}: ${describePolicyProblems(problems)}`);
  return task;
}

export function isTask(value: unknown): value is Task {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[TASK_BRAND] === true;
}
