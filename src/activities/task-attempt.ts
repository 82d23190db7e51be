// One attempt of a task function inside an activity, shared by task runs and DAG nodes:
// `ml`, automatic heartbeats carrying the last checkpoint, input validation, cancellation.
import type { Context } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import type { Task } from '../tasks/define.js';
import type { RunInfo } from '../tasks/ml.types.js';
import { createMl } from './create-ml.js';
import { encodableError } from './encodable-error.js';
import type { LogBuffer } from './log-buffer.js';
import { errorClassOf, isKindError, isPermanent, toRunError } from './run-error.js';
import { formatIssues } from './validate-inputs.js';

/** Rejects as soon as the attempt is cancelled, so a task that ignores `ml.signal` cannot hold its run open. */
function whenAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

/**
 * An attempt's automatic heartbeats, carrying its last checkpoint. They run until the attempt
 * has flushed its logs and recorded its outcome, not only while the task runs: otherwise a
 * slow final write (a short Postgres outage) looks like a dead worker and Temporal starts the
 * next attempt while this one is still writing.
 */
export interface Heartbeats {
  checkpoint(state: unknown): void;
  stop(): void;
}

export function startHeartbeats(ctx: Context, intervalMs: number): Heartbeats {
  let checkpoint: unknown = ctx.info.heartbeatDetails;
  const beat = () => ctx.heartbeat(checkpoint);
  const timer = setInterval(beat, intervalMs);
  return {
    checkpoint(state) {
      checkpoint = state;
      beat();
    },
    stop: () => clearInterval(timer),
  };
}

export interface AttemptInput {
  ctx: Context;
  task: Task;
  logs: LogBuffer;
  run: RunInfo;
  inputs: unknown;
  /** Started by the caller, which stops them once the attempt's outcome is recorded. */
  heartbeats: Heartbeats;
}

/** Calls the task with `ml`; the caller's heartbeats carry its checkpoints (so cancellation and a dead worker are noticed). */
export async function runTaskAttempt({ ctx, task, logs, run, inputs, heartbeats }: AttemptInput): Promise<unknown> {
  const ml = createMl({
    logs,
    signal: ctx.cancellationSignal,
    resumeFrom: ctx.info.heartbeatDetails,
    run,
    onCheckpoint: (state) => heartbeats.checkpoint(state),
  });
  const parsed = task.input ? task.input.safeParse(inputs) : { success: true as const, data: inputs };
  if (!parsed.success) throw ApplicationFailure.nonRetryable(`invalid inputs: ${formatIssues(parsed.error.issues)}`, 'InvalidInputs');
  return (await Promise.race([Promise.resolve(task.fn(ml, parsed.data)), whenAborted(ctx.cancellationSignal)])) ?? null;
}

export interface FailedAttempt {
  cancelled: boolean;
  timedOut: boolean;
  /** No further attempt will follow (permanent, non-retryable, or the last one). */
  final: boolean;
  error: ReturnType<typeof toRunError>;
}

/** Logs why an attempt ended and classifies it for the caller's bookkeeping. */
export async function concludeFailedAttempt(ctx: Context, logs: LogBuffer, error: unknown, attempt: number, maxAttempts: number): Promise<FailedAttempt> {
  const cancelled = ctx.cancellationSignal.aborted;
  const details = ctx.cancellationDetails;
  if (cancelled) logs.push('system', `attempt ${attempt} stopped: ${describeCancel(details)}`);
  else logs.push('error', toRunError(error).message, { name: toRunError(error).type, stack: toRunError(error).stack });
  await logs.flush().catch(() => undefined);
  const timedOut = cancelled && Boolean(details?.timedOut || details?.notFound);
  const runError = timedOut ? { message: `attempt ${attempt} timed out`, type: 'AttemptTimeout', class: 'transient' as const } : toRunError(error, isPermanent(error) ? 'PermanentError' : undefined);
  const final = timedOut ? attempt >= maxAttempts : errorClassOf(error) === 'permanent' || attempt >= maxAttempts;
  return { cancelled, timedOut, final, error: runError };
}

function describeCancel(details: Context['cancellationDetails']): string {
  if (details?.timedOut || details?.notFound) return 'attempt timed out';
  if (details?.workerShutdown) return 'worker shutting down';
  if (details?.cancelRequested) return 'run cancelled';
  return 'cancelled';
}

/** What Temporal sees: permanent failures as non-retryable, cancellation as is, text it can encode. */
export function toActivityError(error: unknown): unknown {
  encodableError(error);
  if (error instanceof CancelledFailure || error instanceof ApplicationFailure) return error;
  if (isKindError(error)) {
    // The class travels in the failure's details, so the workflow (a DAG's run error) can read it.
    return ApplicationFailure.create({
      message: error.message,
      type: error.options.type ?? 'KindError',
      nonRetryable: error.errorClass === 'permanent',
      // A rate limit's Retry-After overrides the back-off for this retry only.
      nextRetryDelay: error.errorClass === 'resource' ? error.options.retryAfterMs : undefined,
      details: [{ class: error.errorClass }],
      cause: error,
    });
  }
  if (isPermanent(error)) {
    const e = error as Error;
    return ApplicationFailure.create({ message: e.message, type: 'PermanentError', nonRetryable: true, cause: e });
  }
  return error;
}
