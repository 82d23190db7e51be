// Issue 8, "bounded retries": a bookkeeping write that can never succeed must not hold a run
// open forever. Postgres itself refuses the write here (a trigger on one run's row), the
// workflow gives up after its bounded retries and fails with a BookkeepingError naming the
// step and the cause, and the reconciler then closes the row from the closed execution.
import assert from 'node:assert/strict';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { sql } from 'kysely';
import { findRun } from '../../src/db/runs.repository.js';
import { reconcileOnce } from '../../src/runs/reconciler.js';
import { logger, useHarness } from '../support/harness.js';

describe('bounded bookkeeping retries', function () {
  this.timeout(120_000);
  const h = useHarness();

  before(async () => {
    // Refuses to mark a listed run cancelled, with the listed SQLSTATE; counts every refusal
    // in a sequence (nextval is not rolled back with the refused write).
    await sql`CREATE TABLE test_refused_runs (run_id text PRIMARY KEY, errcode text NOT NULL, counter text NOT NULL)`.execute(h.directDb);
    await sql`
      CREATE FUNCTION test_refuse_cancel() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE refused test_refused_runs;
      BEGIN
        SELECT * INTO refused FROM test_refused_runs WHERE run_id = NEW.id;
        IF FOUND AND NEW.status = 'cancelled' THEN
          PERFORM nextval(refused.counter);
          RAISE EXCEPTION USING ERRCODE = refused.errcode, MESSAGE = 'test refuses to cancel ' || NEW.id;
        END IF;
        RETURN NEW;
      END $$`.execute(h.directDb);
    await sql`CREATE TRIGGER test_refuse_cancel BEFORE UPDATE ON runs FOR EACH ROW EXECUTE FUNCTION test_refuse_cancel()`.execute(h.directDb);
  });

  async function runningSleepy(): Promise<string> {
    const res = await h.request('POST', '/api/tasks/sleepy', { inputs: { ms: 60_000 } });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    await h.waitForRun(res.body.id, (run) => run.status === 'running');
    return res.body.id as string;
  }

  async function refuseCancel(id: string, errcode: string): Promise<() => Promise<number>> {
    const counter = `test_refusals_${id}`;
    await sql`CREATE SEQUENCE ${sql.id(counter)}`.execute(h.directDb);
    await sql`INSERT INTO test_refused_runs (run_id, errcode, counter) VALUES (${id}, ${errcode}, ${counter})`.execute(h.directDb);
    return async () => {
      const { rows } = await sql<{ n: string }>`SELECT CASE WHEN is_called THEN last_value ELSE 0 END AS n FROM ${sql.id(counter)}`.execute(h.directDb);
      return Number(rows[0]!.n);
    };
  }

  async function workflowFailure(id: string): Promise<ApplicationFailure> {
    const error = await h.client.workflow.getHandle(id).result().then(
      () => assert.fail('the workflow completed'),
      (err: unknown) => err,
    );
    assert.ok(error instanceof WorkflowFailedError, String(error));
    assert.ok(error.cause instanceof ApplicationFailure, String(error.cause));
    return error.cause;
  }

  it('a write that keeps failing ends the workflow after its bounded retries; the reconciler then closes the row', async () => {
    const id = await runningSleepy();
    const refusals = await refuseCancel(id, 'P0001'); // raise_exception: nothing says a retry cannot help
    assert.equal((await h.request('POST', `/api/runs/${id}/cancel`, { reason: 'stop it' })).status, 202);

    const failure = await workflowFailure(id);
    assert.equal(failure.type, 'BookkeepingError');
    assert.match(failure.message, /recordOutcome \(cancelled\)/);
    assert.match(failure.message, /test refuses to cancel/);
    assert.equal(await refusals(), 8, 'tried exactly maximumAttempts times');

    // The execution is closed; the row is not yet. The reconciler closes it from the execution.
    assert.equal((await findRun(h.directDb, id))?.status, 'running');
    await reconcileOnce({ db: h.directDb, client: h.client, logger, staleAfterMs: 0 });
    const row = await findRun(h.directDb, id);
    assert.equal(row?.status, 'failed');
    assert.equal(row?.error?.type, 'BookkeepingError');
    assert.match(row?.error?.message ?? '', /bookkeeping failed at recordOutcome \(cancelled\)/, 'the row says why');
  });

  it('a write Postgres rejects for its content is not retried at all', async () => {
    const id = await runningSleepy();
    const refusals = await refuseCancel(id, '23514'); // check_violation: the same write fails the same way
    assert.equal((await h.request('POST', `/api/runs/${id}/cancel`, { reason: 'stop it' })).status, 202);
    const failure = await workflowFailure(id);
    assert.equal(failure.type, 'BookkeepingError');
    assert.match(failure.message, /Postgres rejected the write/);
    assert.equal(await refusals(), 1);
  });
});
