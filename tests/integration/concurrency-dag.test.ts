// Concurrency limits in DAG workflows: a node's own `concurrency` counts across every run of
// its workflow, and a node running a limited task shares that task's slots with its runs.
import assert from 'node:assert/strict';
import { useHarness } from '../support/harness.js';
import { CONCURRENCY_TASKS, maxOverlap, type Interval } from '../support/concurrency.js';

describe('concurrency limits in DAG workflows', function () {
  this.timeout(120_000);
  const h = useHarness({ tasksDir: CONCURRENCY_TASKS });
  let counter = 0;

  const define = async (def: object) => {
    const slug = `limited-wf-${++counter}`;
    const created = await h.request('POST', '/api/workflows', { slug, ...def });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal((await h.request('POST', `/api/workflows/${slug}/activate`, { version: 1 })).status, 200);
    return slug;
  };
  const execute = async (slug: string, inputs: unknown = {}) => {
    const res = await h.request('POST', `/api/workflows/${slug}/execute`, { inputs });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    return res.body.id as string;
  };
  const outputOf = async (runId: string, nodeId: string) =>
    (await h.directDb.selectFrom('run_steps').select('output').where('run_id', '=', runId).where('node_id', '=', nodeId).executeTakeFirstOrThrow()).output as Interval;
  const waitingLines = async (runId: string) =>
    (await h.directDb.selectFrom('run_logs').select('message').where('run_id', '=', runId).execute()).filter((l) => l.message?.startsWith('waiting for a concurrency slot'));

  afterEach(async () => {
    for (let i = 0; i < 50 && (await h.directDb.selectFrom('concurrency_slots').select('run_id').execute()).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(await h.directDb.selectFrom('concurrency_slots').selectAll().execute(), [], 'every slot is released');
  });

  it('a node\'s limit holds across every run of its workflow, per key', async () => {
    const slug = await define({
      input: { type: 'object', properties: { customer: { type: 'string' } } },
      nodes: [{ id: 'work', task: 'nap', inputs: { ms: 300, customer: '{{ inputs.customer }}' }, concurrency: { perKey: 1, key: 'inputs.customer' } }],
    });
    const customers = ['a', 'a', 'a', 'b', 'b', 'b'];
    const ids = await Promise.all(customers.map((customer) => execute(slug, { customer })));
    const runs = await Promise.all(ids.map((id) => h.waitForRun(id, undefined, 90_000)));
    assert.deepEqual(runs.map((r) => r.status), customers.map(() => 'complete'));
    const intervals = await Promise.all(ids.map((id) => outputOf(id, 'work')));
    for (const customer of ['a', 'b']) {
      assert.equal(maxOverlap(intervals.filter((_, i) => customers[i] === customer)), 1, `customer ${customer}`);
    }
    assert.ok(maxOverlap(intervals) > 1, 'different keys ran at the same time');
    const waited = (await Promise.all(ids.map(waitingLines))).flat();
    assert.ok(waited.some((l) => /^waiting for a concurrency slot \(node work: perKey 1 \(key [ab]\), position \d+\)$/.test(l.message ?? '')), JSON.stringify(waited));
  });

  it('a node running a limited task waits for that task\'s slot, held by a task run', async () => {
    const holder = await h.request('POST', '/api/tasks/single', { inputs: { ms: 120_000 } });
    await h.waitForRun(holder.body.id, (r) => r.status === 'running');
    const slug = await define({ nodes: [{ id: 'one', task: 'single', inputs: { ms: 10 } }] });
    const runId = await execute(slug);
    for (let i = 0; i < 100 && (await waitingLines(runId)).length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal((await waitingLines(runId)).length, 1, 'the node logged that it waits for the task\'s slot');
    assert.equal((await h.waitForRun(runId, (r) => r.status !== 'pending')).status, 'running', 'the workflow run goes on waiting');
    assert.equal((await h.request('POST', `/api/runs/${holder.body.id}/cancel`, {})).status, 202);
    assert.equal((await h.waitForRun(runId, undefined, 60_000)).status, 'complete');
  });

  it("GET /api/queues and the gauges show a node's own limit while its runs hold and wait", async () => {
    const slug = await define({ nodes: [{ id: 'work', task: 'nap', inputs: { ms: 60_000 }, concurrency: { limit: 1 } }] });
    const scope = `${slug}/work`;
    type Queue = Record<string, unknown> & { task: string; running: number; queued: number };
    const listed = async () => ((await h.request('GET', '/api/queues')).body.queues as Queue[]).find((q) => q.task === scope);
    assert.deepEqual(await listed(), { task: scope, kind: 'node', limit: 1, perKey: null, key: null, running: 0, queued: 0, oldestQueuedMs: null, keys: [] }, 'listed before any run');
    const [holder, waiter] = [await execute(slug), await execute(slug)];
    let shown = await listed();
    for (let i = 0; i < 100 && !(shown?.running === 1 && shown.queued === 1); i++) {
      await new Promise((r) => setTimeout(r, 100));
      shown = await listed();
    }
    assert.deepEqual({ ...shown, oldestQueuedMs: typeof shown?.oldestQueuedMs, keys: undefined }, { task: scope, kind: 'node', limit: 1, perKey: null, key: null, running: 1, queued: 1, oldestQueuedMs: 'number', keys: undefined });
    const metrics = await (await fetch(`${h.apiUrl}/metrics`)).text();
    assert.match(metrics, new RegExp(`^conveyor_queue_running\\{task="${scope}",key=""\\} 1$`, 'm'));
    for (const id of [holder, waiter]) assert.equal((await h.request('POST', `/api/runs/${id}/cancel`, {})).status, 202);
    for (const id of [holder, waiter]) await h.waitForRun(id);
  });

  const refused: [string, object][] = [
    ['cancel-in-progress on a node', { id: 'n', task: 'nap', inputs: { ms: 1 }, concurrency: { limit: 1, onLimit: 'cancel-in-progress' } }],
    ['a key that does not parse', { id: 'n', task: 'nap', inputs: { ms: 1 }, concurrency: { perKey: 1, key: 'inputs.(' } }],
    ['no limit', { id: 'n', task: 'nap', inputs: { ms: 1 }, concurrency: {} }],
    ['concurrency on a sleep node', { id: 'n', type: 'sleep', duration: '1s', concurrency: { limit: 1 } }],
  ];
  for (const [what, node] of refused) {
    it(`refuses ${what}: 400 naming the node`, async () => {
      const res = await h.request('POST', '/api/workflows', { slug: `refused-${++counter}`, nodes: [node] });
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assert.match(JSON.stringify(res.body.error), /node n/);
    });
  }
});
