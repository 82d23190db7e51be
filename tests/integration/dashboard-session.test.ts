// Dashboard auth: a key buys an HttpOnly session cookie (stored hashed, expiring, revocable),
// accepted like the Bearer key (EventSource included), with an Origin check against CSRF.
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { hashSessionToken } from '../../src/db/sessions.repository.js';
import { useHarness } from '../support/harness.js';
import { openSse } from './support/sse.js';

describe('dashboard sessions and CSRF', function () {
  this.timeout(60_000);
  const h = useHarness({ worker: false });
  let key = '';
  let keyId = '';

  const send = async (method: string, path: string, headers: Record<string, string> = {}, body?: unknown) => {
    const res = await fetch(h.apiUrl + path, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, setCookie: res.headers.get('set-cookie'), body: text ? JSON.parse(text) : undefined };
  };
  const sameOrigin = () => ({ origin: h.apiUrl });
  const login = async () => {
    const res = await send('POST', '/api/session', sameOrigin(), { key });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const token = /conveyor_session=([^;]+)/.exec(res.setCookie ?? '')?.[1];
    assert.ok(token, `no session cookie in ${res.setCookie}`);
    return { token, cookie: `conveyor_session=${token}`, res };
  };

  it('before any key exists: no login needed, yet a cross-site form cannot start a run', async () => {
    assert.deepEqual((await send('GET', '/api/session')).body, { keysEnforced: false, authenticated: false });
    const crossSite = await send('POST', '/api/tasks/noop', { origin: 'http://evil.example' }, {});
    assert.equal(crossSite.status, 403);
    assert.equal(crossSite.body.error.code, 'csrf');
    assert.equal(await h.db.selectFrom('runs').select('id').executeTakeFirst(), undefined, 'no run was started');
    assert.equal((await send('POST', '/api/tasks/noop', {}, {})).status, 202, 'a script without an Origin is not a browser form');
    assert.equal((await send('POST', '/api/tasks/noop', sameOrigin(), {})).status, 202, 'the dashboard itself');
  });

  it('login with a valid key: 201 {expiresAt} and an HttpOnly SameSite=Strict cookie stored hashed; a wrong key is 401 with the reason', async () => {
    const created = await send('POST', '/api/keys', {}, { name: 'dashboard' });
    assert.equal(created.status, 201);
    key = created.body.key;
    keyId = created.body.id;
    const wrong = await send('POST', '/api/session', sameOrigin(), { key: 'cvk_not-a-key' });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error.code, 'invalid_key');
    assert.match(wrong.body.error.message, /key/);
    assert.equal(wrong.setCookie, null);
    const missing = await send('POST', '/api/session', sameOrigin(), {});
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error.details[0].field, 'key');

    const { token, res } = await login();
    assert.match(res.setCookie!, /HttpOnly/i);
    assert.match(res.setCookie!, /SameSite=Strict/i);
    assert.match(res.setCookie!, /Path=\//);
    assert.match(res.setCookie!, /Max-Age=\d+/);
    assert.doesNotMatch(res.setCookie!, /Secure/i, 'plain http: not Secure');
    const expiresAt = Date.parse(res.body.expiresAt);
    assert.ok(expiresAt > Date.now() + 11 * 3_600_000 && expiresAt <= Date.now() + 12 * 3_600_000 + 60_000, res.body.expiresAt);
    const rows = await h.db.selectFrom('sessions').selectAll().execute();
    assert.ok(rows.some((r) => r.token_hash === hashSessionToken(token) && r.api_key_id === keyId));
    assert.ok(rows.every((r) => r.token_hash !== token), 'the token itself is never stored');
  });

  it('the cookie authenticates like the key, EventSource streams included; nothing without it', async () => {
    const { cookie } = await login();
    assert.equal((await send('GET', '/api/runs')).status, 401);
    assert.equal((await send('GET', '/api/runs', { cookie: 'conveyor_session=forged' })).status, 401);
    assert.equal((await send('GET', '/api/runs', { cookie })).status, 200);
    assert.deepEqual((await send('GET', '/api/session', { cookie })).body, { keysEnforced: true, authenticated: true });
    assert.deepEqual((await send('GET', '/api/session')).body, { keysEnforced: true, authenticated: false });

    const refused = await openSse(`${h.apiUrl}/api/runs/events`);
    assert.equal(refused.status, 401);
    const events = await openSse(`${h.apiUrl}/api/runs/events`, { cookie });
    try {
      assert.equal(events.status, 200);
      await events.next((e) => e.event === 'ready', 'ready');
      const started = await send('POST', '/api/tasks/noop', { cookie, ...sameOrigin() }, {});
      assert.equal(started.status, 202, JSON.stringify(started.body));
      const event = await events.next((e) => e.event === 'run' && e.data.id === started.body.id, 'the new run');
      assert.equal(event.data.status, 'pending');
      assert.equal(event.data.task, 'noop');
    } finally {
      events.close();
    }
  });

  it('CSRF: a state-changing request authenticated by the cookie needs this Origin; Bearer requests are unaffected', async () => {
    const { cookie } = await login();
    const before = (await h.db.selectFrom('runs').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n;
    for (const headers of <Record<string, string>[]>[{ cookie }, { cookie, origin: 'http://evil.example' }, { cookie, origin: 'null' }, { cookie, origin: h.apiUrl.replace(/:(\d+)$/, (_m, p: string) => `:${Number(p) + 1}`) }]) {
      const res = await send('POST', '/api/tasks/noop', headers, {});
      assert.equal(res.status, 403, JSON.stringify(headers));
      assert.equal(res.body.error.code, 'csrf');
    }
    const after = (await h.db.selectFrom('runs').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n;
    assert.equal(after, before, 'no refused request started a run');
    assert.equal((await send('POST', '/api/tasks/noop', { cookie, ...sameOrigin() }, {})).status, 202);
    assert.equal((await send('GET', '/api/runs', { cookie, origin: 'http://evil.example' })).status, 200, 'reads are not state changes');
    assert.equal((await send('POST', '/api/tasks/noop', { authorization: `Bearer ${key}`, origin: 'http://evil.example' }, {})).status, 202);
    assert.equal((await send('POST', '/api/tasks/noop', { authorization: `Bearer ${key}` }, {})).status, 202);
  });

  it('logout revokes the session and clears the cookie; an expired session stops working', async () => {
    const { token, cookie } = await login();
    assert.equal((await send('DELETE', '/api/session', { cookie })).status, 403, 'logout is a state change too');
    const out = await send('DELETE', '/api/session', { cookie, ...sameOrigin() });
    assert.equal(out.status, 204);
    assert.match(out.setCookie ?? '', /conveyor_session=;/);
    assert.match(out.setCookie ?? '', /Expires=Thu, 01 Jan 1970/);
    assert.equal((await send('GET', '/api/runs', { cookie })).status, 401);
    const row = await h.db.selectFrom('sessions').selectAll().where('token_hash', '=', hashSessionToken(token)).executeTakeFirstOrThrow();
    assert.ok(row.revoked_at);

    const second = await login();
    assert.equal((await send('GET', '/api/runs', { cookie: second.cookie })).status, 200);
    await h.db.updateTable('sessions').set({ expires_at: sql<Date>`now() - interval '1 second'` }).where('token_hash', '=', hashSessionToken(second.token)).execute();
    assert.equal((await send('GET', '/api/runs', { cookie: second.cookie })).status, 401);
    assert.deepEqual((await send('GET', '/api/session', { cookie: second.cookie })).body, { keysEnforced: true, authenticated: false });
  });

  it('revoking the key ends its sessions at once', async () => {
    const { cookie } = await login();
    assert.equal((await send('GET', '/api/runs', { cookie })).status, 200);
    const other = await send('POST', '/api/keys', { authorization: `Bearer ${key}` }, { name: 'admin' });
    assert.equal((await send('POST', `/api/keys/${keyId}/revoke`, { authorization: `Bearer ${other.body.key}` })).status, 200);
    assert.equal((await send('GET', '/api/runs', { cookie })).status, 401);
    assert.equal((await send('POST', '/api/session', sameOrigin(), { key })).status, 401, 'a revoked key cannot log in');
  });
});
