// Where a concurrency wait shows: a task run's row (`queued`, and its end when turned away or
// expired); a DAG node's log (its step keeps running: the workflow decides how the node ends).
import type { Kysely } from 'kysely';
import { markQueued } from '../db/slots.repository.js';
import { withDbRetry } from '../db/retry.js';
import { finishRun } from '../db/runs.repository.js';
import type { Database } from '../db/schema.js';
import type { SlotRecorder } from './concurrency-slot.js';
import type { LogBuffer } from './log-buffer.js';

export function runSlotRecorder(db: Kysely<Database>, runId: string): SlotRecorder {
  return {
    queued: async (reason) => void (await withDbRetry(() => markQueued(db, runId, reason))),
    ended: async (status, error) => void (await withDbRetry(() => finishRun(db, runId, { status, error }))),
  };
}

export function nodeSlotRecorder(logs: LogBuffer, what: string): SlotRecorder {
  return {
    queued: async (reason) => logs.push('system', `waiting for a concurrency slot (${what}: ${reason})`),
    ended: async () => undefined,
  };
}
