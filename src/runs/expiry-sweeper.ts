// TTL without workers: the API ends pending runs whose ttl has passed, so expiry does not
// wait for a worker to pick the run up. The state machine decides every race: the row goes
// `expired` only while it is still `pending`, and only the pass that moved it terminates
// the workflow. An attempt that starts on an expired row fails with RunAlreadyFinished.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import { finishRun, listExpiredPendingRuns } from '../db/runs.repository.js';
import type { Database } from '../db/schema.js';
import type { Logger } from '../logger.js';
import { expiredError } from './expiry.js';

export interface ExpirySweeperDeps {
  db: Kysely<Database>;
  client: Client;
  logger: Logger;
  /** Runs handled per pass; the next pass takes the rest. */
  batchSize?: number;
}

export const EXPIRY_SWEEP_INTERVAL_MS = 1_000;

/** One pass: returns the ids this pass expired. Safe in several processes at once. */
export async function sweepExpiredRuns({ db, client, logger, batchSize = 200 }: ExpirySweeperDeps): Promise<string[]> {
  const expired: string[] = [];
  for (const run of await listExpiredPendingRuns(db, batchSize)) {
    if (!(await finishRun(db, run.id, { status: 'expired', error: expiredError(run.expires_at!) }))) continue; // started, cancelled or expired meanwhile
    expired.push(run.id);
    try {
      await client.workflow.getHandle(run.id).terminate('expired: not started before its ttl ended');
    } catch (err) {
      // Not found or already closed: nothing to stop. Otherwise the workflow ends itself when a
      // worker picks it up (it checks the ttl first), and the row already says `expired`.
      if (!(err instanceof WorkflowNotFoundError)) logger.warn({ err, runId: run.id }, 'could not terminate an expired run\'s workflow');
    }
    logger.info({ runId: run.id }, 'run expired before it started');
  }
  return expired;
}

export function startExpirySweeper(deps: ExpirySweeperDeps & { intervalMs?: number }): { stop(): Promise<void> } {
  let running: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    running ??= sweepExpiredRuns(deps)
      .catch((err: unknown) => deps.logger.warn({ err }, 'expiry sweep failed; will try again'))
      .finally(() => {
        running = undefined;
      });
  }, deps.intervalMs ?? EXPIRY_SWEEP_INTERVAL_MS);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
