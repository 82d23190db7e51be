// A worker SIGKILLed while it holds the only slot: the lease runs out, a queued run takes the
// slot, and the killed attempt is retried later without ever exceeding the limit.
import assert from 'node:assert/strict';
import { useHarness } from '../../support/harness.js';
import { CONCURRENCY_TASKS, maxOverlap, type Interval } from '../../support/concurrency.js';
import { spawnWorker } from '../../support/worker-process.js';

describe('reliability: concurrency slot of a SIGKILLed worker', function () {
  this.timeout(120_000);
  const h = useHarness({ worker: false, tasksDir: CONCURRENCY_TASKS });

  const trigger = async (inputs: unknown) => {
    const res = await h.request('POST', '/api/tasks/single', { inputs });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    return res.body.id as string;
  };

  afterEach(async () => {
    await h.stopWorker();
  });

  it('frees the slot when its lease expires, and retries the killed attempt within the limit', async () => {
    const doomed = await spawnWorker({ temporalAddress: h.temporalAddress, databaseUrl: h.databaseUrl, taskQueue: h.taskQueue, tasksDir: CONCURRENCY_TASKS });
    const holder = await trigger({ ms: 3_000 });
    await h.waitForRun(holder, (r) => r.status === 'running');
    const held = await h.directDb.selectFrom('concurrency_slots').selectAll().execute();
    assert.deepEqual(held.map((r) => [r.run_id, r.held]), [[holder, true]]);
    await h.startWorker();
    await doomed.kill();
    const killedAt = Date.now();
    // Triggered after the kill, so it cannot have gone to the dead worker: it waits on the dead slot.
    const waiter = await trigger({ ms: 10 });
    const [w, hd] = await Promise.all([h.waitForRun(waiter, undefined, 60_000), h.waitForRun(holder, undefined, 60_000)]);
    assert.equal(w.status, 'complete', JSON.stringify(w));
    assert.match(w.queued_reason ?? '', /^limit 1/, 'it waited for the dead worker\'s slot');
    assert.equal(hd.status, 'complete', JSON.stringify(hd));
    assert.equal(hd.attempt, 2, 'the killed attempt was retried');
    const [waited, retried] = [w.result as Interval, hd.result as Interval];
    // The lease (the heartbeat timeout) ran out before the retry's back-off did: the waiter went first.
    assert.ok(waited.startedAt < retried.startedAt, `waiter started ${waited.startedAt - killedAt} ms after the kill, the retry ${retried.startedAt - killedAt} ms`);
    assert.equal(maxOverlap([w.result as Interval, hd.result as Interval]), 1);
    assert.deepEqual(await h.directDb.selectFrom('concurrency_slots').selectAll().execute(), []);
  });
});
