// One LISTEN connection per API process, fanned out to every open SSE stream: a hundred open
// run pages cost one connection and one safety query every few seconds, not a hundred polls.
import type { Kysely } from 'kysely';
import pg from 'pg';
import type { Database } from '../../db/schema.js';
import type { Logger } from '../../logger.js';
import { RUN_EVENTS_CHANNEL, RUN_LOGS_CHANNEL, RUN_STEPS_CHANNEL, type RunEvent } from '../../runs/run-events.js';
import { runFingerprints } from '../../db/run-fingerprints.repository.js';
import { SLOT_CHANNEL } from '../../db/slots.repository.js';

/**
 * What may have changed about a watched run; `resync`: notifications may have been missed,
 * read everything again; `closed`: the API is stopping, end the stream.
 */
export type RunChange = 'logs' | 'status' | 'steps' | 'resync' | 'closed';

export type RunWatcher = (change: RunChange, status?: string) => void;

export interface RunEventsListener {
  event(event: RunEvent): void;
  /** The LISTEN connection was (re)opened: events may have been missed meanwhile. */
  resync(): void;
  /** The API is stopping: end the stream. */
  closed(): void;
  /** A concurrency slot of `scope` was freed (conveyor_slots): queue counts changed without a run event. */
  slots?(scope: string): void;
}

export interface LiveHub {
  subscribeRunEvents(listener: RunEventsListener): () => void;
  /**
   * Calls `listener` whenever the run's log lines, status/attempt or steps may have changed;
   * a `status` change carries the run's new status (from the NOTIFY payload).
   */
  watchRun(runId: string, listener: RunWatcher): () => void;
  /** Resolves once LISTENing (true), or when the attempt to LISTEN failed (false; retried in the background). */
  ready(): Promise<boolean>;
  /** Bumped by every wake-up the hub sends: a read started at `changes()` = n sees what every wake-up up to n announced. */
  changes(): number;
  /**
   * One read shared by the streams that need the same data: joins a read of `key` in flight if
   * it started no earlier than `since` (a `changes()` value), else starts one. A hundred pages of
   * one run woken by one NOTIFY cost one query, not a hundred.
   */
  shared<T>(key: string, since: number, read: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface LiveHubOptions {
  db: Kysely<Database>;
  databaseUrl: string;
  logger: Logger;
  /** The safety re-check of watched runs while LISTENing (default 5 s): catches a notification lost anyway. */
  safetyIntervalMs?: number;
}

/** While the LISTEN connection is down: how soon to try again, and how often watched runs are re-checked. */
const RECONNECT_MS = 1_000;
const DISCONNECTED_RECHECK_MS = 1_000;

export function createLiveHub({ db, databaseUrl, logger, safetyIntervalMs = 5_000 }: LiveHubOptions): LiveHub {
  const eventListeners = new Set<RunEventsListener>();
  const watchers = new Map<string, Set<RunWatcher>>();
  let client: pg.Client | undefined;
  let connecting: Promise<void> | undefined;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let safetyTimer: NodeJS.Timeout | undefined;
  let closed = false;
  const fingerprints = new Map<string, string>();
  let changeCount = 0;
  const inFlight = new Map<string, { since: number; promise: Promise<unknown> }>();

  const wake = (runId: string, change: RunChange, status?: string) => {
    changeCount++;
    for (const listener of watchers.get(runId) ?? []) listener(change, status);
  };
  const resyncAll = () => {
    for (const listener of eventListeners) listener.resync();
    for (const runId of watchers.keys()) wake(runId, 'resync');
  };

  const onNotification = (message: pg.Notification) => {
    if (!message.payload) return;
    if (message.channel === RUN_LOGS_CHANNEL) return wake(message.payload, 'logs');
    if (message.channel === RUN_STEPS_CHANNEL) return wake(message.payload, 'steps');
    if (message.channel === SLOT_CHANNEL) {
      for (const listener of eventListeners) listener.slots?.(message.payload);
      return;
    }
    if (message.channel !== RUN_EVENTS_CHANNEL) return;
    let event: RunEvent;
    try {
      event = JSON.parse(message.payload) as RunEvent;
    } catch {
      return;
    }
    wake(event.id, 'status', event.status);
    for (const listener of eventListeners) listener.event(event);
  };

  const scheduleReconnect = () => {
    if (closed || reconnectTimer) return;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      void connect();
    }, RECONNECT_MS);
    reconnectTimer.unref();
  };

  const connect = (): Promise<void> => {
    if (client || closed) return Promise.resolve();
    connecting ??= (async () => {
      const next = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5_000 });
      next.on('notification', onNotification);
      let lost = false;
      const onLost = (err?: Error) => {
        if (lost || closed) return;
        lost = true;
        logger.warn({ err }, 'live hub: LISTEN connection lost; reconnecting');
        if (client === next) client = undefined;
        void next.end().catch(() => undefined);
        scheduleReconnect();
        resyncAll();
        rearmSafety();
      };
      next.on('error', onLost);
      // A connection the server closes cleanly ends without an error.
      next.on('end', () => client === next && onLost());
      try {
        await next.connect();
        await next.query(`LISTEN ${RUN_EVENTS_CHANNEL}; LISTEN ${RUN_LOGS_CHANNEL}; LISTEN ${RUN_STEPS_CHANNEL}; LISTEN ${SLOT_CHANNEL}`);
        if (closed) {
          await next.end();
          return;
        }
        client = next;
        // Whatever happened before this connection listened is unknown to the streams.
        resyncAll();
        rearmSafety();
      } catch (err) {
        logger.warn({ err }, 'live hub: could not LISTEN; streams re-check on a timer meanwhile');
        void next.end().catch(() => undefined);
        scheduleReconnect();
      } finally {
        connecting = undefined;
      }
    })();
    return connecting;
  };

  /** One query for every watched run; wakes only the runs whose lines, status, attempt or steps moved since the last look. */
  const safetyCheck = async () => {
    safetyTimer = undefined;
    const ids = [...watchers.keys()];
    if (ids.length) {
      try {
        const now = await runFingerprints(db, ids);
        for (const id of ids) {
          const print = now.get(id) ?? 'gone';
          const known = fingerprints.get(id);
          fingerprints.set(id, print);
          // First sight while listening: the stream's own first read is at least as recent.
          if (known === undefined ? !client : known !== print) wake(id, 'resync');
        }
      } catch (err) {
        logger.warn({ err }, 'live hub: safety re-check failed');
      }
    }
    armSafety();
  };
  /** The interval depends on whether the hub listens: a change of that restarts the timer. */
  const rearmSafety = () => {
    clearTimeout(safetyTimer);
    safetyTimer = undefined;
    armSafety();
  };
  const armSafety = () => {
    if (closed || safetyTimer || watchers.size === 0) return;
    safetyTimer = setTimeout(() => void safetyCheck(), client ? safetyIntervalMs : DISCONNECTED_RECHECK_MS);
    safetyTimer.unref();
  };

  return {
    subscribeRunEvents(listener) {
      if (closed) {
        listener.closed();
        return () => undefined;
      }
      eventListeners.add(listener);
      void connect();
      return () => void eventListeners.delete(listener);
    },
    watchRun(runId, listener) {
      if (closed) {
        listener('closed');
        return () => undefined;
      }
      const set = watchers.get(runId) ?? new Set();
      watchers.set(runId, set);
      set.add(listener);
      void connect();
      armSafety();
      return () => {
        set.delete(listener);
        if (set.size === 0) {
          watchers.delete(runId);
          fingerprints.delete(runId);
        }
      };
    },
    changes: () => changeCount,
    shared<T>(key: string, since: number, read: () => Promise<T>): Promise<T> {
      const current = inFlight.get(key);
      if (current && current.since >= since) return current.promise as Promise<T>;
      const entry = {
        since: changeCount,
        promise: read().finally(() => {
          if (inFlight.get(key) === entry) inFlight.delete(key);
        }),
      };
      inFlight.set(key, entry);
      return entry.promise;
    },
    async ready() {
      await connect();
      return client !== undefined;
    },
    async close() {
      closed = true;
      // Open streams end, so the HTTP server can close without cutting them mid-event.
      for (const listener of [...eventListeners]) listener.closed();
      for (const runId of [...watchers.keys()]) wake(runId, 'closed');
      clearTimeout(reconnectTimer);
      clearTimeout(safetyTimer);
      await connecting;
      const last = client;
      client = undefined;
      await last?.end().catch(() => undefined);
    },
  };
}
