import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { createApp } from '../../src/api/app.js';
import { freePort } from '../../src/infra/temporal-dev-server.js';
import { logger, useHarness } from '../support/harness.js';

describe('HTTP API', () => {
  const h = useHarness();
  const runCount = async () => Number((await h.db.selectFrom('runs').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  it('answers /health and /ready', async () => {
    assert.deepEqual((await h.request('GET', '/health')).body, { status: 'ok' });
    const ready = await h.request('GET', '/ready');
    assert.equal(ready.status, 200);
    assert.equal(ready.body.postgres, 'ok');
    assert.equal(ready.body.temporal, 'ok');
  });

  it('answers /ready with 503 naming Temporal when it is unreachable', async () => {
    // No retry interceptor: its timers would outlive the closed connection.
    const connection = Connection.lazy({ address: `127.0.0.1:${await freePort()}`, connectTimeout: 500, interceptors: [] });
    const app = createApp({ db: h.db, client: new Client({ connection }), registry: h.registry, logger, namespace: 'default', taskQueue: 'x', temporalUiUrl: 'http://ui', maxPendingTriggers: 10 });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/ready`);
      assert.equal(res.status, 503);
      const body = (await res.json()) as { error: { code: string; message: string; details: Record<string, string> } };
      assert.equal(body.error.code, 'not_ready');
      assert.match(body.error.message, /^temporal unreachable/);
      assert.equal(body.error.details.postgres, 'ok');
    } finally {
      server.close();
      await connection.close();
    }
  });

  it('lists tasks with their input JSON Schema', async () => {
    const res = await h.request('GET', '/api/tasks');
    const echo = res.body.tasks.find((t: { slug: string }) => t.slug === 'echo');
    assert.equal(echo.description, 'Logs one line of each kind and returns its inputs.');
    assert.equal(echo.inputSchema.type, 'object');
    assert.deepEqual(echo.inputSchema.required, ['message']);
    assert.equal(res.body.tasks.find((t: { slug: string }) => t.slug === 'noop').inputSchema, null);
  });

  it('triggers a run: 202 with links, then status and logs', async () => {
    const res = await h.request('POST', '/api/tasks/echo', { inputs: { message: 'x', count: 2 } });
    assert.equal(res.status, 202);
    assert.match(res.body.id, /^run_[0-9a-f-]{36}$/);
    assert.equal(res.body.status, 'pending');
    assert.equal(res.body.links.self, `/api/runs/${res.body.id}`);
    assert.equal(res.body.links.logs, `/api/runs/${res.body.id}/logs`);
    assert.equal(res.body.links.temporalUi, `http://localhost:8233/namespaces/default/workflows/${res.body.id}`);
    await h.waitForRun(res.body.id);

    const run = await h.request('GET', res.body.links.self);
    assert.equal(run.status, 200);
    assert.equal(run.body.status, 'complete');
    assert.equal(run.body.task, 'echo');
    assert.equal(run.body.triggeredBy, 'api');
    assert.deepEqual(run.body.inputs, { message: 'x', count: 2 });
    assert.deepEqual(run.body.result, { message: 'x', count: 2 });
    assert.equal(run.body.attempt, 1);
    assert.ok(run.body.durationMs >= 0);
    for (const key of ['createdAt', 'startedAt', 'completedAt']) assert.ok(!Number.isNaN(Date.parse(run.body[key])), key);

    const all = await h.request('GET', `${res.body.links.logs}?limit=3`);
    assert.deepEqual(all.body.lines.map((l: { message?: string }) => l.message), ['x #0', 'x #1', 'info line']);
    const rest = await h.request('GET', `${res.body.links.logs}?after=${all.body.nextAfter}`);
    assert.equal(rest.body.lines[0].level, 'json');
    assert.deepEqual(rest.body.lines[0].data, { nested: { ok: true } });
    assert.ok(rest.body.lines.every((l: { seq: number }) => l.seq > all.body.nextAfter));
  });

  const rejected: [string, string, string, unknown, Record<string, string> | undefined, number, string][] = [
    ['unknown task', 'POST', '/api/tasks/nope', {}, undefined, 404, 'task_not_found'],
    ['inputs failing the schema (field named)', 'POST', '/api/tasks/echo', { inputs: { message: 5 } }, undefined, 400, 'invalid_inputs'],
    ['missing required input', 'POST', '/api/tasks/echo', { inputs: {} }, undefined, 400, 'invalid_inputs'],
    ['malformed JSON', 'POST', '/api/tasks/echo', '{"inputs": ', undefined, 400, 'malformed_json'],
    ['unknown body field', 'POST', '/api/tasks/echo', { inputs: { message: 'a' }, extra: 1 }, undefined, 400, 'invalid_body'],
    ['body that is not an object', 'POST', '/api/tasks/echo', '[1,2]', undefined, 400, 'invalid_body'],
    ['wrong content type', 'POST', '/api/tasks/echo', 'inputs=1', { 'content-type': 'text/plain' }, 415, 'unsupported_media_type'],
    ['body over 1 MB', 'POST', '/api/tasks/echo', JSON.stringify({ inputs: { message: 'x'.repeat(1_100_000) } }), undefined, 413, 'body_too_large'],
    ['unknown run', 'GET', '/api/runs/run_missing', undefined, undefined, 404, 'run_not_found'],
    ['bad logs cursor', 'GET', '/api/runs/x/logs?after=abc', undefined, undefined, 400, 'invalid_query'],
    ['logs limit out of range', 'GET', '/api/runs/x/logs?limit=0', undefined, undefined, 400, 'invalid_query'],
    ['unknown route', 'GET', '/api/nothing', undefined, undefined, 404, 'route_not_found'],
    ['idempotencyKey of the wrong type', 'POST', '/api/tasks/noop', { idempotencyKey: 5 }, undefined, 400, 'invalid_body'],
    ['empty idempotencyKey', 'POST', '/api/tasks/noop', { idempotencyKey: '' }, undefined, 400, 'invalid_body'],
    ['delay that is no duration or time', 'POST', '/api/tasks/noop', { delay: 'soon' }, undefined, 400, 'invalid_body'],
    ['negative delay', 'POST', '/api/tasks/noop', { delay: -5 }, undefined, 400, 'invalid_body'],
    ['delay over a year', 'POST', '/api/tasks/noop', { delay: '400d' }, undefined, 400, 'invalid_body'],
    ['zero ttl', 'POST', '/api/tasks/noop', { ttl: 0 }, undefined, 400, 'invalid_body'],
    ['tags that are not an array', 'POST', '/api/tasks/noop', { tags: 'a,b' }, undefined, 400, 'invalid_body'],
    ['an injection string as a tag', 'POST', '/api/tasks/noop', { tags: ["x'; DROP TABLE runs;--"] }, undefined, 400, 'invalid_body'],
    ['21 tags', 'POST', '/api/tasks/noop', { tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, undefined, 400, 'invalid_body'],
    ['?wait over 60s', 'POST', '/api/tasks/noop?wait=2m', {}, undefined, 400, 'invalid_query'],
    ['unknown query parameter on a trigger', 'POST', '/api/tasks/noop?foo=1', {}, undefined, 400, 'invalid_query'],
    ['JSON null as the body', 'POST', '/api/tasks/echo', 'null', undefined, 400, 'invalid_inputs'],
    ['a charset JSON does not allow', 'POST', '/api/tasks/noop', '{}', { 'content-type': 'application/json; charset=latin1' }, 415, 'unsupported_charset'],
    ['an injection string as the task slug', 'POST', `/api/tasks/${encodeURIComponent("x' OR '1'='1")}`, {}, undefined, 404, 'task_not_found'],
    ['batch without items', 'POST', '/api/tasks/noop/batch', { items: [] }, undefined, 400, 'invalid_body'],
    ['batch of 1,001 items', 'POST', '/api/tasks/noop/batch', { items: Array.from({ length: 1_001 }, () => ({})) }, undefined, 400, 'invalid_body'],
    ['batch with one bad item', 'POST', '/api/tasks/echo/batch', { items: [{ inputs: { message: 'ok' } }, { inputs: { message: 1 } }] }, undefined, 400, 'invalid_items'],
    ['batch item with an unknown field', 'POST', '/api/tasks/noop/batch', { items: [{ input: {} }] }, undefined, 400, 'invalid_body'],
    ['runs list with an unknown status', 'GET', '/api/runs?status=bogus', undefined, undefined, 400, 'invalid_query'],
    ['runs list with an unknown trigger source', 'GET', '/api/runs?triggeredBy=robot', undefined, undefined, 400, 'invalid_query'],
    ['runs list limit over 200', 'GET', '/api/runs?limit=1000', undefined, undefined, 400, 'invalid_query'],
    ['runs list with a cursor of forbidden characters', 'GET', '/api/runs?cursor=%27%3B--', undefined, undefined, 400, 'invalid_query'],
    ['runs list with a cursor it never issued', 'GET', '/api/runs?cursor=abc', undefined, undefined, 400, 'invalid_query'],
    ['an injection string as a run id', 'GET', `/api/runs/${encodeURIComponent("' OR 1=1 --")}`, undefined, undefined, 404, 'run_not_found'],
    ['cancel of an unknown run', 'POST', '/api/runs/run_missing/cancel', {}, undefined, 404, 'run_not_found'],
    ['cancel reason of the wrong type', 'POST', '/api/runs/run_missing/cancel', { reason: 5 }, undefined, 400, 'invalid_body'],
    ['re-run of an unknown run', 'POST', '/api/runs/run_missing/rerun', undefined, undefined, 404, 'run_not_found'],
    ['reschedule with a bad delay', 'POST', '/api/runs/run_missing/reschedule', { delay: 'later' }, undefined, 400, 'invalid_body'],
  ];
  for (const [what, method, url, body, headers, status, code] of rejected) {
    it(`answers ${status} ${code} for ${what}, and creates nothing`, async () => {
      const before = await runCount();
      const res = await h.request(method, url, body, headers);
      assert.equal(res.status, status, JSON.stringify(res.body));
      assert.equal(res.body.error.code, code);
      assert.equal(typeof res.body.error.message, 'string');
      if (code === 'invalid_inputs') assert.match(res.body.error.message, /message|expected object/);
      assert.equal(await runCount(), before);
    });
  }

  it('names the failing field in the details of a 400', async () => {
    const res = await h.request('POST', '/api/tasks/echo', { inputs: { message: 'ok', count: 'three' } });
    assert.equal(res.status, 400);
    assert.deepEqual(res.body.error.details.map((d: { field: string }) => d.field), ['inputs.count']);
  });
});
