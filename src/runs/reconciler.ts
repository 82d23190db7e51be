import type { Client, WorkflowExecutionDescription } from '@temporalio/client';
import { WorkflowFailedError, WorkflowNotFoundError } from '@temporalio/client';
import type { Kysely } from 'kysely';
import { finishRun, listOpenRuns, type OpenRun, type Outcome } from '../db/runs.repository.js';
import type { Database } from '../db/schema.js';
import type { Logger } from '../logger.js';

export interface ReconcilerDeps {
  db: Kysely<Database>;
  client: Client;
  logger: Logger;
  /** Rows untouched for this long are checked against Temporal. */
  staleAfterMs: number;
  /** Rows read per query while a pass walks every open run. */
  pageSize?: number;
}

/** The failure a closed workflow ended with, as the run's error. */
async function failureOf(client: Client, id: string, runId: string): Promise<Outcome> {
  const error = await client.workflow.getHandle(id, runId).result().then(
    () => undefined,
    (e: unknown) => e,
  );
  const cause = error instanceof WorkflowFailedError && error.cause ? error.cause : error;
  const message = cause instanceof Error ? cause.message : 'run failed in Temporal';
  const type = cause instanceof Error && 'type' in cause && typeof cause.type === 'string' ? cause.type : 'Failed';
  return { status: 'failed', error: { type, message } };
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
      return failureOf(client, id, description.runId);
    default:
      return undefined; // RUNNING, CONTINUED_AS_NEW, …: still alive
  }
}

async function reconcileRun({ db, client }: ReconcilerDeps, run: OpenRun): Promise<Outcome | undefined> {
  let outcome: Outcome | undefined;
  try {
    outcome = await outcomeOf(await client.workflow.getHandle(run.id).describe(), client, run.id);
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
    outcome = { status: 'failed', error: { type: 'NotStarted', message: 'no Temporal execution exists for this run' } };
  }
  return outcome && (await finishRun(db, run.id, outcome)) ? outcome : undefined;
}

/**
 * Closes run rows whose Temporal execution has closed without Conveyor recording it
 * (`temporal workflow terminate`, a worker lost at the wrong moment, bookkeeping that gave
 * up) and rows whose workflow never started. Walks every open run, a page at a time; a run
 * that cannot be checked is logged and the pass goes on. Safe to run in several processes
 * at once: every write is a conditional update.
 */
export async function reconcileOnce(deps: ReconcilerDeps): Promise<number> {
  const { db, logger, staleAfterMs, pageSize = 200 } = deps;
  const olderThan = new Date(Date.now() - staleAfterMs);
  let closed = 0;
  let afterId: string | undefined;
  for (;;) {
    const page = await listOpenRuns(db, olderThan, pageSize, afterId);
    for (const run of page) {
      try {
        const outcome = await reconcileRun(deps, run);
        if (outcome) {
          closed++;
          logger.info({ runId: run.id, status: outcome.status }, 'reconciler closed a run');
        }
      } catch (err) {
        logger.warn({ err, runId: run.id }, 'reconciler could not check a run; will try again next pass');
      }
    }
    if (page.length < pageSize) return closed;
    afterId = page[page.length - 1].id;
  }
}

export function startReconciler(deps: ReconcilerDeps & { intervalMs: number }): { stop(): Promise<void> } {
  let running: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    // A pass walks every open run; the next one starts only after it ends.
    running ??= reconcileOnce(deps)
      .catch((err: unknown) => deps.logger.warn({ err }, 'reconciler pass failed; will try again'))
      .finally(() => (running = undefined));
  }, deps.intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
