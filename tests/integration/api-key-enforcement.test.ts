// Key enforcement takes effect at once, in every API process; only an unreachable database is a 503.
import assert from 'node:assert/strict';
import { startApi, type RunningApi } from '../../src/api/server.js';
import { createApiKey } from '../../src/db/api-keys.repository.js';
import { logger, useHarness } from '../support/harness.js';

describe('API key enforcement', () => {
  const h = useHarness({ worker: false });
  let second: RunningApi;
  before(async () => {
    second = await startApi(h.config, h.temporalAddress, h.databaseUrl, logger);
  });
  after(() => second?.stop());
  const statusOf = async (base: string, headers: Record<string, string> = {}) => (await fetch(`${base}/api/tasks`, { headers })).status;

  it('a database error that is not an outage is not reported as one (500, not 503)', async () => {
    await h.db.schema.alterTable('api_keys').renameTo('api_keys_away').execute();
    try {
      const res = await h.request('GET', '/api/tasks');
      assert.equal(res.status, 500, JSON.stringify(res.body));
      assert.equal(res.body.error.code, 'internal');
    } finally {
      await h.db.schema.alterTable('api_keys_away').renameTo('api_keys').execute();
    }
  });

  it('answers without a key until the first key exists, then 401 on the very next request, in every API process', async () => {
    assert.equal(await statusOf(h.apiUrl), 200);
    assert.equal(await statusOf(second.url), 200);
    const { key } = await createApiKey(h.db, 'first'); // what `npm run keys:create` does
    assert.equal(await statusOf(h.apiUrl), 401);
    assert.equal(await statusOf(second.url), 401);
    assert.equal(await statusOf(second.url, { authorization: `Bearer ${key}` }), 200);
  });
});
