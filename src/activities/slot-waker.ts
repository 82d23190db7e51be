// Wakes attempts waiting for a concurrency slot without polling: one LISTEN connection per
// worker process, opened the first time a limited task waits (an unlimited task never opens
// it), on the channel conveyor_release_slot NOTIFYs with the scope whose slot was freed.
import pg from 'pg';
import { SLOT_CHANNEL } from '../db/slots.repository.js';
import type { Logger } from '../logger.js';

/** While the LISTEN connection is down, a waiter looks again after at most this long. */
const DISCONNECTED_RECHECK_MS = 2_000;

export interface SlotWaker {
  /**
   * What has been seen of `scope`'s releases; taken before an acquisition, so that a release
   * landing between the acquisition and `wait` is not missed.
   */
  mark(scope: string): string;
  /**
   * Resolves when `scope` has had more than `skip` slots freed since `seen` (default 0: the first
   * release), at `until`, or (rejects) when `signal` aborts. A waiter with n attempts ahead of it
   * beyond the limit cannot be granted before n releases: it sleeps through them, so a release
   * wakes the front of the line, not every waiter (each woken waiter costs Postgres a query).
   */
  wait(scope: string, until: number, signal: AbortSignal, seen: string, skip?: number): Promise<void>;
  close(): Promise<void>;
}

/** Without a LISTEN connection (activities built without a database URL): waiters re-check on a timer. */
export const timerSlotWaker: SlotWaker = {
  mark: () => '',
  wait: (_scope, until, signal) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(resolve, Math.max(0, Math.min(until, Date.now() + DISCONNECTED_RECHECK_MS) - Date.now()));
      signal.addEventListener('abort', () => { clearTimeout(timer); reject(signal.reason); }, { once: true });
    }),
  close: () => Promise.resolve(),
};

export function createSlotWaker(databaseUrl: string, logger: Logger): SlotWaker {
  const waiters = new Map<string, Set<() => void>>();
  const releases = new Map<string, number>();
  // Bumped by every (re)connection: what happened while not listening is unknown.
  let connections = 0;
  const mark = (scope: string) => `${connections}:${releases.get(scope) ?? 0}`;
  let client: pg.Client | undefined;
  let connecting: Promise<boolean> | undefined;
  let closed = false;

  const wakeScope = (scope: string) => {
    releases.set(scope, (releases.get(scope) ?? 0) + 1);
    for (const wake of waiters.get(scope) ?? []) wake();
  };
  const wakeAll = () => {
    connections++; // every waiter looks again, however many releases it meant to sleep through
    for (const scope of waiters.keys()) wakeScope(scope);
  };
  /** Releases of `scope` since `seen`; Infinity if the connection changed meanwhile (some may be unknown). */
  const releasedSince = (scope: string, seen: string) => {
    const [seenConnections, seenReleases] = seen.split(':').map(Number);
    return seenConnections !== connections ? Infinity : (releases.get(scope) ?? 0) - seenReleases;
  };

  /** True once LISTENing; a failure is logged and retried by the next wait. */
  const listen = (): Promise<boolean> => {
    if (client) return Promise.resolve(true);
    connecting ??= (async () => {
      const next = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5_000 });
      next.on('notification', (message) => {
        if (message.payload) wakeScope(message.payload);
      });
      next.on('error', (err) => {
        logger.warn({ err }, 'slot waker: LISTEN connection lost');
        if (client === next) client = undefined;
        void next.end().catch(() => undefined);
        wakeAll(); // a release may have been missed: every waiter looks again
      });
      try {
        await next.connect();
        await next.query(`LISTEN ${SLOT_CHANNEL}`);
        if (closed) {
          await next.end();
          return false;
        }
        client = next;
        connections++;
        return true;
      } catch (err) {
        logger.warn({ err }, 'slot waker: could not LISTEN; waiters re-check on a timer');
        void next.end().catch(() => undefined);
        return false;
      } finally {
        connecting = undefined;
      }
    })();
    return connecting;
  };

  return {
    mark,
    async wait(scope, until, signal, seen, skip = 0) {
      const listening = await listen();
      if (releasedSince(scope, seen) > skip) return; // released since the caller looked: look again at once
      const deadline = listening ? until : Math.min(until, Date.now() + DISCONNECTED_RECHECK_MS);
      await new Promise<void>((resolve, reject) => {
        const set = waiters.get(scope) ?? new Set();
        waiters.set(scope, set);
        const done = () => {
          clearTimeout(timer);
          signal.removeEventListener('abort', aborted);
          set.delete(wake);
          if (set.size === 0) waiters.delete(scope);
        };
        const finish = () => {
          done();
          resolve();
        };
        const wake = () => {
          if (releasedSince(scope, seen) > skip) finish();
        };
        const aborted = () => {
          done();
          reject(signal.reason);
        };
        const timer = setTimeout(finish, Math.max(0, deadline - Date.now()));
        set.add(wake);
        if (signal.aborted) aborted();
        else signal.addEventListener('abort', aborted, { once: true });
      });
    },
    async close() {
      closed = true;
      await connecting;
      const last = client;
      client = undefined;
      await last?.end().catch(() => undefined);
    },
  };
}
