// The reconciler closes rows whose Temporal execution closed without Conveyor recording it.
// It must reach every open run, not only the oldest page, and record why a workflow failed.
import assert from 'node:assert/strict';
import { createRun, findRun } from '../../src/db/runs.repository.js';
import { reconcileOnce } from '../../src/runs/reconciler.js';
import { logger, useHarness } from '../support/harness.js';

describe('reconciler', function () {
  this.timeout(120_000);
  const h = useHarness({ worker: false });
  // Workflows on a queue no worker polls stay open: long-lived runs, as far as the reconciler can tell.
  const idleQueue = () => `${h.taskQueue}-nobody-polls`;
  const openRun = async (id: string) => {
    await createRun(h.db, { id, task: 'noop', status: 'running', triggered_by: 'api' });
    await h.client.workflow.start('taskRun', { workflowId: id, taskQueue: idleQueue(), args: [{ task: 'noop' }] });
  };

  it('walks every open run: a terminated one behind more than a page of long-lived runs is closed', async () => {
    const ids = Array.from({ length: 25 }, (_, i) => `long-lived-${String(i).padStart(3, '0')}`);
    for (let i = 0; i < ids.length; i += 10) await Promise.all(ids.slice(i, i + 10).map(openRun));
    // Sorts after every long-lived run, so a pass that stops after its first page never sees it.
    const terminated = 'zz-terminated';
    await openRun(terminated);
    await h.client.workflow.getHandle(terminated).terminate('test');

    const closed = await reconcileOnce({ db: h.db, client: h.client, logger, staleAfterMs: 0, pageSize: 10 });
    assert.equal(closed, 1);
    const row = await findRun(h.db, terminated);
    assert.equal(row?.status, 'cancelled');
    assert.equal(row?.error?.type, 'Terminated');
    for (const id of ids) assert.equal((await findRun(h.db, id))?.status, 'running', `${id} is still open in Temporal`);
    await Promise.all(ids.map((id) => h.client.workflow.getHandle(id).terminate('test over')));
  });

  it('records the failure a failed workflow ended with', async () => {
    const id = 'failed-outside';
    await createRun(h.db, { id, task: 'noop', status: 'running', triggered_by: 'api' });
    // A taskRun whose input is invalid fails at once with a typed, non-retryable failure.
    await h.client.workflow.start('taskRun', { workflowId: id, taskQueue: h.taskQueue, args: [{ task: '' }] });
    await h.startWorker();
    try {
      await assert.rejects(h.client.workflow.getHandle(id).result());
      await reconcileOnce({ db: h.db, client: h.client, logger, staleAfterMs: 0 });
    } finally {
      await h.stopWorker();
    }
    const row = await findRun(h.db, id);
    assert.equal(row?.status, 'failed');
    assert.equal(row?.error?.type, 'InvalidWorkflowInput');
    assert.match(row?.error?.message ?? '', /taskRun input must be/);
  });
});
