// Concurrency limits across workers: exact limits (from the tasks' own timestamps), per key,
// priority order, and no slot leaked by a cancel, a ttl expiry or a retry back-off.
import assert from 'node:assert/strict';
import type { Run } from '../../src/db/schema.js';
import { findRun } from '../../src/db/runs.repository.js';
import { useHarness } from '../support/harness.js';
import { CONCURRENCY_TASKS, maxOverlap, type Interval } from '../support/concurrency.js';
import { openSse } from './support/sse.js';

describe('concurrency limits', function () {
  this.timeout(120_000);
  const h = useHarness({ tasksDir: CONCURRENCY_TASKS });

  const trigger = async (slug: string, body: Record<string, unknown>) => {
    const res = await h.request('POST', `/api/tasks/${slug}`, body);
    assert.equal(res.status, 202, JSON.stringify(res.body));
    return res.body.id as string;
  };
  const finished = (ids: string[]) => Promise.all(ids.map((id) => h.waitForRun(id, undefined, 90_000)));
  const intervalOf = (run: Run) => {
    assert.equal(run.status, 'complete', JSON.stringify(run));
    return run.result as Interval;
  };
  const slotRows = () => h.directDb.selectFrom('concurrency_slots').selectAll().execute();
  const cancel = async (id: string) => assert.equal((await h.request('POST', `/api/runs/${id}/cancel`, {})).status, 202);
  /** Holds the only slot of `single` until cancelled. */
  const holdSingle = async () => {
    const holder = await trigger('single', { inputs: { ms: 120_000 } });
    await h.waitForRun(holder, (r) => r.status === 'running');
    return holder;
  };

  afterEach(async () => {
    // An attempt records its outcome, then releases its slot: allow the release its moment.
    for (let i = 0; i < 50 && (await slotRows()).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(await slotRows(), [], 'every slot and place in line is released');
  });

  it('never runs more than `limit` attempts at once across three workers, and runs them all', async () => {
    await h.startWorker();
    await h.startWorker();
    const ids = await Promise.all(Array.from({ length: 30 }, () => trigger('limited', { inputs: { ms: 300 } })));
    const runs = await finished(ids);
    assert.equal(maxOverlap(runs.map(intervalOf)), 2);
    assert.ok(runs.some((r) => r.queued_reason?.startsWith('limit 2')), 'some runs waited for a slot');
  });

  it('limits per key, while runs of different keys overlap', async () => {
    const customers = ['a', 'b', 'c'];
    const ids = await Promise.all(customers.flatMap((customer) => Array.from({ length: 3 }, () => trigger('per-key', { inputs: { customer, ms: 300 } }))));
    const runs = await finished(ids);
    for (const customer of customers) {
      const mine = runs.filter((r) => (r.inputs as { customer: string }).customer === customer);
      assert.equal(maxOverlap(mine.map(intervalOf)), 1, `customer ${customer}`);
    }
    assert.ok(maxOverlap(runs.map(intervalOf)) > 1, 'different keys ran at the same time');
    // Temporal's matching shares dispatch between keys: each run's key is its fairnessKey.
    const described = await h.client.workflow.getHandle(ids[0]).describe();
    assert.equal(described.priority?.fairnessKey, 'a');
  });

  it('the concurrencyKey of a trigger overrides the key expression', async () => {
    const ids = await Promise.all(['a', 'b', 'c'].map((customer) => trigger('per-key', { inputs: { customer, ms: 300 }, concurrencyKey: 'shared' })));
    const runs = await finished(ids);
    assert.equal(maxOverlap(runs.map(intervalOf)), 1);
    assert.ok(runs.every((r) => r.concurrency_key === 'shared'));
  });

  it('starts waiting runs in priority order once the slot frees', async () => {
    const holder = await holdSingle();
    const low = await Promise.all(Array.from({ length: 10 }, () => trigger('single', { inputs: { ms: 10 }, priority: 'low' })));
    const high = await Promise.all(Array.from({ length: 10 }, () => trigger('single', { inputs: { ms: 10 }, priority: 1 })));
    await Promise.all([...low, ...high].map((id) => h.waitForRun(id, (r) => r.status === 'queued')));
    const shown = (await h.request('GET', `/api/runs/${high[0]}`)).body;
    assert.equal(shown.status, 'queued');
    assert.equal(shown.priority, 1);
    assert.match(shown.queuedReason, /^limit 1, position \d+$/);
    const { queues } = (await h.request('GET', '/api/queues')).body;
    const single = queues.find((q: { task: string }) => q.task === 'single');
    assert.deepEqual({ ...single, oldestQueuedMs: typeof single.oldestQueuedMs }, {
      task: 'single', kind: 'task', limit: 1, perKey: null, key: null, running: 1, queued: 20, oldestQueuedMs: 'number',
      keys: [{ key: '', running: 1, queued: 20, oldestQueuedMs: single.keys[0].oldestQueuedMs }],
    });
    assert.deepEqual(queues.map((q: { task: string }) => q.task).sort(), ['latest', 'limited', 'newest', 'per-key', 'single'], 'only limited tasks');
    const metrics = await (await fetch(`${h.apiUrl}/metrics`)).text();
    assert.match(metrics, /^conveyor_queue_queued\{task="single",key=""\} 20$/m);
    assert.match(metrics, /^conveyor_queue_running\{task="single",key=""\} 1$/m);
    assert.match(metrics, /^conveyor_queue_limit\{task="single",kind="limit"\} 1$/m);
    assert.match(metrics, /^conveyor_queue_oldest_queued_seconds\{task="single",key=""\} \d/m);
    await cancel(holder); // its slot is released on cancel: else nothing below starts
    const [highRuns, lowRuns] = await Promise.all([finished(high), finished(low)]);
    const lastHigh = Math.max(...highRuns.map((r) => intervalOf(r).startedAt));
    const firstLow = Math.min(...lowRuns.map((r) => intervalOf(r).startedAt));
    assert.ok(lastHigh < firstLow, 'every high-priority run started before any low one');
    assert.equal((await h.waitForRun(holder)).status, 'cancelled');
  });

  it('cancels a queued run, and expires one whose ttl passes while queued', async () => {
    const holder = await holdSingle();
    const cancelled = await trigger('single', { inputs: { ms: 10 } });
    const expiring = await trigger('single', { inputs: { ms: 10 }, ttl: '1500ms' });
    await h.waitForRun(cancelled, (r) => r.status === 'queued');
    await cancel(cancelled);
    const [c, e] = await Promise.all([h.waitForRun(cancelled), h.waitForRun(expiring)]);
    assert.equal(c.status, 'cancelled');
    assert.equal(c.started_at, null, 'it never ran');
    assert.equal(e.status, 'expired');
    assert.equal(e.error?.type, 'Expired');
    assert.notEqual(e.queued_reason, null, 'it expired while queued');
    const rows = await slotRows();
    assert.deepEqual(rows.map((r) => r.run_id), [holder], 'only the holder keeps a row');
    await cancel(holder);
    await h.waitForRun(holder);
  });

  it('gives the slot up while an attempt waits to retry', async () => {
    const retried = await trigger('single', { inputs: { ms: 10, failFirst: true } });
    await h.waitForRun(retried, (r) => r.status === 'retrying');
    const other = intervalOf(await h.waitForRun(await trigger('single', { inputs: { ms: 10 } })));
    const second = intervalOf(await h.waitForRun(retried));
    assert.ok(other.endedAt <= second.startedAt, 'the other run ran during the back-off, before the second attempt');
    assert.equal((await h.waitForRun(retried)).attempt, 2);
  });

  it('onLimit cancel-newest: a new run over the limit ends cancelled, the running one goes on', async () => {
    const holder = await trigger('newest', { inputs: { ms: 120_000 } });
    await h.waitForRun(holder, (r) => r.status === 'running');
    const newest = await h.waitForRun(await trigger('newest', { inputs: { ms: 10 } }));
    assert.equal(newest.status, 'cancelled');
    assert.equal(newest.error?.type, 'ConcurrencyLimit');
    assert.match(newest.error?.message ?? '', /^concurrency limit/);
    assert.equal(newest.started_at, null, 'it never ran');
    assert.equal((await findRun(h.directDb, holder))?.status, 'running');
    await cancel(holder);
    await h.waitForRun(holder);
  });

  it('onLimit cancel-in-progress: a new run cancels the one running for its key and takes its slot', async () => {
    const first = await trigger('latest', { inputs: { doc: 'a', ms: 120_000 } });
    const other = await trigger('latest', { inputs: { doc: 'b', ms: 120_000 } });
    await Promise.all([first, other].map((id) => h.waitForRun(id, (r) => r.status === 'running')));
    const second = await trigger('latest', { inputs: { doc: 'a', ms: 120_000 } });
    await h.waitForRun(second, (r) => r.status === 'running', 60_000);
    const third = await trigger('latest', { inputs: { doc: 'a', ms: 10 } });
    const [replaced, replacedAgain, latest] = await Promise.all([h.waitForRun(first), h.waitForRun(second), h.waitForRun(third)]);
    for (const [run, by] of [[replaced, second], [replacedAgain, third]] as const) {
      assert.equal(run.status, 'cancelled');
      assert.match(run.error?.message ?? '', new RegExp(`concurrency limit: replaced by run ${by}`));
    }
    assert.equal(latest.status, 'complete');
    // Each newcomer waited in line until the attempt it replaced had stopped and released the slot.
    for (const run of [replacedAgain, latest]) assert.match(run.queued_reason ?? '', /^perKey 1 \(key a\)/);
    assert.equal((await findRun(h.directDb, other))?.status, 'running', 'another key is untouched');
    await cancel(other);
    await h.waitForRun(other);
  });

  it('GET /api/runs/events sends a `slots` event naming the scope when a slot is freed', async () => {
    const stream = await openSse(`${h.apiUrl}/api/runs/events`);
    try {
      await stream.next((e) => e.event === 'ready');
      const id = await trigger('single', { inputs: { ms: 10 } });
      await stream.next((e) => e.event === 'run' && e.data.id === id && e.data.status === 'complete', 'the run completing');
      // The attempt frees its slot after recording its outcome: the release is its own event.
      const freed = await stream.next((e) => e.event === 'slots', 'the slot freed');
      assert.deepEqual(freed.data, { scope: 'single' });
    } finally {
      stream.close();
    }
  });
});
