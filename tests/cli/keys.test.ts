// `conveyor keys create|list|revoke` against the real API: a revoked key stops working on the next request.
import assert from 'node:assert/strict';
import { useHarness } from '../support/harness.js';
import { cli } from './run-cli.js';

describe('conveyor keys (real process, real API)', function () {
  this.timeout(60_000);
  const h = useHarness({ worker: false });
  const run = (args: string[], apiKey?: string) => cli(args, { apiUrl: h.apiUrl, env: { CONVEYOR_API_KEY: apiKey } });

  it('creates a key (printed once), lists it without the key, and revokes it: at once, with a key still enforcing', async () => {
    const created = await run(['keys', 'create', '--name', 'admin']);
    assert.equal(created.code, 0, created.stderr);
    const admin = created.stdout.trim();
    assert.match(admin, /^cvk_/);
    // Keys exist now: without one, the CLI gets the API's 401 as one line.
    const anonymous = await run(['keys', 'list']);
    assert.equal(anonymous.code, 1);
    assert.match(anonymous.stderr, /^conveyor: unauthorized: /);

    const second = await run(['keys', 'create', '--name', 'ci', '-o', 'json'], admin);
    assert.equal(second.code, 0, second.stderr);
    const ci = JSON.parse(second.stdout) as { id: string; key: string };

    const listed = await run(['keys', 'list', '-o', 'json'], ci.key);
    assert.equal(listed.code, 0, listed.stderr);
    const keys = JSON.parse(listed.stdout) as Array<{ id: string; name: string; revokedAt: string | null; key?: string }>;
    assert.deepEqual(keys.map((k) => k.name), ['admin', 'ci']);
    assert.ok(keys.every((k) => k.key === undefined && k.revokedAt === null));
    assert.ok(!listed.stdout.includes(ci.key), 'a listing never carries a key');

    const revoked = await run(['keys', 'revoke', ci.id], admin);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.match(revoked.stdout, new RegExp(`revoked: ${ci.id} \\(ci\\)`));
    // The very next request with the revoked key is refused; the other key still works.
    assert.equal((await h.request('GET', '/api/runs', undefined, { authorization: `Bearer ${ci.key}` })).status, 401);
    assert.equal((await h.request('GET', '/api/runs', undefined, { authorization: `Bearer ${admin}` })).status, 200);
    const after = await run(['keys', 'list', '-o', 'json'], admin);
    const ciAfter = (JSON.parse(after.stdout) as Array<{ id: string; revokedAt: string | null }>).find((k) => k.id === ci.id);
    assert.ok(ciAfter?.revokedAt);
    const unknown = await run(['keys', 'revoke', 'key_nope'], admin);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /^conveyor: api_key_not_found: /);
  });
});
