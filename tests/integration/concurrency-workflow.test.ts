// A workflow's own `concurrency` limits whole DAG runs (every version of its slug): a run over
// the limit is `queued` before its first node and starts when a slot frees, whatever ends the
// run holding it.
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { useHarness, logger } from '../support/harness.js';
import { CONCURRENCY_TASKS, maxOverlap, type Interval } from '../support/concurrency.js';
import { reconcileOnce } from '../../src/runs/reconciler.js';
import { insertDefinitionVersion } from '../../src/db/workflows.repository.js';

describe('concurrency limits on whole DAG workflow runs', function () {
  this.timeout(120_000);
  const h = useHarness({ tasksDir: CONCURRENCY_TASKS });
  let counter = 0;

  const nap = { nodes: [{ id: 'work', task: 'nap', inputs: { ms: '{{ inputs.ms }}' } }] };
  const define = async (concurrency: object, def: object = nap) => {
    const slug = `limited-runs-${++counter}`;
    const created = await h.request('POST', '/api/workflows', { slug, concurrency, ...def });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal((await h.request('POST', `/api/workflows/${slug}/activate`, { version: 1 })).status, 200);
    return slug;
  };
  const execute = async (slug: string, inputs: object, more: object = {}) => {
    const res = await h.request('POST', `/api/workflows/${slug}/execute`, { inputs, ...more });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    return res.body.id as string;
  };
  const stepOf = (runId: string) => h.directDb.selectFrom('run_steps').selectAll().where('run_id', '=', runId).where('node_id', '=', 'work').executeTakeFirst();
  const intervalOf = async (runId: string) => (await stepOf(runId))?.output as Interval;
  const queued = (id: string) => h.waitForRun(id, (r) => r.status === 'queued');
  const cancel = async (id: string, reason?: string) => assert.equal((await h.request('POST', `/api/runs/${id}/cancel`, reason ? { reason } : {})).status, 202);
  const holding = async (id: string) => {
    await h.waitForRun(id, (r) => r.status === 'running');
    for (let i = 0; i < 200 && !(await stepOf(id)); i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(await stepOf(id), `run ${id} started its node`);
  };

  /** A run holding the slot of `slug` (limit 1), and one more waiting behind it (`more`: trigger fields). */
  const holderAndWaiter = async (slug: string, more: object = {}) => {
    const holder = await execute(slug, { ms: 60_000 });
    await holding(holder);
    const waiter = await execute(slug, { ms: 10 }, more);
    await queued(waiter);
    return { holder, waiter };
  };

  afterEach(async () => {
    for (let i = 0; i < 50 && (await h.directDb.selectFrom('concurrency_slots').select('run_id').execute()).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(await h.directDb.selectFrom('concurrency_slots').selectAll().execute(), [], 'every slot is released');
  });

  it('limit 1: a second run is queued until the first ends, then runs; they never overlap', async () => {
    const slug = await define({ limit: 1 });
    const first = await execute(slug, { ms: 1_500 });
    await holding(first);
    const second = await execute(slug, { ms: 10 });
    const waiting = await queued(second);
    assert.equal(waiting.queued_reason, 'limit 1, position 1');
    const shown = (await h.request('GET', `/api/runs/${second}`)).body;
    assert.equal(shown.queuedReason, 'limit 1, position 1');
    assert.equal(await stepOf(second), undefined, 'no node of a queued run has started');
    const { queues } = (await h.request('GET', '/api/queues')).body;
    const mine = queues.find((q: { task: string }) => q.task === `workflow:${slug}`);
    assert.deepEqual({ ...mine, oldestQueuedMs: typeof mine.oldestQueuedMs, keys: mine.keys.length }, {
      task: `workflow:${slug}`, kind: 'workflow', limit: 1, perKey: null, key: null, running: 1, queued: 1, oldestQueuedMs: 'number', keys: 1,
    });
    const metrics = await (await fetch(`${h.apiUrl}/metrics`)).text();
    assert.match(metrics, new RegExp(`^conveyor_queue_queued\\{task="workflow:${slug}",key=""\\} 1$`, 'm'));
    assert.match(metrics, new RegExp(`^conveyor_queue_limit\\{task="workflow:${slug}",kind="limit"\\} 1$`, 'm'));
    const [a, b] = await Promise.all([h.waitForRun(first), h.waitForRun(second)]);
    assert.deepEqual([a.status, b.status], ['complete', 'complete']);
    const [ia, ib] = await Promise.all([intervalOf(first), intervalOf(second)]);
    assert.ok(ib.startedAt >= ia.endedAt, `the second run's node started (${ib.startedAt}) after the first's ended (${ia.endedAt})`);
    assert.ok(b.started_at!.getTime() >= a.completed_at!.getTime(), 'the queued run counts as started when it got its slot');
  });

  it('perKey 1: runs of one key never overlap, runs of different keys do; a trigger\'s concurrencyKey overrides the key', async () => {
    const slug = await define({ perKey: 1, key: 'inputs.customer' });
    const customers = ['a', 'a', 'a', 'b', 'b', 'b'];
    const ids = await Promise.all(customers.map((customer) => execute(slug, { ms: 300, customer })));
    const runs = await Promise.all(ids.map((id) => h.waitForRun(id, undefined, 90_000)));
    assert.deepEqual(runs.map((r) => r.status), customers.map(() => 'complete'));
    assert.deepEqual(runs.map((r) => r.concurrency_key), customers, 'each row shows the key it counted against');
    const intervals = await Promise.all(ids.map(intervalOf));
    for (const customer of ['a', 'b']) assert.equal(maxOverlap(intervals.filter((_, i) => customers[i] === customer)), 1, `customer ${customer}`);
    assert.ok(maxOverlap(intervals) > 1, 'different keys ran at the same time');

    const holder = await execute(slug, { ms: 60_000, customer: 'x' }, { concurrencyKey: 'shared' });
    await holding(holder);
    const other = await execute(slug, { ms: 10, customer: 'y' }, { concurrencyKey: 'shared' });
    assert.match((await queued(other)).queued_reason ?? '', /^perKey 1 \(key shared\), position 1$/);
    await cancel(holder);
    assert.equal((await h.waitForRun(other)).status, 'complete');
  });

  it('a cancelled queued run leaves the line: the next one starts once the holder ends', async () => {
    const slug = await define({ limit: 1 });
    const { holder, waiter: leaving } = await holderAndWaiter(slug);
    const next = await execute(slug, { ms: 10 });
    assert.match((await queued(next)).queued_reason ?? '', /^limit 1, position 2$/);
    await cancel(leaving, 'no longer wanted');
    const left = await h.waitForRun(leaving);
    assert.equal(left.status, 'cancelled');
    assert.deepEqual(left.error, { type: 'Cancelled', message: 'no longer wanted' });
    assert.equal(await stepOf(leaving), undefined, 'the cancelled run never ran its node');
    await cancel(holder);
    assert.equal((await h.waitForRun(holder)).status, 'cancelled');
    assert.equal((await h.waitForRun(next)).status, 'complete');
  });

  it('a queued run cancelled by a Temporal cancel request ends cancelled and leaves the line', async () => {
    const slug = await define({ limit: 1 });
    const { holder, waiter: leaving } = await holderAndWaiter(slug);
    await h.client.workflow.getHandle(leaving).cancel();
    const left = await h.waitForRun(leaving);
    assert.equal(left.status, 'cancelled');
    assert.equal(left.error?.message, 'cancelled by a Temporal cancel request');
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM concurrency_slots WHERE run_id = ${leaving}`.execute(h.directDb);
    assert.equal(rows[0]!.n, 0, 'the cancelled run left the line');
    await cancel(holder);
  });

  const approve = async (runId: string) => {
    const gate = () => h.directDb.selectFrom('run_steps').select('status').where('run_id', '=', runId).where('node_id', '=', 'gate').executeTakeFirst();
    for (let i = 0; i < 200 && (await gate())?.status !== 'running'; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal((await h.request('POST', `/api/runs/${runId}/nodes/gate/approve`, { approved: true })).status, 202);
  };

  it('a run waiting for an approval keeps its slot until it ends', async () => {
    const slug = await define({ limit: 1 }, { nodes: [{ id: 'gate', type: 'approval' }, { id: 'work', task: 'nap', inputs: { ms: '{{ inputs.ms }}' } }], edges: [{ from: 'gate', to: 'work' }] });
    const first = await execute(slug, { ms: 10 });
    await h.waitForRun(first, (r) => r.status === 'running');
    const second = await execute(slug, { ms: 10 });
    await queued(second);
    assert.equal((await h.waitForRun(first, (r) => r.status !== 'pending')).status, 'running', 'the first waits for its approval, holding the slot');
    await approve(first);
    const done = await h.waitForRun(first);
    assert.equal(done.status, 'complete');
    const started = await h.waitForRun(second, (r) => r.status !== 'queued');
    assert.equal(started.status, 'running', 'the second run got the slot once the first ended');
    assert.ok(started.started_at!.getTime() >= done.completed_at!.getTime(), 'and not before');
    await approve(second);
    assert.equal((await h.waitForRun(second)).status, 'complete');
  });

  it('a run that continues as new keeps its slot across executions', async () => {
    const chain = Array.from({ length: 12 }, (_, i) => ({ id: i === 11 ? 'work' : `n${i}`, task: 'nap', inputs: { ms: '{{ inputs.ms }}' } }));
    const slug = await define({ limit: 1 }, { nodes: chain, edges: chain.slice(1).map((n, i) => ({ from: chain[i].id, to: n.id })) });
    // Started as a schedule starts runs (no row yet), with a low history limit so it continues as new.
    const handle = await h.client.workflow.start('dagRun', { workflowId: `continuing-${counter}`, taskQueue: h.taskQueue, args: [{ workflow: slug, inputs: { ms: 100 }, historyLimit: 20 }] });
    await h.waitForRun(handle.workflowId, (r) => r.status === 'running');
    const second = await execute(slug, { ms: 10 });
    await queued(second);
    const first = await h.waitForRun(handle.workflowId, undefined, 60_000);
    assert.equal(first.status, 'complete');
    assert.notEqual((await handle.describe()).runId, handle.firstExecutionRunId, 'the first run continued as new');
    const next = await h.waitForRun(second);
    assert.equal(next.status, 'complete');
    assert.ok(next.started_at!.getTime() >= first.completed_at!.getTime(), 'the second run started only after the first (all its executions) ended');
  });

  it('a queued run whose ttl passes ends expired and leaves the line', async () => {
    const slug = await define({ limit: 1 });
    const { holder, waiter: late } = await holderAndWaiter(slug, { ttl: '2s' });
    const expired = await h.waitForRun(late);
    assert.equal(expired.status, 'expired');
    assert.equal(expired.error?.type, 'Expired');
    assert.equal(await stepOf(late), undefined);
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM concurrency_slots WHERE run_id = ${late}`.execute(h.directDb);
    assert.equal(rows[0]!.n, 0, 'the expired run left the line');
    await cancel(holder);
  });

  it('cancel-newest: a run over the limit ends cancelled at once, reason concurrency limit', async () => {
    const slug = await define({ limit: 1, onLimit: 'cancel-newest' });
    const holder = await execute(slug, { ms: 60_000 });
    await holding(holder);
    const newest = await h.waitForRun(await execute(slug, { ms: 10 }));
    assert.equal(newest.status, 'cancelled');
    assert.deepEqual(newest.error, { type: 'ConcurrencyLimit', message: 'concurrency limit (limit 1)' });
    assert.equal(await stepOf(newest.id), undefined, 'it never ran a node');
    assert.equal((await h.waitForRun(holder, (r) => r.status !== 'pending')).status, 'running', 'the holder runs on');
    await cancel(holder);
  });

  it('cancel-in-progress: a new run cancels the one holding its key and runs once that one has ended', async () => {
    const slug = await define({ perKey: 1, key: 'inputs.customer', onLimit: 'cancel-in-progress' });
    const old = await execute(slug, { ms: 60_000, customer: 'c' });
    await holding(old);
    const other = await execute(slug, { ms: 60_000, customer: 'd' });
    await holding(other);
    const newer = await execute(slug, { ms: 10, customer: 'c' });
    const replaced = await h.waitForRun(old);
    assert.equal(replaced.status, 'cancelled');
    assert.deepEqual(replaced.error, { type: 'Cancelled', message: `concurrency limit: replaced by run ${newer}` });
    const done = await h.waitForRun(newer);
    assert.equal(done.status, 'complete');
    assert.ok((await intervalOf(newer)).startedAt >= replaced.completed_at!.getTime() - 5, 'the new run ran only after the old one ended');
    assert.equal((await h.waitForRun(other, (r) => r.status !== 'pending')).status, 'running', 'another key is untouched');
    await cancel(other);
  });

  it('a running DAG run terminated in Temporal: the reconciler closes its row and that frees its slot', async () => {
    const slug = await define({ limit: 1 });
    const { holder, waiter: waiting } = await holderAndWaiter(slug);
    await h.client.workflow.getHandle(holder).terminate('operator');
    assert.equal((await h.waitForRun(waiting, (r) => r.status !== 'pending')).status, 'queued', 'the terminated run\'s row (and slot) is still open');
    await reconcileOnce({ db: h.db, client: h.client, logger, staleAfterMs: 0 });
    const closed = await h.waitForRun(holder);
    assert.equal(closed.status, 'cancelled');
    assert.equal(closed.error?.type, 'Terminated');
    assert.equal((await h.waitForRun(waiting)).status, 'complete');
  });

  it('queued runs start in priority order, then oldest first', async () => {
    const slug = await define({ limit: 1 });
    const holder = await execute(slug, { ms: 60_000 });
    await holding(holder);
    const low: string[] = [];
    for (let i = 0; i < 3; i++) low.push(await execute(slug, { ms: 20 }, { priority: 'low' }));
    const high: string[] = [];
    for (let i = 0; i < 3; i++) high.push(await execute(slug, { ms: 20 }, { priority: 1 }));
    await Promise.all([...low, ...high].map(queued));
    await cancel(holder);
    const runs = await Promise.all([...high, ...low].map((id) => h.waitForRun(id, undefined, 60_000)));
    assert.deepEqual(runs.map((r) => r.status), runs.map(() => 'complete'));
    const started = await Promise.all([...high, ...low].map(async (id) => ({ id, at: (await intervalOf(id)).startedAt })));
    const order = started.sort((x, y) => x.at - y.at).map((s) => s.id);
    assert.deepEqual(order, [...high, ...low], 'high priority first, each priority oldest first');
  });

  it('an unlimited workflow never touches the slot table', async () => {
    const slug = `unlimited-${++counter}`;
    assert.equal((await h.request('POST', '/api/workflows', { slug, ...nap })).status, 201);
    assert.equal((await h.request('POST', `/api/workflows/${slug}/activate`, { version: 1 })).status, 200);
    await h.directDb.transaction().execute(async (trx) => {
      // Any read or write of the slot table (the acquisition, the release trigger) would now block.
      await sql`LOCK TABLE concurrency_slots IN ACCESS EXCLUSIVE MODE`.execute(trx);
      const id = await execute(slug, { ms: 10 });
      assert.equal((await h.waitForRun(id)).status, 'complete');
    });
  });

  const refused: [string, object, RegExp][] = [
    ['limit 0', { limit: 0 }, /concurrency\.limit/],
    ['an unknown onLimit', { limit: 1, onLimit: 'drop-oldest' }, /concurrency\.onLimit/],
    ['a key that does not parse', { perKey: 1, key: 'inputs.(' }, /concurrency\.key/],
    ['a key reading a node', { perKey: 1, key: 'nodes.work.output' }, /concurrency\.key: a workflow's key reads only `inputs`/],
    ['neither limit nor perKey', {}, /concurrency: concurrency needs limit or perKey/],
    ['an unknown field', { limit: 1, max: 2 }, /concurrency/],
  ];
  for (const [what, concurrency, message] of refused) {
    it(`refuses ${what} on create: 400 naming the field`, async () => {
      const res = await h.request('POST', '/api/workflows', { slug: `refused-${++counter}`, concurrency, ...nap });
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assert.equal(res.body.error.code, 'invalid_workflow');
      assert.match(res.body.error.message, message);
    });
  }

  it('refuses to activate a stored version with a bad concurrency: 400 naming the field', async () => {
    const slug = `stored-${++counter}`;
    await insertDefinitionVersion(h.directDb, slug, { slug, concurrency: { limit: 0 }, ...nap, edges: [] }, true);
    const res = await h.request('POST', `/api/workflows/${slug}/activate`, { version: 1 });
    assert.equal(res.status, 400, JSON.stringify(res.body));
    assert.match(res.body.error.message, /concurrency\.limit/);
  });
});
