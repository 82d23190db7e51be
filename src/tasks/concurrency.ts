// A task's concurrency limits: how many attempts may run at once across every worker, in
// total (`limit`) and per concurrency key (`perKey`, the key an expression over the inputs or
// the trigger's `concurrencyKey`). Enforced by the slot table (src/db/slots.repository.ts).
import { z } from 'zod';
import { evaluate, ExpressionError, parseExpression, type Expr } from '../dag/expression.js';

export const ON_LIMIT = ['queue', 'cancel-newest', 'cancel-in-progress'] as const;
export type OnLimit = (typeof ON_LIMIT)[number];

/** What a task author writes. */
export interface ConcurrencyConfig {
  limit?: number;
  perKey?: number;
  /** An expression over the inputs, in the DAG expression language (e.g. `inputs.customerId`). */
  key?: string;
  /**
   * What a new run over the limit does: `queue` (wait for a slot, the default), `cancel-newest`
   * (end the new run `cancelled`) or `cancel-in-progress` (cancel the oldest runs ahead of it in
   * its key, so the newest one takes their slot).
   */
  onLimit?: OnLimit;
}

/** The normalised form a task carries. */
export interface Concurrency {
  limit?: number;
  perKey?: number;
  key?: Expr;
  keySource?: string;
  onLimit: OnLimit;
}

const MAX_SLOTS = 100_000;
const slots = z.number().int().min(1).max(MAX_SLOTS);

export const concurrencySchema = z
  .strictObject({
    limit: slots.optional(),
    perKey: slots.optional(),
    key: z.string().min(1).max(500).optional(),
    onLimit: z.enum(ON_LIMIT).optional(),
  })
  .refine((c) => c.limit !== undefined || c.perKey !== undefined, 'concurrency needs limit or perKey')
  .refine((c) => c.perKey === undefined || c.limit === undefined || c.perKey <= c.limit, 'perKey may not exceed limit');

/** Normalises a validated config; throws an ExpressionError for a key that does not parse. */
export function toConcurrency(config: ConcurrencyConfig): Concurrency {
  return {
    ...(config.limit !== undefined ? { limit: config.limit } : {}),
    ...(config.perKey !== undefined ? { perKey: config.perKey } : {}),
    ...(config.key !== undefined ? { key: parseExpression(config.key), keySource: config.key } : {}),
    onLimit: config.onLimit ?? 'queue',
  };
}

/** Longest key stored: keys are compared and shown, never parsed. */
const MAX_KEY_CHARS = 200;

/**
 * The key a run's attempt counts against: the trigger's `concurrencyKey`, else the task's key
 * expression over the inputs ('' when neither gives one: every run then shares one key).
 */
export function concurrencyKeyOf(concurrency: Concurrency, inputs: unknown, override?: string): string {
  if (override !== undefined) return override.slice(0, MAX_KEY_CHARS);
  if (!concurrency.key) return '';
  let value: unknown;
  try {
    value = evaluate(concurrency.key, { inputs, nodes: {} });
  } catch (error) {
    if (error instanceof ExpressionError) return '';
    throw error;
  }
  if (value === undefined || value === null) return '';
  return (typeof value === 'string' ? value : JSON.stringify(value)).slice(0, MAX_KEY_CHARS);
}

/** The slot scope of a workflow's own `concurrency`: a task slug never holds ':', so it cannot collide with one. */
export const workflowScope = (slug: string): string => `workflow:${slug}`;
