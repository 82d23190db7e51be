// The runs API: idempotency, ?wait, batch, list, cancel, re-run, SSE logs, metrics, OpenAPI.
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createApp } from '../../src/api/app.js';
import { logger, useHarness } from '../support/harness.js';

describe('runs API', function () {
  this.timeout(120_000);
  const h = useHarness();
  const trigger = async (slug: string, body: object, query = '') => h.request('POST', `/api/tasks/${slug}${query}`, body);

  it('idempotency: concurrent identical triggers meet one run, also across API instances', async () => {
    const responses = await Promise.all(Array.from({ length: 20 }, () => trigger('echo', { inputs: { message: 'once' }, idempotencyKey: 'order-42' })));
    const ids = new Set(responses.map((r) => r.body.id));
    assert.equal(ids.size, 1, `ids: ${[...ids].join(', ')}`);
    assert.deepEqual(responses.map((r) => r.status).sort(), [...Array(19).fill(200), 202].sort(), 'one created (202), the rest found it (200)');
    const [id] = [...ids];
    await h.waitForRun(id);
    const rows = await h.directDb.selectFrom('runs').select('id').where('idempotency_key', '=', 'order-42').execute();
    assert.equal(rows.length, 1);
    // A new API instance (a restart) and a finished run: still the same run, not a second one.
    const restarted = createApp({ db: h.db, client: h.client, registry: h.registry, logger, namespace: 'default', taskQueue: h.taskQueue, temporalUiUrl: 'http://ui', maxPendingTriggers: 10 });
    const server = restarted.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const port = (server.address() as { port: number }).port;
      const again = await fetch(`http://127.0.0.1:${port}/api/tasks/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ inputs: { message: 'twice?' }, idempotencyKey: 'order-42' }) });
      assert.equal(again.status, 200);
      assert.equal(((await again.json()) as { id: string }).id, id);
    } finally {
      server.close();
    }
    const other = await trigger('echo', { inputs: { message: 'x' }, idempotencyKey: 'order-43' });
    assert.notEqual(other.body.id, id, 'another key is another run');
    const run = await h.request('GET', `/api/runs/${id}`);
    assert.deepEqual(run.body.inputs, { message: 'once' }, 'the first request owns the inputs');
    assert.equal(run.body.idempotencyKey, 'order-42');
  });

  it('?wait answers 200 with the finished run when it ends in time, else 202', async () => {
    const done = await trigger('echo', { inputs: { message: 'w' } }, '?wait=20s');
    assert.equal(done.status, 200, JSON.stringify(done.body));
    assert.equal(done.body.status, 'complete');
    assert.deepEqual(done.body.result, { message: 'w', count: 1 });
    const slow = await trigger('sleepy', { inputs: { ms: 3_000 } }, '?wait=500ms');
    assert.equal(slow.status, 202);
    assert.notEqual(slow.body.status, 'complete');
    await h.waitForRun(slow.body.id);
  });

  it('batch: 1,000 items start 1,000 runs, each completes', async () => {
    const items = Array.from({ length: 1_000 }, (_, i) => ({ inputs: { message: `item ${i}`, count: 0 }, tags: ['batch-1'] }));
    const res = await h.request('POST', '/api/tasks/echo/batch', { items });
    assert.equal(res.status, 202, JSON.stringify(res.body).slice(0, 500));
    assert.equal(res.body.started, 1_000);
    const ids: string[] = res.body.runs.map((r: { id: string }) => r.id);
    assert.equal(new Set(ids).size, 1_000);
    const deadline = Date.now() + 90_000;
    for (;;) {
      const tagged = sql<boolean>`tags @> ${['batch-1']}::text[]`;
      const open = await h.directDb.selectFrom('runs').select('id').where(tagged).where('status', '!=', 'complete').execute();
      const all = await h.directDb.selectFrom('runs').select('id').where(tagged).execute();
      assert.equal(all.length, 1_000);
      if (open.length === 0) break;
      assert.ok(Date.now() < deadline, `${open.length} batch runs still open`);
      await new Promise((r) => setTimeout(r, 500));
    }
  });

  it('lists runs newest first with filters and a cursor that visits each run once', async () => {
    for (let i = 0; i < 7; i++) await trigger('noop', { tags: ['list-test', i % 2 ? 'odd' : 'even'] });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { runs: { id: string; createdAt: string; tags: string[] }[]; nextCursor: string | null } } = await h.request('GET', `/api/runs?tag=list-test&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      assert.ok(page.body.runs.length <= 3);
      seen.push(...page.body.runs.map((r) => r.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    assert.equal(seen.length, 7);
    assert.equal(new Set(seen).size, 7);
    assert.deepEqual(seen, [...seen].sort().reverse(), 'newest first (ids are time-ordered)');
    const odd = await h.request('GET', '/api/runs?tag=odd&task=noop&triggeredBy=api');
    assert.equal(odd.body.runs.length, 3);
    const none = await h.request('GET', '/api/runs?task=noop&status=expired');
    assert.deepEqual(none.body.runs, []);
  });

  it('GET /api/runs/:id carries kind, tags and the Temporal coordinates', async () => {
    const res = await trigger('noop', { tags: ['t1'] });
    const run = await h.waitForRun(res.body.id);
    const view = (await h.request('GET', `/api/runs/${run.id}`)).body;
    assert.equal(view.kind, 'task');
    assert.deepEqual(view.tags, ['t1']);
    assert.equal(view.waitingForWorker, false);
    assert.equal(view.temporal.workflowId, run.id);
    assert.equal(view.temporal.namespace, 'default');
    assert.match(view.temporal.runId, /^[0-9a-f-]{36}$/);
    const described = await h.client.workflow.getHandle(run.id).describe();
    assert.equal(view.temporal.runId, described.runId);
  });

  it('cancel: 202, the run ends cancelled with the reason logged; a second cancel is 409', async () => {
    const res = await trigger('sleepy', { inputs: { ms: 60_000 } });
    await h.waitForRun(res.body.id, (r) => r.status === 'running');
    const cancel = await h.request('POST', `/api/runs/${res.body.id}/cancel`, { reason: 'user changed their mind' });
    assert.equal(cancel.status, 202);
    const run = await h.waitForRun(res.body.id);
    assert.equal(run.status, 'cancelled');
    const logs = await h.request('GET', `/api/runs/${res.body.id}/logs`);
    assert.ok(logs.body.lines.some((l: { message?: string }) => l.message?.includes('user changed their mind')));
    assert.equal((await h.request('POST', `/api/runs/${res.body.id}/cancel`, {})).status, 409);
  });

  it('re-run: a new run with the same inputs, linked to the original', async () => {
    const first = await trigger('echo', { inputs: { message: 'again' }, tags: ['rr'] });
    await h.waitForRun(first.body.id);
    const rerun = await h.request('POST', `/api/runs/${first.body.id}/rerun`);
    assert.equal(rerun.status, 202);
    assert.notEqual(rerun.body.id, first.body.id);
    assert.equal(rerun.body.rerunOf, first.body.id);
    const run = await h.waitForRun(rerun.body.id);
    assert.equal(run.status, 'complete');
    assert.deepEqual(run.inputs, { message: 'again' });
    assert.equal(run.rerun_of, first.body.id);
    assert.deepEqual(run.tags, ['rr']);
  });

  it('streams log lines as Server-Sent Events, resumes from Last-Event-ID, ends with the run', async () => {
    const res = await trigger('many-logs', { inputs: { lines: 40, everyMs: 40 } });
    const read = async (lastEventId: string | undefined, stopAfter: number) => {
      const controller = new AbortController();
      const stream = await fetch(`${h.apiUrl}/api/runs/${res.body.id}/logs/stream`, { headers: lastEventId ? { 'last-event-id': lastEventId } : {}, signal: controller.signal });
      assert.match(stream.headers.get('content-type') ?? '', /^text\/event-stream/);
      const events: { id?: string; event: string; data: { message?: string; status?: string } }[] = [];
      const decoder = new TextDecoder();
      let buffer = '';
      const reader = stream.body!.getReader();
      while (events.length < stopAfter) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const fields = Object.fromEntries(block.split('\n').filter((l) => !l.startsWith(':')).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]));
          if (fields.event) events.push({ id: fields.id, event: fields.event, data: JSON.parse(fields.data) });
        }
      }
      controller.abort();
      return events;
    };
    // A chunk may carry several events: keep the first ten, and resume after the tenth.
    const first = (await read(undefined, 10)).slice(0, 10);
    assert.equal(first.length, 10);
    const rest = await read(first[first.length - 1].id, Number.MAX_SAFE_INTEGER);
    assert.equal(rest[rest.length - 1].event, 'end');
    assert.equal(rest[rest.length - 1].data.status, 'complete');
    const messages = [...first, ...rest].filter((e) => e.event === 'log').map((e) => e.data.message);
    assert.deepEqual(messages, Array.from({ length: 40 }, (_, i) => `line ${i}`), 'every line once, in order, across the reconnect');
  });

  it('exposes Prometheus metrics by route pattern and trigger source, and an OpenAPI document', async () => {
    await trigger('noop', {});
    const metrics = await fetch(`${h.apiUrl}/metrics`).then((r) => r.text());
    assert.match(metrics, /conveyor_http_requests_total\{method="POST",route="\/api\/tasks\/:slug",status="202"\} \d+/);
    assert.match(metrics, /conveyor_runs_triggered_total\{source="api"\} \d+/);
    assert.doesNotMatch(metrics, /route="\/api\/runs\/run_/, 'no raw ids as labels');
    const doc = (await h.request('GET', '/api/openapi.json')).body;
    assert.equal(doc.openapi, '3.1.0');
    for (const path of ['/api/tasks/{slug}', '/api/tasks/{slug}/batch', '/api/runs', '/api/runs/{id}/logs/stream', '/api/schedules', '/api/schedules/{id}/backfill', '/hooks/{id}']) assert.ok(doc.paths[path], path);
    const trig = doc.paths['/api/tasks/{slug}'].post.requestBody.content['application/json'].schema;
    assert.deepEqual(Object.keys(trig.properties).sort(), ['concurrencyKey', 'delay', 'idempotencyKey', 'inputs', 'priority', 'tags', 'triggeredBy', 'ttl']);
    assert.equal(doc.components.schemas.TaskInput_echo.type, 'object');
  });
});
