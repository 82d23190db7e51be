import type { Duration } from './duration.js';
import type { TriggerSource } from '../runs/states.js';
import type { OutboundHelpers } from '../kinds/http-ml.js';

/** Log levels a task can write; `json` lines carry `data`, all others `message`. */
export const LOG_LEVELS = ['log', 'info', 'warn', 'danger', 'success', 'markdown', 'json', 'error', 'system'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface RunInfo {
  id: string;
  attempt: number;
  task: string;
  triggeredBy: TriggerSource;
  /** Set when the task runs as a node of a DAG workflow. */
  nodeId?: string;
}

/** The object every task function receives first. */
export interface Ml {
  log(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  danger(message: string): void;
  success(message: string): void;
  markdown(markdown: string): void;
  json(value: unknown): void;
  /** Logs an error with its stack; does not fail the run (throw for that). */
  error(error: unknown): void;
  /** Sleeps; rejects as soon as the run is cancelled or the attempt times out. */
  wait(duration: Duration): Promise<void>;
  /** Saves resumable state; a retried attempt receives the last one as `resumeFrom`. */
  checkpoint(state: unknown): void;
  /** The last checkpoint of an earlier attempt of this run, if any. */
  readonly resumeFrom: unknown;
  /** Fires on cancellation or attempt timeout. */
  readonly signal: AbortSignal;
  readonly run: RunInfo;
  /** Fails the run permanently: no further attempts. */
  fail(message: string): never;
  /** An HTTP request as the `http` kind makes it: guarded, logged with secrets redacted, failing with an error class. */
  http: OutboundHelpers['http'];
  /** A chat completion as the `ai` kind makes it, its tokens streamed into the log. */
  ai: OutboundHelpers['ai'];
}
