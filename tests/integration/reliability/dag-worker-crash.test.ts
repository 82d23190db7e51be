// A worker process killed (SIGKILL) in the middle of a DAG run: the run resumes on the
// next worker and completes; no completed node runs twice; the running node resumes
// from its checkpoint.
import assert from 'node:assert/strict';
import { FIXTURE_TASKS, useHarness } from '../../support/harness.js';
import { spawnWorker } from '../../support/worker-process.js';

describe('reliability: worker killed mid DAG run', function () {
  this.timeout(120_000);
  const h = useHarness({ worker: false });
  after(() => h.stopWorker());

  it('resumes and completes; completed nodes are not run again', async () => {
    const definition = {
      slug: 'crashy',
      nodes: [
        { id: 'first', task: 'counter', inputs: { to: 3, stepMs: 20 } },
        { id: 'long', task: 'counter', inputs: { to: 30, stepMs: 100 } },
        { id: 'last', task: 'noop' },
      ],
      edges: [{ from: 'first', to: 'long' }, { from: 'long', to: 'last' }],
    };
    assert.equal((await h.request('POST', '/api/workflows', definition)).status, 201);
    await h.request('POST', '/api/workflows/crashy/activate', { version: 1 });
    const doomed = await spawnWorker({ temporalAddress: h.temporalAddress, databaseUrl: h.databaseUrl, taskQueue: h.taskQueue, tasksDir: FIXTURE_TASKS });
    const id = (await h.request('POST', '/api/workflows/crashy/execute', { inputs: {} })).body.id as string;
    const lines = () => h.directDb.selectFrom('run_logs').select(['node_id', 'attempt', 'message']).where('run_id', '=', id).orderBy('seq').execute();
    const deadline = Date.now() + 30_000;
    while ((await lines()).filter((l) => l.node_id === 'long' && l.message?.startsWith('step ')).length < 8) {
      assert.ok(Date.now() < deadline, 'node long never got going');
      await new Promise((r) => setTimeout(r, 50));
    }
    await doomed.kill();

    await h.startWorker();
    const run = await h.waitForRun(id, undefined, 90_000);
    assert.equal(run.status, 'complete', JSON.stringify(run.error));
    const all = await lines();
    const firstStarts = all.filter((l) => l.node_id === 'first' && l.message?.startsWith('start at'));
    assert.equal(firstStarts.length, 1, 'the completed node ran exactly once');
    const steps = await h.directDb.selectFrom('run_steps').select(['node_id', 'status', 'attempt', 'output']).where('run_id', '=', id).execute();
    const long = steps.find((s) => s.node_id === 'long')!;
    assert.equal(long.status, 'complete');
    assert.equal(long.attempt, 2, 'the killed attempt was replaced by a second one');
    assert.ok((long.output as { resumedFrom: number }).resumedFrom > 0, 'the second attempt resumed from the checkpoint');
    assert.equal(steps.find((s) => s.node_id === 'last')?.status, 'complete');
  });
});
