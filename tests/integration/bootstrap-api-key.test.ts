// CONVEYOR_BOOTSTRAP_API_KEY: the first key of a deployment, stored hashed by whichever API
// replica starts first, exactly once, and never again once any key exists.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { startApi, type RunningApi } from '../../src/api/server.js';
import { loadConfig, ConfigError } from '../../src/config.js';
import { revokeApiKey, storeFirstApiKey } from '../../src/db/api-keys.repository.js';
import { createDb } from '../../src/db/connect.js';
import { FIXTURE_TASKS, logger, useHarness } from '../support/harness.js';

describe('CONVEYOR_BOOTSTRAP_API_KEY', () => {
  const h = useHarness({ worker: false });
  const bootstrapKey = randomBytes(32).toString('hex');
  const productionConfig = (key: string) =>
    loadConfig({ NODE_ENV: 'production', PORT: '0', HOST: '127.0.0.1', CONVEYOR_TASKS_DIR: FIXTURE_TASKS, CONVEYOR_TASK_QUEUE: h.taskQueue, CONVEYOR_BOOTSTRAP_API_KEY: key });
  const statusOf = async (api: RunningApi, key?: string) =>
    (await fetch(`${api.url}/api/tasks`, { headers: key ? { authorization: `Bearer ${key}` } : {} })).status;
  const keyRows = () => h.db.selectFrom('api_keys').selectAll().orderBy('created_at').execute();

  it('refuses a short or spaced key at start-up without echoing it', () => {
    for (const bad of ['short-key', `${'x'.repeat(32)} with spaces`]) {
      assert.throws(
        () => loadConfig({ CONVEYOR_BOOTSTRAP_API_KEY: bad }),
        (error: Error) => error instanceof ConfigError && error.message.includes('CONVEYOR_BOOTSTRAP_API_KEY') && !error.message.includes(bad),
      );
    }
    assert.equal(loadConfig({ CONVEYOR_BOOTSTRAP_API_KEY: '' }).bootstrapApiKey, undefined, 'empty means unset (compose `${VAR:-}`)');
  });

  it('concurrent first-key stores with different keys (separate connections) store exactly one', async () => {
    const pools = [0, 1, 2, 3, 4, 5].map(() => createDb({ url: h.databaseUrl, max: 1 }));
    try {
      const results = await Promise.all(pools.map((db, i) => storeFirstApiKey(db, `race-${i}`, randomBytes(32).toString('hex'))));
      assert.equal(results.filter((row) => row !== undefined).length, 1);
      assert.equal((await keyRows()).length, 1);
    } finally {
      await Promise.all(pools.map((db) => db.destroy()));
      await h.db.deleteFrom('api_keys').execute();
    }
  });

  it('two production replicas starting at once store the key once, hashed, and both accept it', async function () {
    this.timeout(120_000);
    assert.equal((await keyRows()).length, 0);
    const apis = await Promise.all([0, 1, 2].map(() => startApi(productionConfig(bootstrapKey), h.temporalAddress, h.databaseUrl, logger)));
    try {
      const rows = await keyRows();
      assert.equal(rows.length, 1, JSON.stringify(rows));
      assert.equal(rows[0].name, 'bootstrap');
      assert.equal(rows[0].key_hash, createHash('sha256').update(bootstrapKey).digest('hex'));
      assert.ok(!JSON.stringify(rows).includes(bootstrapKey), 'the key itself is not stored');
      assert.ok(bootstrapKey.startsWith(rows[0].prefix) && rows[0].prefix.length <= 4, `prefix ${rows[0].prefix} reveals little`);
      for (const api of apis) {
        assert.equal(await statusOf(api, bootstrapKey), 200);
        assert.equal(await statusOf(api), 401);
        assert.equal(await statusOf(api, 'x'.repeat(64)), 401);
      }
    } finally {
      await Promise.all(apis.map((api) => api.stop()));
    }
  });

  it('a restart keeps the one key; once revoked, the bootstrap key stays revoked and another key is not added', async function () {
    this.timeout(120_000);
    const again = await startApi(productionConfig(bootstrapKey), h.temporalAddress, h.databaseUrl, logger);
    try {
      assert.equal((await keyRows()).length, 1);
      assert.equal(await statusOf(again, bootstrapKey), 200);
    } finally {
      await again.stop();
    }
    const [row] = await keyRows();
    await revokeApiKey(h.db, row.id);
    const otherKey = randomBytes(32).toString('hex');
    for (const key of [bootstrapKey, otherKey]) {
      const api = await startApi(productionConfig(key), h.temporalAddress, h.databaseUrl, logger);
      try {
        assert.equal(await statusOf(api, key), 401, 'a key exists (revoked), so the bootstrap key is left unused');
      } finally {
        await api.stop();
      }
    }
    assert.equal((await keyRows()).length, 1);
  });
});
