// The worker's row in `workers`: registered at start, refreshed every couple of seconds with
// its in-flight count, deleted on stop. The API reads it for GET /api/workers and waitingForWorker.
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { Kysely } from 'kysely';
import { deleteWorker, upsertWorker, type WorkerRegistration } from './db/workers.repository.js';
import type { Database } from './db/schema.js';
import type { Logger } from './logger.js';

/** How often a worker refreshes its row; WORKER_GONE_AFTER_MS is three of these. */
export const PRESENCE_INTERVAL_MS = 2_000;

export interface PresenceOptions {
  db: Kysely<Database>;
  logger: Logger;
  taskQueue: string;
  tasks: string[];
  workflowTypes: string[];
  /** Activities in flight right now (the SDK worker's status). */
  inFlight: () => number;
  intervalMs?: number;
}

export interface Presence {
  id: string;
  stop(): Promise<void>;
}

/**
 * Registers the worker and keeps its row fresh. A database outage is logged and the next beat
 * tries again: presence never takes the worker down.
 */
export async function startPresence({ db, logger, taskQueue, tasks, workflowTypes, inFlight, intervalMs = PRESENCE_INTERVAL_MS }: PresenceOptions): Promise<Presence> {
  const id = `wkr_${randomUUID()}`;
  const registration = (): WorkerRegistration => ({ id, host: os.hostname(), pid: process.pid, taskQueue, tasks, workflowTypes, inFlight: inFlight() });
  let failing = false;
  const beat = async () => {
    try {
      await upsertWorker(db, registration());
      if (failing) logger.info({ workerId: id }, 'worker presence restored');
      failing = false;
    } catch (err) {
      if (!failing) logger.warn({ err, workerId: id }, 'worker presence heartbeat failed; will keep trying');
      failing = true;
    }
  };
  await beat();
  // One beat at a time: during an outage a slow connect must not pile beats up behind it.
  let beating: Promise<void> | undefined;
  const timer = setInterval(() => {
    beating ??= beat().finally(() => {
      beating = undefined;
    });
  }, intervalMs);
  timer.unref();
  let stopped: Promise<void> | undefined;
  return {
    id,
    stop() {
      stopped ??= (async () => {
        clearInterval(timer);
        await beating; // a beat landing after the delete would bring the row back
        await deleteWorker(db, id).catch((err: unknown) => logger.warn({ err, workerId: id }, 'could not remove the worker row; it expires on its own'));
      })();
      return stopped;
    },
  };
}
