import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { requireApiKeyInProduction } from '../../src/api/auth.js';
import { startApi } from '../../src/api/server.js';
import { loadConfig } from '../../src/config.js';
import { createApiKey } from '../../src/db/api-keys.repository.js';
import { FIXTURE_TASKS, logger, useHarness } from '../support/harness.js';

const PRODUCTION_REFUSAL = { message: 'NODE_ENV=production requires an API key: npm run keys:create -- --name <name>, or set CONVEYOR_BOOTSTRAP_API_KEY' };

/** The real script, as `npm run keys:create` runs it; arguments as an array, no shell. */
function createKeyWithScript(databaseUrl: string, name: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/create-api-key.ts', '--name', name], {
      env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('API keys', () => {
  const h = useHarness();
  let key: string;
  const productionConfig = () => loadConfig({ NODE_ENV: 'production', PORT: '0', HOST: '127.0.0.1', CONVEYOR_TASKS_DIR: FIXTURE_TASKS, CONVEYOR_TASK_QUEUE: h.taskQueue });
  const bearer = (k: string) => ({ authorization: `Bearer ${k}` });

  it('lets requests through while no key exists (outside production)', async () => {
    const res = await h.request('GET', '/api/tasks');
    assert.equal(res.status, 200);
    assert.ok(res.body.tasks.length > 0);
  });

  it('refuses to start in production while no key exists', async () => {
    await assert.rejects(requireApiKeyInProduction(h.db, true), PRODUCTION_REFUSAL);
    await requireApiKeyInProduction(h.db, false);
    // The real start-up path; it must also close its pool (the root hook fails the run on a leaked connection).
    await assert.rejects(startApi(productionConfig(), h.temporalAddress, h.databaseUrl, logger), PRODUCTION_REFUSAL);
  });

  it('creates a key with `npm run keys:create`, printed once, only its hash stored', async function () {
    this.timeout(120_000); // a child process compiling TypeScript on a busy machine
    const out = await createKeyWithScript(h.databaseUrl, 'ci');
    assert.equal(out.code, 0, out.stderr);
    const lines = out.stdout.trim().split('\n');
    assert.equal(lines.length, 1, `stdout carries the key alone: ${out.stdout}`);
    key = lines[0];
    assert.match(key, /^cvk_[A-Za-z0-9_-]{43}$/);
    assert.ok(!out.stderr.includes(key), 'the key is printed once, on stdout');

    const rows = await h.db.selectFrom('api_keys').selectAll().execute();
    assert.equal(rows.length, 1);
    assert.equal(rows[0].name, 'ci');
    assert.equal(rows[0].key_hash, createHash('sha256').update(key).digest('hex'));
    assert.ok(key.startsWith(rows[0].prefix) && rows[0].prefix.length < 16);
    assert.ok(!JSON.stringify(rows[0]).includes(key), 'the row must not contain the key');
    assert.ok(!JSON.stringify(rows[0]).includes(key.slice(4)), 'nor its random part');
  });

  it('accepts the right key at once and records its use', async () => {
    const res = await h.request('GET', '/api/tasks', undefined, bearer(key));
    assert.equal(res.status, 200);
    // Recorded in the background, so as not to hold up the request: poll briefly.
    const deadline = Date.now() + 5_000;
    let lastUsed: Date | null = null;
    while (!lastUsed && Date.now() < deadline) {
      lastUsed = (await h.db.selectFrom('api_keys').select('last_used_at').executeTakeFirstOrThrow()).last_used_at;
      if (!lastUsed) await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(lastUsed instanceof Date, 'last_used_at is recorded');
  });

  it('answers 401 without a key, with a wrong key or another scheme, the same way, and triggers nothing', async () => {
    const missing = await h.request('GET', '/api/tasks');
    const wrong = await h.request('GET', '/api/tasks', undefined, bearer(`${key.slice(0, -1)}x`));
    const basic = await h.request('GET', '/api/tasks', undefined, { authorization: `Basic ${key}` });
    for (const res of [missing, wrong, basic]) {
      assert.equal(res.status, 401);
      assert.equal(res.body.error.code, 'unauthorized');
      assert.ok(!JSON.stringify(res.body).includes(key));
    }
    assert.equal(wrong.body.error.message, missing.body.error.message);

    const trigger = await h.request('POST', '/api/tasks/echo', { inputs: { message: 'x' } });
    assert.equal(trigger.status, 401);
    assert.equal((await h.db.selectFrom('runs').select('id').execute()).length, 0);
    assert.equal((await h.request('GET', '/api/webhooks')).status, 401);
  });

  it('accepts a key created after enforcement began, on its first request', async () => {
    const { key: second } = await createApiKey(h.db, 'second');
    assert.equal((await h.request('GET', '/api/runs/run_missing', undefined, bearer(second))).status, 404);
    assert.equal((await h.request('GET', '/api/tasks', undefined, bearer(key))).status, 200);
  });

  it('keeps /health, /ready and signed webhook deliveries open without a key', async () => {
    assert.equal((await h.request('GET', '/health')).status, 200);
    assert.equal((await h.request('GET', '/ready')).status, 200);
    const hook = await h.request('POST', '/api/webhooks', { task: 'echo' }, bearer(key));
    assert.equal(hook.status, 201);
    const body = '{"message":"no key needed"}';
    const t = Math.floor(Date.now() / 1000);
    const signature = `t=${t},v1=${createHmac('sha256', hook.body.secret).update(`${t}.${body}`).digest('hex')}`;
    const res = await h.request('POST', hook.body.url, body, { 'conveyor-signature': signature });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    assert.equal((await h.waitForRun(res.body.id)).status, 'complete');
    // The signature still guards it: a key does not replace it.
    assert.equal((await h.request('POST', hook.body.url, body, bearer(key))).status, 401);
  });

  it('starts in production once a key exists, and enforces it', async () => {
    await requireApiKeyInProduction(h.db, true);
    const api = await startApi(productionConfig(), h.temporalAddress, h.databaseUrl, logger);
    try {
      assert.equal((await fetch(`${api.url}/api/tasks`)).status, 401);
      assert.equal((await fetch(`${api.url}/api/tasks`, { headers: bearer(key) })).status, 200);
      assert.equal((await fetch(`${api.url}/health`)).status, 200);
    } finally {
      await api.stop();
    }
  });
});
