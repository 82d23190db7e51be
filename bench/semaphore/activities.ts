// The slot-table side of bench:slot-designs: one acquire (waiting on LISTEN/NOTIFY as a worker does) and one release.
import type { Kysely } from 'kysely';
import { acquireSlot, releaseSlot } from '../../src/db/slots.repository.js';
import type { Database } from '../../src/db/schema.js';
import type { SlotWaker } from '../../src/activities/slot-waker.js';

const LEASE_MS = 20_000;

export function createSlotActivities(db: Kysely<Database>, waker: SlotWaker) {
  return {
    async slotPair(holder: string, scope: string, limit: number): Promise<void> {
      const request = { runId: holder, attempt: 1, scope, key: '', limit, priority: 3, leaseMs: LEASE_MS };
      for (;;) {
        const seen = waker.mark(scope);
        if ((await acquireSlot(db, request)).granted) break;
        await waker.wait(scope, Date.now() + LEASE_MS, new AbortController().signal, seen);
      }
      await releaseSlot(db, holder, 1);
    },
  };
}
