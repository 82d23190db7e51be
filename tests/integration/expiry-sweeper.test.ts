// TTL without workers: the API's sweeper ends pending runs past their ttl, and every race with
// a starting attempt is decided by the state machine.
import assert from 'node:assert/strict';
import { MockActivityEnvironment } from '@temporalio/testing';
import { ApplicationFailure } from '@temporalio/common';
import { DefaultLogger } from '@temporalio/worker';
import { createActivities } from '../../src/activities/index.js';
import { listLogs } from '../../src/db/logs.repository.js';
import { createRun, findRun, markAttemptStarted } from '../../src/db/runs.repository.js';
import { sweepExpiredRuns } from '../../src/runs/expiry-sweeper.js';
import { logger, useHarness } from '../support/harness.js';

describe('ttl expiry without workers', function () {
  this.timeout(60_000);
  const h = useHarness({ worker: false });

  it('with every worker stopped, a run with ttl "3s" ends expired after its deadline and its workflow is terminated', async () => {
    const res = await h.request('POST', '/api/tasks/noop', { ttl: '3s' });
    assert.equal(res.status, 202);
    const view = (await h.request('GET', `/api/runs/${res.body.id}`)).body;
    assert.equal(view.status, 'pending');
    assert.equal(view.waitingForWorker, true);
    const run = await h.waitForRun(res.body.id, undefined, 15_000);
    assert.equal(run.status, 'expired');
    assert.equal(run.error?.type, 'Expired');
    assert.equal(run.started_at, null, 'it never ran');
    assert.ok(run.completed_at!.getTime() >= run.expires_at!.getTime(), 'not before its deadline');
    // The row is expired first, then the workflow terminated: wait for the close, then look.
    await assert.rejects(h.client.workflow.getHandle(res.body.id).result());
    const description = await h.client.workflow.getHandle(res.body.id).describe();
    assert.equal(description.status.name, 'TERMINATED');
  });

  const pendingRow = (id: string, expiresAt: Date) =>
    createRun(h.db, { id, task: 'sleepy', status: 'pending', triggered_by: 'api', inputs: JSON.stringify({ ms: 0 }), expires_at: expiresAt });

  it('racing starting attempts: the state machine decides, each run ends in exactly one state', async () => {
    const ids = Array.from({ length: 30 }, (_, i) => `run_race_${i}`);
    const past = new Date(Date.now() - 1_000);
    for (const id of ids) await pendingRow(id, past);
    const [swept, ...started] = await Promise.all([sweepExpiredRuns({ db: h.db, client: h.client, logger }), ...ids.map((id) => markAttemptStarted(h.db, id, 1))]);
    for (const [i, id] of ids.entries()) {
      const row = (await findRun(h.db, id))!;
      const attemptWon = started[i] !== undefined;
      assert.equal(swept.includes(id), !attemptWon, `${id}: exactly one of the sweeper and the attempt moved it`);
      assert.equal(row.status, attemptWon ? 'running' : 'expired', id);
    }
    // A second pass (or a second API process) finds nothing left to do.
    assert.deepEqual(await sweepExpiredRuns({ db: h.db, client: h.client, logger }), []);
  });

  it('an attempt that starts on an expired row fails with RunAlreadyFinished and does not run the task', async () => {
    const id = 'run_expired_then_started';
    await pendingRow(id, new Date(Date.now() - 1_000));
    assert.deepEqual(await sweepExpiredRuns({ db: h.db, client: h.client, logger }), [id]);
    const { executeTask } = createActivities({ db: h.db, logger, registry: h.registry, heartbeatIntervalMs: 200 });
    const env = new MockActivityEnvironment({ attempt: 1 }, { logger: new DefaultLogger('ERROR') });
    // Without expiresAt in its input: as an attempt that passed its own ttl check just before the deadline.
    const attempt = env.run(executeTask, { runId: id, task: 'sleepy', triggeredBy: 'api' as const, inputs: { ms: 0 }, maxAttempts: 1 });
    await assert.rejects(attempt, (error: unknown) => error instanceof ApplicationFailure && error.type === 'RunAlreadyFinished');
    const row = (await findRun(h.db, id))!;
    assert.equal(row.status, 'expired');
    assert.equal(row.started_at, null);
    assert.deepEqual(await listLogs(h.db, id, undefined, 100), [], 'the task never ran (it logs "sleeping" first)');
  });
});
