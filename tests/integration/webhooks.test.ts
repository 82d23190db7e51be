import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { useHarness } from '../support/harness.js';

// Signed here with node:crypto directly, not with src/api/signature.ts, so the test checks the documented scheme.
const sign = (secret: string, body: string, t = Math.floor(Date.now() / 1000)) =>
  `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;

describe('webhooks', () => {
  const h = useHarness();
  const secret = 'a-secret-of-at-least-16-chars';
  let hookId: string;
  const runCount = async () => Number((await h.db.selectFrom('runs').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const deliver = (id: string, body: string, signature?: string) =>
    h.request('POST', `/hooks/${id}`, body, signature === undefined ? {} : { 'Conveyor-Signature': signature });

  it('creates a webhook for a task: 201 with a relative url and the given secret', async () => {
    const res = await h.request('POST', '/api/webhooks', { task: 'echo', secret });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.match(res.body.id, /^wh_[0-9a-f]{24}$/);
    assert.equal(res.body.url, `/hooks/${res.body.id}`);
    assert.equal(res.body.secret, secret);
    assert.equal(res.body.task, 'echo');
    hookId = res.body.id;
  });

  it('generates a random secret when none is given', async () => {
    const [a, b] = await Promise.all([h.request('POST', '/api/webhooks', { task: 'noop' }), h.request('POST', '/api/webhooks', { task: 'noop' })]);
    assert.equal(a.status, 201);
    assert.match(a.body.secret, /^[0-9a-f]{64}$/);
    assert.notEqual(a.body.secret, b.body.secret);
  });

  it('refuses an unknown task (404), a short secret and unknown fields (400)', async () => {
    const unknown = await h.request('POST', '/api/webhooks', { task: 'nope' });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.code, 'task_not_found');
    const short = await h.request('POST', '/api/webhooks', { task: 'echo', secret: 'short' });
    assert.equal(short.status, 400);
    assert.deepEqual(short.body.error.details.map((d: { field: string }) => d.field), ['secret']);
    assert.equal((await h.request('POST', '/api/webhooks', { task: 'echo', extra: 1 })).body.error.code, 'invalid_body');
  });

  it('starts a run from a correctly signed delivery: 202, the body as inputs, triggered by webhook', async () => {
    // Odd spacing and key order: the HMAC must be over the bytes as sent, not a re-serialisation.
    const body = '{ "count":2,  "message": "from a hook" }';
    const res = await deliver(hookId, body, sign(secret, body));
    assert.equal(res.status, 202, JSON.stringify(res.body));
    assert.match(res.body.id, /^run_/);
    assert.equal(res.body.status, 'pending');
    assert.equal(res.body.links.self, `/api/runs/${res.body.id}`);
    const run = await h.waitForRun(res.body.id);
    assert.equal(run.status, 'complete');
    assert.equal(run.task, 'echo');
    assert.equal(run.triggered_by, 'webhook');
    assert.deepEqual(run.inputs, { count: 2, message: 'from a hook' });
    assert.deepEqual(run.result, { count: 2, message: 'from a hook' });
  });

  it('a delivery sets its run\'s priority and concurrency key in the query; a bad value is a 400 and starts no run', async () => {
    const payload = '{"message":"urgent"}';
    const res = await h.request('POST', `/hooks/${hookId}?priority=high&concurrencyKey=customer-7`, payload, { 'Conveyor-Signature': sign(secret, payload) });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const run = await h.waitForRun(res.body.id);
    assert.deepEqual([run.status, run.priority, run.concurrency_key], ['complete', 1, 'customer-7']);
    const numeric = await h.request('POST', `/hooks/${hookId}?priority=4`, payload, { 'Conveyor-Signature': sign(secret, payload) });
    assert.equal((await h.waitForRun(numeric.body.id)).priority, 4);
    const before = await runCount();
    for (const query of ['priority=0', 'priority=urgent', 'colour=red']) {
      const bad = await h.request('POST', `/hooks/${hookId}?${query}`, payload, { 'Conveyor-Signature': sign(secret, payload) });
      assert.equal(bad.status, 400, query);
      assert.equal(bad.body.error.code, 'invalid_query', query);
    }
    assert.equal(await runCount(), before);
  });

  const body = '{"message":"signed"}';
  // Read when each case runs, not when the file loads: a long suite would otherwise age the timestamps.
  const now = () => Math.floor(Date.now() / 1000);
  const rejected: [string, () => [string, string | undefined]][] = [
    ['a signature made with another secret', () => [body, sign('another-secret-0123456789', body)]],
    ['a missing header', () => [body, undefined]],
    ['a malformed header', () => [body, 'sha256=0123abcd']],
    ['a header without a timestamp', () => [body, sign(secret, body).replace(/^t=\d+,/, '')]],
    ['a truncated signature', () => [body, sign(secret, body).slice(0, -2)]],
    ['a timestamp 10 minutes old', () => [body, sign(secret, body, now() - 600)]],
    ['a timestamp 10 minutes ahead', () => [body, sign(secret, body, now() + 600)]],
    ['a body altered after signing', () => ['{"message":"signeD"}', sign(secret, body)]],
  ];
  for (const [what, make] of rejected) {
    it(`answers 401 invalid_signature for ${what}, and starts no run`, async () => {
      const before = await runCount();
      const [payload, signature] = make();
      const res = await deliver(hookId, payload, signature);
      assert.equal(res.status, 401, JSON.stringify(res.body));
      assert.equal(res.body.error.code, 'invalid_signature');
      assert.equal(typeof res.body.error.message, 'string');
      assert.ok(!JSON.stringify(res.body).includes(secret));
      assert.equal(await runCount(), before);
    });
  }

  it('answers 404 for an unknown hook, signed or not', async () => {
    const res = await deliver('wh_000000000000000000000000', body, sign(secret, body));
    assert.equal(res.status, 404);
    assert.equal(res.body.error.code, 'webhook_not_found');
  });

  it('lists webhooks without their secrets', async () => {
    const res = await h.request('GET', '/api/webhooks');
    assert.equal(res.status, 200);
    assert.equal(res.body.webhooks.length, 3);
    const hook = res.body.webhooks.find((w: { id: string }) => w.id === hookId);
    assert.deepEqual(Object.keys(hook).sort(), ['createdAt', 'id', 'task', 'url']);
    assert.equal(hook.url, `/hooks/${hookId}`);
    assert.ok(!JSON.stringify(res.body).includes(secret));
    assert.ok(res.body.webhooks.every((w: Record<string, unknown>) => !('secret' in w)));
  });

  it('deletes a webhook: 204, then its deliveries get 404 and a second delete 404', async () => {
    const before = await runCount();
    const del = await h.request('DELETE', `/api/webhooks/${hookId}`);
    assert.equal(del.status, 204);
    const res = await deliver(hookId, body, sign(secret, body));
    assert.equal(res.status, 404);
    assert.equal(res.body.error.code, 'webhook_not_found');
    assert.equal((await h.request('DELETE', `/api/webhooks/${hookId}`)).status, 404);
    assert.equal(await runCount(), before);
  });
});
