import { setTimeout as sleep } from 'node:timers/promises';

// Errors that mean "the database is not reachable right now", not "the query is wrong".
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', '57P01', '57P02', '57P03', '53300']);
const CONNECTION_MESSAGES = /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|the database system is (starting up|shutting down)/i;

export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: string }).code;
  if (code && (CONNECTION_CODES.has(code) || code.startsWith('08'))) return true;
  return CONNECTION_MESSAGES.test(error.message);
}

// SQLSTATE classes 22 (data exception, e.g. 22P05/22021: text Postgres cannot store) and 23
// (integrity constraint violation): the values were wrong, not the database; no retry can help.
const CONTENT_ERROR_CLASSES = ['22', '23'];

/** Postgres refused the statement for its content, not because it is unreachable. */
export function isContentError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.length === 5 && CONTENT_ERROR_CLASSES.includes(code.slice(0, 2));
}

export interface DbRetryOptions {
  /** Give up after this long (ms); the caller's own retry (Temporal's) takes over then. */
  maxElapsedMs?: number;
  signal?: AbortSignal;
  onRetry?: (error: unknown, attempt: number) => void;
}

/**
 * Runs a database call, retrying with backoff while the database is unreachable,
 * so a few seconds of Postgres downtime cost neither a task attempt nor a log line.
 * Every call passed here must be idempotent (conditional updates, ON CONFLICT DO NOTHING).
 */
export async function withDbRetry<T>(fn: () => Promise<T>, { maxElapsedMs = 60_000, signal, onRetry }: DbRetryOptions = {}): Promise<T> {
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (!isConnectionError(error) || Date.now() - started > maxElapsedMs || signal?.aborted) throw error;
      onRetry?.(error, attempt);
      await sleep(Math.min(100 * 2 ** attempt, 2_000));
    }
  }
}
