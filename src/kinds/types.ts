// The contract every built-in task kind (http, webhook, command, script, ai) implements.
// A kind is a pure executor: it gets its spec (templates already rendered) and a context,
// and returns a JSON-serialisable result or throws a KindError naming its error class.
import type { z } from 'zod';

/** Seed 003's error classes, carried as `error.class` on failed attempts and runs. */
export const ERROR_CLASSES = ['transient', 'permanent', 'resource', 'dependency'] as const;
export type ErrorClass = (typeof ERROR_CLASSES)[number];

export type KindLogLevel = 'info' | 'warn' | 'danger' | 'success' | 'system';

export interface KindContext {
  /** Writes a line to the run's log (buffered by the activity's log buffer). */
  log(level: KindLogLevel, message: string): void;
  /** Fires on cancellation or attempt timeout: abort requests, kill process groups. */
  readonly signal: AbortSignal;
  /** Records liveness for long executions (the activity heartbeat). */
  heartbeat(): void;
  /** Settings (CONVEYOR_* variables); never the whole process environment for children. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

export interface TaskKind<Spec> {
  readonly kind: string;
  /** Validates a definition's kind fields; errors name the field. */
  readonly schema: z.ZodType<Spec>;
  /** `command` and `script` run only with CONVEYOR_ALLOW_COMMANDS=true. */
  readonly requiresCommands?: boolean;
  execute(spec: Spec, ctx: KindContext): Promise<unknown>;
}

/** A failure with its class; `retryAfterMs` (e.g. from Retry-After) becomes Temporal's nextRetryDelay. */
export class KindError extends Error {
  override name = 'KindError';
  constructor(
    message: string,
    readonly errorClass: Exclude<ErrorClass, 'dependency'>,
    readonly options: { retryAfterMs?: number; type?: string } = {},
  ) {
    super(message);
  }
}
