import type { Kysely } from 'kysely';
import { insertLogs } from '../db/logs.repository.js';
import { toJson } from '../db/runs.repository.js';
import { withDbRetry } from '../db/retry.js';
import { storableText } from '../db/storable.js';
import type { Database, NewRunLog } from '../db/schema.js';
import type { LogLevel } from '../tasks/ml.types.js';
import type { Logger } from '../logger.js';

export interface LogBufferOptions {
  db: Kysely<Database>;
  runId: string;
  /** A DAG node's lines carry its id. */
  nodeId?: string;
  attempt: number;
  logger: Logger;
  /** Flush at least this often while lines are waiting. */
  flushIntervalMs?: number;
  /** Flush at once when this many lines are waiting. */
  flushAtLines?: number;
}

/**
 * Collects a run attempt's log lines and writes them in batches. Lines are
 * numbered per attempt, so a retried flush (unknown outcome) cannot duplicate one.
 * One flush runs at a time; lines that fail to write stay queued for the next.
 */
export class LogBuffer {
  private queued: NewRunLog[] = [];
  private nextLine = 0;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private flushPending = false;
  private readonly flushIntervalMs: number;
  private readonly flushAtLines: number;

  constructor(private readonly options: LogBufferOptions) {
    this.flushIntervalMs = options.flushIntervalMs ?? 200;
    this.flushAtLines = options.flushAtLines ?? 2_000;
  }

  push(level: LogLevel, message: string | null, data?: unknown): void {
    this.queued.push({
      run_id: this.options.runId,
      node_id: this.options.nodeId ?? '',
      attempt: this.options.attempt,
      line: this.nextLine++,
      level,
      // A line Postgres cannot store would fail the whole batch: store it with U+FFFD instead.
      message: message === null ? null : storableText(message),
      data: data === undefined ? null : toJson(data),
      created_at: new Date(),
    });
    if (this.queued.length >= this.flushAtLines) {
      // One background flush at a time takes everything queued when it runs; don't chain one per line.
      if (!this.flushPending) this.flushInBackground();
    } else this.timer ??= setTimeout(() => this.flushInBackground(), this.flushIntervalMs);
  }

  /** Writes every queued line; resolves when they are all in the database. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.flushPending = true;
    this.flushing = this.flushing
      .catch(() => undefined)
      .then(() => {
        this.flushPending = false;
        return this.writeQueued();
      });
    return this.flushing;
  }

  private flushInBackground(): void {
    this.flush().catch((error: unknown) => {
      this.options.logger.warn({ err: error, runId: this.options.runId }, 'log flush failed; lines stay queued');
      this.timer ??= setTimeout(() => this.flushInBackground(), 1_000);
    });
  }

  private async writeQueued(): Promise<void> {
    while (this.queued.length > 0) {
      const batch = this.queued;
      this.queued = [];
      try {
        await withDbRetry(() => insertLogs(this.options.db, batch), { maxElapsedMs: 30_000 });
      } catch (error) {
        this.queued = batch.concat(this.queued);
        throw error;
      }
    }
  }
}
