// ml.http and ml.ai from a code task, end to end: a real run on the real worker, against a
// real server and the fake OpenAI-compatible one, both on 127.0.0.1.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { startFakeOpenAi, type FakeOpenAi } from '../support/fake-openai.js';
import { useHarness } from '../support/harness.js';

describe('ml.http and ml.ai in a code task', () => {
  let fake: FakeOpenAi;
  let server: http.Server;
  let base = '';
  const seenAuth: (string | undefined)[] = [];
  let answer503 = false;
  // Filled once the servers listen; the harness reads it when it builds the worker's Config.
  const env: Record<string, string> = {};
  const saved: Record<string, string | undefined> = {};

  before(async () => {
    fake = await startFakeOpenAi();
    server = http.createServer((req, res) => {
      seenAuth.push(req.headers.authorization);
      if (answer503) res.writeHead(503).end('down');
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{"temperature":21}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    Object.assign(env, { CONVEYOR_HTTP_ALLOW: '127.0.0.1', CONVEYOR_AI_BASE_URL: fake.baseUrl, CONVEYOR_AI_API_KEY: 'sk-code-task' });
    // createMl reads the process's CONVEYOR_* settings unless it is handed them.
    for (const [name, value] of Object.entries(env)) {
      saved[name] = process.env[name];
      process.env[name] = value;
    }
  });
  after(async () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await fake.close();
    await new Promise((resolve) => server.close(resolve));
  });

  const h = useHarness({ tasksDir: path.resolve('tests/fixtures/outbound-tasks'), env });

  async function logLines(runId: string): Promise<string[]> {
    const rows = await h.directDb.selectFrom('run_logs').select(['message']).where('run_id', '=', runId).orderBy('attempt').orderBy('line').execute();
    return rows.map((r) => r.message ?? '');
  }

  it('runs both helpers with the kinds\' guard, logging and results', async () => {
    fake.replies.push({ kind: 'completion', pieces: ['It is ', '21 degrees.'], usage: { prompt: 40, completion: 5 } });
    const { status, body } = await h.request('POST', '/api/tasks/calls-out', { inputs: { url: `${base}/weather`, model: 'fake-model' } });
    assert.equal(status, 202, JSON.stringify(body));
    const run = await h.waitForRun(body.id);
    assert.equal(run.status, 'complete', JSON.stringify(run.error));
    assert.deepEqual(run.result, { status: 200, fetched: { temperature: 21 }, summary: 'It is 21 degrees.', usage: { promptTokens: 40, completionTokens: 5 } });
    assert.equal(seenAuth.at(-1), 'Bearer code-task-token');
    assert.match(fake.requests.at(-1)!.body.messages.at(-1)!.content, /"temperature": 21/);
    const lines = await logLines(body.id);
    assert.ok(lines.some((l) => /^→ GET http:\/\/127\.0\.0\.1:\d+\/weather/.test(l)), lines.join('\n'));
    assert.ok(lines.includes('It is 21 degrees.'), lines.join('\n'));
    const all = lines.join('\n');
    assert.ok(!all.includes('code-task-token') && !all.includes('sk-code-task'), 'a secret reached the run log');
  });

  it('a 5xx from ml.http fails the attempt as retryable; the run ends failed after its attempts', async () => {
    answer503 = true;
    try {
      const before = seenAuth.length;
      const { body } = await h.request('POST', '/api/tasks/calls-out', { inputs: { url: `${base}/weather`, model: 'fake-model' } });
      const run = await h.waitForRun(body.id);
      assert.equal(run.status, 'failed');
      assert.match(JSON.stringify(run.error), /unexpected HTTP status 503/);
      assert.equal(seenAuth.length - before, 2, 'both attempts called out');
    } finally {
      answer503 = false;
    }
  });
});
