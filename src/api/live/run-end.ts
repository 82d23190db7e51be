// `?wait=30s` on a trigger: the finished run, as soon as its row is final. The live hub's NOTIFY
// carries each status change, so the row is read once the status is terminal (and once at the
// start, in case the run ended before the watch began). The answer comes when Conveyor has
// recorded the outcome (the task's result is in Postgres), without waiting for Temporal to close
// the workflow and then for a long-poll of its history to return. Without a hub (an API built
// without live updates) it waits on Temporal's long-poll of the workflow's result instead.
import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import { findRun } from '../../db/runs.repository.js';
import type { Database, Run } from '../../db/schema.js';
import { isTerminal, TERMINAL_STATES } from '../../runs/states.js';
import type { LiveHub } from './hub.js';

export interface RunEndDeps {
  db: Kysely<Database>;
  client: Client;
  live?: LiveHub;
}

/** The run's row once it has ended, or its latest row when `timeoutMs` passes (or `signal` aborts) first. */
export async function waitForRunEnd(deps: RunEndDeps, runId: string, timeoutMs: number, signal?: AbortSignal): Promise<Run | undefined> {
  const { db, client, live } = deps;
  if (!live) {
    // The long-poll is aborted at the deadline, so no request outlives its answer; a failed run rejects too.
    const stop = signal ? AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs);
    await client.withAbortSignal(stop, () => client.workflow.getHandle(runId).result()).catch(() => undefined);
    return findRun(db, runId);
  }
  return new Promise<Run | undefined>((resolve, reject) => {
    let settled = false;
    let reading: Promise<void> | undefined;
    let readAgain = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', giveUp);
      unwatch();
      outcome();
    };
    const answerNow = () => findRun(db, runId).then((run) => settle(() => resolve(run)), (error: unknown) => settle(() => reject(error)));
    // One read at a time; a wake-up during a read asks for one more after it.
    const check = () => {
      if (reading) return void (readAgain = true);
      reading = (async () => {
        do {
          readAgain = false;
          const run = await findRun(db, runId);
          if (!run || isTerminal(run.status)) return settle(() => resolve(run));
        } while (readAgain && !settled);
      })()
        .catch((error: unknown) => settle(() => reject(error)))
        .finally(() => (reading = undefined));
    };
    const unwatch = live.watchRun(runId, (change, status) => {
      if (change === 'closed') return void answerNow();
      if (change === 'logs' || change === 'steps') return;
      // A status change the payload shows is not the end needs no read.
      if (change === 'status' && status !== undefined && !(TERMINAL_STATES as readonly string[]).includes(status)) return;
      check();
    });
    const giveUp = () => void answerNow();
    const timer = setTimeout(giveUp, timeoutMs);
    signal?.addEventListener('abort', giveUp, { once: true });
    check();
  });
}
