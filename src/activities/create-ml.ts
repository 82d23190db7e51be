import { setTimeout as sleep } from 'node:timers/promises';
import { toMs, type Duration } from '../tasks/duration.js';
import { PermanentError } from '../tasks/errors.js';
import type { Ml, RunInfo } from '../tasks/ml.types.js';
import type { LogBuffer } from './log-buffer.js';
import { kindSettings } from '../config.js';
import { outboundHelpers } from '../kinds/http-ml.js';

export interface MlDeps {
  logs: LogBuffer;
  run: RunInfo;
  signal: AbortSignal;
  resumeFrom: unknown;
  /** Called with each checkpoint; the activity sends it as heartbeat details. */
  onCheckpoint: (state: unknown) => void;
  /** The settings ml.http and ml.ai run with (CONVEYOR_HTTP_ALLOW, CONVEYOR_AI_*); default the process's CONVEYOR_* variables. */
  kindEnv?: Readonly<Record<string, string | undefined>>;
}

function describe(error: unknown): { message: string; data: { name: string; stack?: string } } {
  if (error instanceof Error) return { message: error.message, data: { name: error.name, stack: error.stack } };
  return { message: String(error), data: { name: typeof error } };
}

/** Builds the `ml` object a task function receives. */
export function createMl({ logs, run, signal, resumeFrom, onCheckpoint, kindEnv }: MlDeps): Ml {
  const text = (level: 'log' | 'info' | 'warn' | 'danger' | 'success' | 'markdown') => (message: string) =>
    logs.push(level, typeof message === 'string' ? message : String(message));
  const ml: Ml = {
    log: text('log'),
    info: text('info'),
    warn: text('warn'),
    danger: text('danger'),
    success: text('success'),
    markdown: text('markdown'),
    json: (value) => logs.push('json', null, value === undefined ? null : value),
    error: (error) => {
      const { message, data } = describe(error);
      logs.push('error', message, data);
    },
    wait: async (duration: Duration) => {
      await sleep(toMs(duration, 'ml.wait duration'), undefined, { signal });
    },
    checkpoint: (state) => onCheckpoint(state),
    resumeFrom,
    signal,
    run,
    fail: (message: string): never => {
      throw new PermanentError(message);
    },
    // Read when a helper is called: scanning the environment on every attempt would cost every task.
    ...outboundHelpers(() => ml, () => kindEnv ?? kindSettings(process.env)),
  };
  return ml;
}
