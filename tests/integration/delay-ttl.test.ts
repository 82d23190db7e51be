// Delays (durable timer, reschedulable), ttl (expired), and waitingForWorker.
import assert from 'node:assert/strict';
import { useHarness } from '../support/harness.js';

describe('delayed runs, ttl and waiting for a worker', function () {
  this.timeout(60_000);
  const h = useHarness({ worker: false });
  afterEach(() => h.stopWorker());
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('reports waitingForWorker while no worker polls; a ttl that passes first ends the run as expired', async () => {
    const res = await h.request('POST', '/api/tasks/noop', { ttl: '1s' });
    assert.equal(res.status, 202);
    const view = (await h.request('GET', `/api/runs/${res.body.id}`)).body;
    assert.equal(view.status, 'pending');
    assert.equal(view.waitingForWorker, true);
    assert.ok(Date.parse(view.expiresAt) > Date.now());
    const fresh = await h.request('POST', '/api/tasks/noop', { ttl: '1m' });
    await sleep(1_500);
    await h.startWorker();
    const expired = await h.waitForRun(res.body.id);
    assert.equal(expired.status, 'expired');
    assert.equal(expired.error?.type, 'Expired');
    assert.equal(expired.started_at, null, 'it never ran');
    assert.equal((await h.waitForRun(fresh.body.id)).status, 'complete', 'a run within its ttl runs');
  });

  it('a delayed run stays pending until its time, then runs', async () => {
    await h.startWorker();
    const res = await h.request('POST', '/api/tasks/noop', { delay: '2s' });
    const triggeredAt = Date.now();
    await sleep(1_000);
    const pending = (await h.request('GET', `/api/runs/${res.body.id}`)).body;
    assert.equal(pending.status, 'pending');
    assert.equal(pending.waitingForWorker, false);
    const run = await h.waitForRun(res.body.id, undefined, 15_000);
    assert.equal(run.status, 'complete');
    assert.ok(run.started_at!.getTime() >= triggeredAt + 1_800, 'not started before its delay');
  });

  it('reschedule moves a waiting run; a run not waiting answers 409; cancel works while it waits', async () => {
    await h.startWorker();
    const at = new Date(Date.now() + 3_600_000).toISOString();
    const res = await h.request('POST', '/api/tasks/noop', { delay: at });
    assert.equal((await h.request('GET', `/api/runs/${res.body.id}`)).body.runAt, at);
    const moved = await h.request('POST', `/api/runs/${res.body.id}/reschedule`, { delay: '500ms' });
    assert.equal(moved.status, 202, JSON.stringify(moved.body));
    const run = await h.waitForRun(res.body.id, undefined, 15_000);
    assert.equal(run.status, 'complete');
    assert.equal((await h.request('POST', `/api/runs/${res.body.id}/reschedule`, { delay: '1s' })).status, 409);

    const waiting = await h.request('POST', '/api/tasks/noop', { delay: '1h' });
    const cancel = await h.request('POST', `/api/runs/${waiting.body.id}/cancel`, { reason: 'not needed' });
    assert.equal(cancel.status, 202);
    assert.equal((await h.waitForRun(waiting.body.id)).status, 'cancelled');
  });
});
