import type { Client, WorkflowExecutionDescription } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { Kysely } from 'kysely';
import { finishRun, listOpenRuns, type Outcome } from '../db/runs.repository.js';
import type { Database } from '../db/schema.js';
import type { Logger } from '../logger.js';

export interface ReconcilerDeps {
  db: Kysely<Database>;
  client: Client;
  logger: Logger;
  /** Rows untouched for this long are checked against Temporal. */
  staleAfterMs: number;
}

/** What a closed Temporal execution means for a run row Conveyor never got to close. */
async function outcomeOf(description: WorkflowExecutionDescription, client: Client, id: string): Promise<Outcome | undefined> {
  switch (description.status.name) {
    case 'COMPLETED':
      return { status: 'complete', result: await client.workflow.getHandle(id, description.runId).result() };
    case 'TERMINATED':
      return { status: 'cancelled', error: { type: 'Terminated', message: 'run terminated in Temporal' } };
    case 'CANCELLED':
      return { status: 'cancelled', error: { type: 'Cancelled', message: 'run cancelled in Temporal' } };
    case 'TIMED_OUT':
      return { status: 'timeout', error: { type: 'WorkflowTimeout', message: 'Temporal timed the run out' } };
    case 'FAILED':
      return { status: 'failed', error: { type: 'Failed', message: 'run failed in Temporal' } };
    default:
      return undefined; // RUNNING, CONTINUED_AS_NEW, …: still alive
  }
}

/**
 * Closes run rows whose Temporal execution has closed without Conveyor recording
 * it (`temporal workflow terminate`, a worker lost at the wrong moment) and
 * rows whose workflow never started. Safe to run in several processes at once:
 * every write is a conditional update.
 */
export async function reconcileOnce({ db, client, logger, staleAfterMs }: ReconcilerDeps): Promise<number> {
  const open = await listOpenRuns(db, new Date(Date.now() - staleAfterMs), 200);
  let closed = 0;
  for (const run of open) {
    let outcome: Outcome | undefined;
    try {
      outcome = await outcomeOf(await client.workflow.getHandle(run.id).describe(), client, run.id);
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
      outcome = { status: 'failed', error: { type: 'NotStarted', message: 'no Temporal execution exists for this run' } };
    }
    if (outcome && (await finishRun(db, run.id, outcome))) {
      closed++;
      logger.info({ runId: run.id, status: outcome.status }, 'reconciler closed a run');
    }
  }
  return closed;
}

export function startReconciler(deps: ReconcilerDeps & { intervalMs: number }): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = reconcileOnce(deps).catch((err: unknown) => deps.logger.warn({ err }, 'reconciler pass failed; will try again'));
  }, deps.intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
