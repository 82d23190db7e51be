// Built-in task kinds end to end through the API: declarative task files (.task.json and
// .task.yaml) run like code tasks, cancellation and timeouts kill the whole process group,
// error classes on failed runs, and a DAG mixing http → ai → command.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { useHarness } from '../support/harness.js';
import { startFakeOpenAi, type FakeOpenAi } from '../support/fake-openai.js';
import { processesWith, waitUntilGone, waitUntilRunning } from '../support/processes.js';

type LogLine = { level: string; message?: string; nodeId?: string };
type Step = { nodeId: string; status: string; output: any; inputs: any; error: { class?: string; type: string; message: string } | null };

describe('built-in task kinds through the API', function () {
  this.timeout(120_000);
  const env: Record<string, string> = { CONVEYOR_ALLOW_COMMANDS: 'true', CONVEYOR_HTTP_ALLOW: '127.0.0.1', CONVEYOR_AI_API_KEY: 'test-key' };
  let fake: FakeOpenAi;
  let server: http.Server;
  let serverUrl: string;
  const limitedCalls = new Map<string, number>();
  before(async () => {
    fake = await startFakeOpenAi();
    env.CONVEYOR_AI_BASE_URL = fake.baseUrl;
    server = http.createServer((req, res) => {
      if (req.url === '/topic') res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ topic: 'durable workflows' }));
      else if (req.url?.startsWith('/limited')) {
        // Rate limited twice per key, then fine.
        const seen = (limitedCalls.get(req.url) ?? 0) + 1;
        limitedCalls.set(req.url, seen);
        if (seen <= 2) res.writeHead(429, { 'retry-after': '1' }).end('slow down');
        else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ calls: seen }));
      }
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    process.env.CONVEYOR_WORKER_SECRET = 'do-not-leak';
  });
  after(async () => {
    delete process.env.CONVEYOR_WORKER_SECRET;
    await fake?.close();
    await new Promise((resolve) => server?.close(resolve));
  });
  const h = useHarness({ tasksDir: path.resolve('tests/fixtures/kind-tasks'), env });

  const trigger = async (slug: string, inputs: unknown) => {
    const res = await h.request('POST', `/api/tasks/${slug}`, { inputs });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    return res.body.id as string;
  };
  const runOf = async (id: string) => (await h.request('GET', `/api/runs/${id}`)).body;
  async function logsOf(id: string): Promise<LogLine[]> {
    const lines: LogLine[] = [];
    let after: number | null = null;
    for (;;) {
      const page = (await h.request('GET', `/api/runs/${id}/logs?limit=1000${after === null ? '' : `&after=${after}`}`)).body as { lines: LogLine[]; nextAfter: number | null };
      lines.push(...page.lines);
      if (page.lines.length < 1000) return lines;
      after = page.nextAfter;
    }
  }

  it('lists task files with the code tasks', async () => {
    const { body } = await h.request('GET', '/api/tasks');
    const slugs = (body.tasks as { slug: string }[]).map((t) => t.slug);
    for (const slug of ['greet', 'sleeper', 'exits', 'slow', 'env-probe', 'count-lines', 'py-sum', 'rate-limited', 'throws', 'gives-up']) assert.ok(slugs.includes(slug), `${slug} in ${slugs}`);
    const greet = (body.tasks as { slug: string; name: string; description: string }[]).find((t) => t.slug === 'greet')!;
    assert.equal(greet.name, 'Greet');
  });

  it('triggers a .task.json command task: inputs checked by its JSON Schema, templates rendered, output logged', async () => {
    const refused = await h.request('POST', '/api/tasks/greet', { inputs: { name: 7 } });
    assert.equal(refused.status, 400);
    assert.match(JSON.stringify(refused.body), /name/);
    const id = await trigger('greet', { name: 'world; rm -rf /' });
    const run = await h.waitForRun(id);
    assert.equal(run.status, 'complete', JSON.stringify(run.error));
    assert.deepEqual(run.result, { exitCode: 0, stdout: 'hello world; rm -rf /\n', stderr: '' });
    assert.ok((await logsOf(id)).some((l) => l.level === 'info' && l.message === 'hello world; rm -rf /'));
  });

  it('triggers a .task.yaml script task (node) whose 10,000 lines all reach the run log in order', async () => {
    const id = await trigger('count-lines', { n: '10000' });
    const run = await h.waitForRun(id, undefined, 90_000);
    assert.equal(run.status, 'complete', JSON.stringify(run.error));
    const lines = (await logsOf(id)).filter((l) => l.level === 'info').map((l) => l.message);
    assert.equal(lines.length, 10_000);
    lines.forEach((line, i) => assert.equal(line, `line ${i}`));
  });

  it('runs a python3 script task file', async () => {
    const id = await trigger('py-sum', { a: '2', b: '40' });
    const run = await h.waitForRun(id);
    assert.equal(run.status, 'complete', JSON.stringify(run.error));
    assert.deepEqual(JSON.parse((run.result as { stdout: string }).stdout), { sum: 42 });
  });

  it("does not pass the worker's environment to a command: a secret of the worker stays invisible", async () => {
    const id = await trigger('env-probe', {});
    const run = await h.waitForRun(id);
    assert.equal(run.status, 'complete', JSON.stringify(run.error));
    const childEnv = JSON.parse((run.result as { stdout: string }).stdout) as Record<string, string>;
    assert.equal(childEnv.CONVEYOR_WORKER_SECRET, undefined);
    assert.equal(childEnv.CONVEYOR_AI_API_KEY, undefined);
    assert.equal(childEnv.GIVEN, 'by the spec');
    assert.deepEqual(Object.keys(childEnv).filter((k) => k !== 'GIVEN' && k !== 'PATH'), []);
  });

  it('cancelling a run whose command runs `sleep 600` leaves no process behind', async () => {
    const tag = `cancel-${process.pid}-${Date.now()}`;
    const id = await trigger('sleeper', { tag });
    const [shell] = await waitUntilRunning(tag);
    for (let i = 0; i < 100 && processesWith('').filter((p) => p.pgid === shell.pgid).length < 3; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal((await h.request('POST', `/api/runs/${id}/cancel`, { reason: 'test' })).status, 202);
    const run = await h.waitForRun(id);
    assert.equal(run.status, 'cancelled');
    assert.deepEqual(await waitUntilGone(tag), []);
    for (let i = 0; i < 200 && processesWith('').some((p) => p.pgid === shell.pgid); i++) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(processesWith('').filter((p) => p.pgid === shell.pgid), []);
  });

  it("a command past its timeout has its group killed; the run fails with class transient", async () => {
    const tag = `timeout-${process.pid}-${Date.now()}`;
    const id = await trigger('slow', { tag });
    const run = await h.waitForRun(id);
    assert.equal(run.status, 'failed');
    const view = await runOf(id);
    assert.equal(view.error.class, 'transient');
    assert.equal(view.error.type, 'CommandTimeout');
    assert.deepEqual(await waitUntilGone(tag), []);
  });

  it('error.class: a non-zero exit is permanent (one attempt), a listed exit code transient (retried)', async () => {
    const permanent = await trigger('exits', { code: '3' });
    const failed = await h.waitForRun(permanent);
    assert.equal(failed.status, 'failed');
    assert.equal(failed.attempt, 1);
    const view = await runOf(permanent);
    assert.equal(view.error.class, 'permanent');
    assert.match(view.error.message, /exited with code 3; last stderr lines:\nbad thing happened/);
    assert.ok((await logsOf(permanent)).some((l) => l.level === 'warn' && l.message === 'bad thing happened'), 'stderr is logged as warn');

    const transient = await trigger('exits', { code: '75' });
    const retried = await h.waitForRun(transient);
    assert.equal(retried.status, 'failed');
    assert.equal(retried.attempt, 2);
    assert.equal((await runOf(transient)).error.class, 'transient');
  });

  it('error.class of code tasks: thrown → transient, ml.fail → permanent', async () => {
    const thrown = await trigger('throws', {});
    assert.equal((await h.waitForRun(thrown)).status, 'failed');
    assert.equal((await runOf(thrown)).error.class, 'transient');
    const gaveUp = await trigger('gives-up', {});
    const run = await h.waitForRun(gaveUp);
    assert.equal(run.attempt, 1);
    assert.equal((await runOf(gaveUp)).error.class, 'permanent');
  });

  it("error.class resource: a 429 is retried after the server's Retry-After (1 s), not the task's 10 min back-off", async () => {
    const id = await trigger('rate-limited', { url: `${serverUrl}/limited-${Date.now()}` });
    // Under the default back-off the second attempt would start 10 min later; waitForRun gives up after 60 s.
    const retrying = await h.waitForRun(id, (run) => run.status === 'retrying');
    assert.equal(retrying.error?.class, 'resource');
    assert.equal(retrying.error?.type, 'HttpStatus429');
    const run = await h.waitForRun(id, undefined, 60_000);
    assert.equal(run.status, 'complete', JSON.stringify(run.error));
    assert.equal(run.attempt, 3);
    assert.deepEqual((run.result as { body: unknown }).body, { calls: 3 });
  });

  it('runs a DAG mixing http → ai → command end to end, templates reading upstream outputs', async () => {
    fake.requests.length = 0;
    const definition = {
      slug: 'kinds-mix',
      nodes: [
        { id: 'fetch', type: 'http', method: 'GET', url: '{{ inputs.base }}/topic', headers: { authorization: 'Bearer not-for-the-record' } },
        { id: 'summarize', type: 'ai', model: 'fake-model', prompt: 'Summarize {{ nodes.fetch.output.body.topic }}', temperature: 0.2, maxTokens: 50 },
        { id: 'save', type: 'command', command: 'node', args: ['-e', 'console.log(`saved: ${process.argv[1]}`)', '{{ nodes.summarize.output.text }}'] },
      ],
      edges: [{ from: 'fetch', to: 'summarize' }, { from: 'summarize', to: 'save' }],
    };
    assert.equal((await h.request('POST', '/api/workflows', definition)).status, 201);
    assert.equal((await h.request('POST', '/api/workflows/kinds-mix/activate', { version: 1 })).status, 200);
    const res = await h.request('POST', '/api/workflows/kinds-mix/execute', { inputs: { base: serverUrl } });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const run = await h.waitForRun(res.body.id, undefined, 60_000);
    assert.equal(run.status, 'complete', JSON.stringify(run.error));
    const { steps } = (await runOf(res.body.id)) as { steps: Step[] };
    const step = (id: string) => steps.find((s) => s.nodeId === id)!;
    assert.deepEqual(steps.map((s) => s.status), ['complete', 'complete', 'complete']);
    assert.deepEqual(step('fetch').output.body, { topic: 'durable workflows' });
    assert.equal(step('fetch').inputs.headers.authorization, '[redacted]');
    assert.equal(fake.requests.length, 1);
    assert.equal(fake.requests[0].body.model, 'fake-model');
    assert.equal(fake.requests[0].body.temperature, 0.2);
    assert.equal(fake.requests[0].body.max_tokens, 50);
    assert.ok(fake.requests[0].body.messages.some((m) => m.role === 'user' && m.content.includes('Summarize durable workflows')));
    assert.equal(step('summarize').output.text, 'Hello from the fake.');
    assert.equal(step('save').output.stdout, 'saved: Hello from the fake.\n');
    const logs = await logsOf(res.body.id);
    assert.ok(logs.some((l) => l.nodeId === 'save' && l.message === 'saved: Hello from the fake.'));
  });

  it('error.class on DAG steps: a failed kind node permanent, the nodes skipped after it dependency', async () => {
    const definition = {
      slug: 'kinds-fail',
      onFailure: 'continue',
      nodes: [
        { id: 'boom', type: 'command', command: 'node', args: ['-e', 'process.exit(9)'] },
        { id: 'after', type: 'command', command: '/bin/echo', args: ['never'] },
        { id: 'later', type: 'command', command: '/bin/echo', args: ['never either'] },
        { id: 'side', type: 'script', interpreter: 'bash', source: 'echo independent' },
      ],
      edges: [{ from: 'boom', to: 'after' }, { from: 'after', to: 'later' }],
    };
    assert.equal((await h.request('POST', '/api/workflows', definition)).status, 201);
    assert.equal((await h.request('POST', '/api/workflows/kinds-fail/activate', { version: 1 })).status, 200);
    const res = await h.request('POST', '/api/workflows/kinds-fail/execute', { inputs: {} });
    const run = await h.waitForRun(res.body.id, undefined, 60_000);
    assert.equal(run.status, 'failed');
    const view = (await runOf(res.body.id)) as { error: { class: string }; steps: Step[] };
    const step = (id: string) => view.steps.find((s) => s.nodeId === id)!;
    assert.equal(step('boom').status, 'failed');
    assert.equal(step('boom').error?.class, 'permanent');
    assert.match(step('boom').error!.message, /exited with code 9/);
    assert.equal(step('after').status, 'skipped');
    assert.equal(step('after').error?.class, 'dependency');
    assert.equal(step('later').error?.class, 'dependency');
    assert.equal(step('side').status, 'complete');
    assert.equal(view.error.class, 'permanent');
  });
});
