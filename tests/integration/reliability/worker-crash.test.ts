// A worker process killed with SIGKILL: its runs resume on the next worker, from the
// last checkpoint, and complete once.
import assert from 'node:assert/strict';
import { FIXTURE_TASKS, useHarness } from '../../support/harness.js';
import { freePort } from '../../../src/infra/temporal-dev-server.js';
import { spawnWorker } from '../../support/worker-process.js';

describe('reliability: worker killed with SIGKILL', function () {
  this.timeout(120_000);
  const h = useHarness({ worker: false });

  const trigger = async (inputs: unknown) => {
    const res = await h.request('POST', '/api/tasks/counter', { inputs });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    return res.body.id as string;
  };
  const linesOf = async (id: string) =>
    h.directDb.selectFrom('run_logs').select(['attempt', 'message']).where('run_id', '=', id).orderBy('seq').execute();

  afterEach(async () => {
    await h.stopWorker();
  });

  it('resumes a checkpointed task from its checkpoint, not from zero', async () => {
    const metricsPort = await freePort();
    const doomed = await spawnWorker({
      temporalAddress: h.temporalAddress, databaseUrl: h.databaseUrl, taskQueue: h.taskQueue, tasksDir: FIXTURE_TASKS, metricsAddress: `127.0.0.1:${metricsPort}`,
    });
    const id = await trigger({ to: 30, stepMs: 100 });
    // Let it get well past its first checkpoints, then kill it without warning.
    const deadline = Date.now() + 30_000;
    while ((await linesOf(id)).filter((l) => l.message?.startsWith('step ')).length < 10) {
      assert.ok(Date.now() < deadline, 'the first attempt never reached step 10');
      await new Promise((r) => setTimeout(r, 50));
    }
    // The worker process serves the Temporal SDK's metrics on its own port.
    const metrics = await fetch(`http://127.0.0.1:${metricsPort}/metrics`).then((r) => r.text());
    assert.match(metrics, /temporal_\w+/);
    await doomed.kill();
    const stepsBeforeKill = (await linesOf(id)).filter((l) => l.attempt === 1 && l.message?.startsWith('step ')).length;

    await h.startWorker();
    const run = await h.waitForRun(id, undefined, 60_000);
    assert.equal(run.status, 'complete');
    assert.equal(run.attempt, 2, 'the heartbeat timeout moved the run to a second attempt');
    const result = run.result as { to: number; resumedFrom: number };
    assert.ok(result.resumedFrom >= 5, `resumed from checkpoint ${result.resumedFrom}, expected well past 0 (attempt 1 logged ${stepsBeforeKill} steps)`);
    assert.ok(result.resumedFrom <= stepsBeforeKill, 'cannot resume past what attempt 1 did');
    const second = (await linesOf(id)).filter((l) => l.attempt === 2).map((l) => l.message);
    assert.equal(second[0], `start at ${result.resumedFrom + 1}`);
    assert.deepEqual(
      second.filter((m) => m?.startsWith('step ')),
      Array.from({ length: 30 - result.resumedFrom }, (_, i) => `step ${result.resumedFrom + 1 + i}`),
      'attempt 2 runs exactly the steps after the checkpoint',
    );
  });

  it('completes every run of a burst once a worker is back', async () => {
    const doomed = await spawnWorker({ temporalAddress: h.temporalAddress, databaseUrl: h.databaseUrl, taskQueue: h.taskQueue, tasksDir: FIXTURE_TASKS });
    const ids = await Promise.all(Array.from({ length: 40 }, () => trigger({ to: 8, stepMs: 100 })));
    // Kill it mid-burst: some runs done, some running, some not started.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const done = await h.directDb.selectFrom('runs').select('id').where('id', 'in', ids).where('status', '=', 'complete').execute();
      if (done.length >= 5) break;
      assert.ok(Date.now() < deadline, 'no run completed on the first worker');
      await new Promise((r) => setTimeout(r, 50));
    }
    await doomed.kill();
    const before = await h.directDb.selectFrom('runs').select(['id', 'status']).where('id', 'in', ids).execute();
    assert.ok(before.some((r) => r.status !== 'complete'), 'the kill must land mid-burst');

    await h.startWorker();
    for (const id of ids) {
      const run = await h.waitForRun(id, undefined, 90_000);
      assert.equal(run.status, 'complete', `run ${id}: ${JSON.stringify(run.error)}`);
      const result = await h.client.workflow.getHandle(id).result();
      assert.deepEqual(result, run.result, 'the workflow and the row agree on the one result');
    }
    const rows = await h.directDb.selectFrom('runs').select('id').where('id', 'in', ids).execute();
    assert.equal(rows.length, ids.length, 'no run row lost');
  });
});
