// What the dashboard's runs list and DAG run page read: filters (workflow, task, time range,
// run id search) with keyset paging, counts per status, and a DAG run's graph.
import assert from 'node:assert/strict';
import { RUN_STATES, type RunStatus } from '../../src/runs/states.js';
import { useHarness } from '../support/harness.js';

describe('dashboard: runs filters, counts and the DAG graph', function () {
  this.timeout(90_000);
  const h = useHarness();
  const at = (day: number) => new Date(Date.UTC(2020, 0, day, 12));
  const seed: Array<{ id: string; task: string; kind: 'task' | 'workflow'; status: RunStatus; day: number }> = [
    { id: 'run_filt_1', task: 'filt-task', kind: 'task', status: 'complete', day: 1 },
    { id: 'run_filt_2', task: 'filt-task', kind: 'task', status: 'failed', day: 2 },
    { id: 'run_filt_3', task: 'filt-task', kind: 'task', status: 'pending', day: 3 },
    { id: 'run_filt_4', task: 'filt-wf', kind: 'workflow', status: 'complete', day: 4 },
    { id: 'run_filt_5', task: 'filt-wf', kind: 'workflow', status: 'running', day: 5 },
    // A task sharing the workflow's slug, and an id `run_filt_` would match if `_` were a wildcard.
    { id: 'runxfilt_6', task: 'filt-wf', kind: 'task', status: 'complete', day: 6 },
  ];
  const ids = (body: { runs: Array<{ id: string }> }) => body.runs.map((r) => r.id);
  const get = (query: string) => h.request('GET', `/api/runs${query}`);

  before(async () => {
    await h.directDb
      .insertInto('runs')
      .values(seed.map((r) => ({ id: r.id, task: r.task, kind: r.kind, status: r.status, triggered_by: 'api' as const, created_at: at(r.day), ...(r.kind === 'workflow' ? { workflow_slug: r.task, workflow_version: 1 } : {}) })))
      .execute();
  });

  it('workflow and task filters pick their kind of run; a time range and a run id prefix narrow them', async () => {
    assert.deepEqual(ids((await get('?workflow=filt-wf')).body), ['run_filt_5', 'run_filt_4']);
    assert.deepEqual(ids((await get('?task=filt-wf')).body), ['runxfilt_6']);
    assert.deepEqual(ids((await get('?task=filt-task&status=failed')).body), ['run_filt_2']);
    assert.deepEqual(ids((await get('?from=2020-01-02T00:00:00Z&to=2020-01-04T12:00:00Z')).body), ['run_filt_3', 'run_filt_2'], 'from inclusive, to exclusive');
    assert.deepEqual(ids((await get('?from=2020-01-05T00:00:00%2B02:00&q=run')).body), ['runxfilt_6', 'run_filt_5'], 'an offset is honoured');
    assert.deepEqual(ids((await get('?q=run_filt_')).body), ['run_filt_5', 'run_filt_4', 'run_filt_3', 'run_filt_2', 'run_filt_1'], '_ is not a wildcard');
    assert.deepEqual(ids((await get('?q=run_filt_3')).body), ['run_filt_3'], 'an exact id');
    assert.deepEqual(ids((await get('?q=run_filt_33')).body), []);
  });

  it('keyset paging keeps the filters', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { runs: Array<{ id: string }>; nextCursor: string | null } } = await get(`?q=run_filt&to=2020-01-05T00:00:00Z&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...ids(page.body));
      cursor = page.body.nextCursor;
    } while (cursor);
    assert.deepEqual(seen, ['run_filt_4', 'run_filt_3', 'run_filt_2', 'run_filt_1']);
  });

  it('GET /api/runs/counts: every status, 0 when none, with the same filters but status', async () => {
    const { status, body } = await h.request('GET', '/api/runs/counts?task=filt-task');
    assert.equal(status, 200);
    assert.deepEqual(Object.keys(body.counts).sort(), [...RUN_STATES].sort());
    assert.deepEqual(body.counts, { ...Object.fromEntries(RUN_STATES.map((s) => [s, 0])), complete: 1, failed: 1, pending: 1 });
    const wf = (await h.request('GET', '/api/runs/counts?workflow=filt-wf&from=2020-01-05T00:00:00Z')).body.counts;
    assert.equal(wf.running, 1);
    assert.equal(wf.complete, 0);
    assert.equal((await h.request('GET', '/api/runs/counts?q=runxfilt')).body.counts.complete, 1);
  });

  it("the dashboard's Run button: triggeredBy 'user' is recorded; anything but 'api' or 'user' is a 400 naming it", async () => {
    const started = await h.request('POST', '/api/tasks/noop', { triggeredBy: 'user' });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    assert.equal((await h.request('GET', `/api/runs/${started.body.id}`)).body.triggeredBy, 'user');
    const refused = await h.request('POST', '/api/tasks/noop', { triggeredBy: 'schedule' });
    assert.equal(refused.status, 400);
    assert.equal(refused.body.error.details[0].field, 'triggeredBy');
  });

  it('bad values are a 400 naming the field', async () => {
    const cases: Array<[string, string]> = [
      ['/api/runs?from=yesterday', 'from'],
      ['/api/runs?to=2020-13-01T00:00:00Z', 'to'],
      ['/api/runs?q=run%25', 'q'],
      ['/api/runs?task=a&workflow=b', 'workflow'],
      ['/api/runs?from=2020-01-03T00:00:00Z&to=2020-01-02T00:00:00Z', 'to'],
      ['/api/runs/counts?status=complete', 'status'],
      ['/api/runs/counts?from=soon', 'from'],
      ['/api/runs?status=done', 'status'],
    ];
    for (const [url, field] of cases) {
      const res = await h.request('GET', url);
      assert.equal(res.status, 400, url);
      assert.match(res.body.error.message, new RegExp(`^${field}:|\\b${field}\\b`), `${url}: ${res.body.error.message}`);
    }
  });

  it("a DAG run's graph: nodes with type, task, status, skip reason and attempts; edges with condition and taken; logs by node; every version's definition", async () => {
    const slug = 'graph-wf';
    const nodes = [
      { id: 'start', task: 'echo', inputs: { message: 'go', count: 1 } },
      { id: 'yes', task: 'echo', inputs: { message: 'yes', count: 1 } },
      { id: 'no', task: 'noop' },
      { id: 'nap', type: 'sleep', duration: '1ms' },
    ];
    const edges = [{ from: 'start', to: 'yes', when: 'inputs.flag == true' }, { from: 'start', to: 'no', when: 'inputs.flag == false' }, { from: 'yes', to: 'nap' }];
    assert.equal((await h.request('POST', '/api/workflows', { slug, nodes, edges })).status, 201);
    assert.equal((await h.request('PUT', `/api/workflows/${slug}`, { nodes: nodes.slice(0, 2), edges: edges.slice(0, 1) })).status, 201);
    assert.equal((await h.request('POST', `/api/workflows/${slug}/activate`, { version: 1 })).status, 200);
    const v1 = (await h.request('GET', `/api/workflows/${slug}?version=1`)).body;
    const v2 = (await h.request('GET', `/api/workflows/${slug}?version=2`)).body;
    assert.deepEqual(v1.versions, [1, 2]);
    assert.equal(v1.definition.nodes.length, 4);
    assert.equal(v2.definition.nodes.length, 2);

    const started = await h.request('POST', `/api/workflows/${slug}/execute`, { inputs: { flag: true } });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    const run = await h.waitForRun(started.body.id);
    assert.equal(run.status, 'complete', JSON.stringify(run.error));
    const view = (await h.request('GET', `/api/runs/${run.id}`)).body;
    assert.deepEqual(view.workflow, { slug, version: 1 });
    const node = (id: string) => view.graph.nodes.find((n: { id: string }) => n.id === id);
    assert.deepEqual(node('start'), { id: 'start', type: 'task', task: 'echo', status: 'complete', skipReason: null, attempts: 1 });
    assert.deepEqual(node('nap'), { id: 'nap', type: 'sleep', task: null, status: 'complete', skipReason: null, attempts: node('nap').attempts });
    assert.equal(node('no').status, 'skipped');
    assert.equal(node('no').skipReason.code, 'condition_false');
    assert.deepEqual(node('no').skipReason.upstream, ['start']);
    assert.deepEqual(view.graph.edges, [
      { from: 'start', to: 'yes', condition: 'inputs.flag == true', taken: true },
      { from: 'start', to: 'no', condition: 'inputs.flag == false', taken: false },
      { from: 'yes', to: 'nap', condition: null, taken: true },
    ]);
    assert.deepEqual(view.steps.find((s: { nodeId: string }) => s.nodeId === 'yes').inputs, { message: 'yes', count: 1 }, 'a step carries its inputs');

    const yesLines = (await h.request('GET', `/api/runs/${run.id}/logs?node=yes`)).body.lines as Array<{ nodeId: string; message?: string }>;
    assert.ok(yesLines.length > 0);
    assert.ok(yesLines.every((l) => l.nodeId === 'yes'));
    assert.ok(yesLines.some((l) => l.message === 'yes #0'));
    const all = (await h.request('GET', `/api/runs/${run.id}/logs`)).body.lines as Array<{ nodeId: string }>;
    assert.ok(all.some((l) => l.nodeId === 'start'));
    assert.equal((await h.request('GET', `/api/runs/${run.id}/logs?node=${encodeURIComponent('<img>')}`)).status, 400);
  });

  it('while a DAG run is open, an unfinished source leaves its edges unknown (taken: null)', async () => {
    const slug = 'graph-open';
    const created = await h.request('POST', '/api/workflows', { slug, nodes: [{ id: 'gate', type: 'approval' }, { id: 'after', task: 'noop' }], edges: [{ from: 'gate', to: 'after' }] });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    await h.request('POST', `/api/workflows/${slug}/activate`, { version: 1 });
    const started = await h.request('POST', `/api/workflows/${slug}/execute`, {});
    const id: string = started.body.id;
    let view: any;
    for (let i = 0; i < 200; i++) {
      view = (await h.request('GET', `/api/runs/${id}`)).body;
      if (view.graph.nodes[0].status === 'running') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.deepEqual(view.graph.nodes.map((n: { type: string; status: string }) => [n.type, n.status]), [['approval', 'running'], ['task', 'pending']]);
    assert.equal(view.graph.edges[0].taken, null);
    assert.equal((await h.request('POST', `/api/runs/${id}/cancel`, {})).status, 202);
    await h.waitForRun(id);
  });
});
