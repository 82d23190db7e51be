import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Logger } from '../logger.js';
import type { TaskRegistry } from '../tasks/registry.js';
import type { SlotWaker } from './slot-waker.js';

export interface ActivityDeps {
  db: Kysely<Database>;
  logger: Logger;
  registry: TaskRegistry;
  /** How often a running attempt heartbeats on its own (cancellation and dead-worker detection). */
  heartbeatIntervalMs: number;
  /** Wakes attempts waiting for a concurrency slot (LISTEN/NOTIFY); without it they re-check on a timer. */
  slotWaker?: SlotWaker;
  /** Sends a run's workflow the `cancel` signal (onLimit `cancel-in-progress` replaces older runs). */
  cancelRun?: (runId: string, reason: string) => Promise<void>;
  /** The settings built-in kinds run with (Config.kindEnv); default the process's CONVEYOR_* variables. */
  kindEnv?: Readonly<Record<string, string | undefined>>;
}
