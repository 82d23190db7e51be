// The `conveyor` CLI as a user runs it: a real process against the real API and worker.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { useHarness } from '../support/harness.js';
import { cli, startCli } from './run-cli.js';

const RUN_ID = /^run_[\w-]+$/;

describe('conveyor CLI (real process, real API and worker)', function () {
  this.timeout(120_000);
  const h = useHarness();
  let dir: string;
  before(async () => (dir = await mkdtemp(path.join(os.tmpdir(), 'conveyor-cli-'))));
  after(async () => rm(dir, { recursive: true, force: true }));
  const run = (args: string[], options: Parameters<typeof cli>[1] = {}) => cli(args, { apiUrl: h.apiUrl, ...options });

  it('trigger --input @- reads the inputs from stdin and prints the run id and its dashboard link', async () => {
    const out = await run(['trigger', 'echo', '--input', '@-', '--tag', 'cli'], { stdin: '{"message":"from stdin","count":1}' });
    assert.equal(out.code, 0, out.stderr);
    const [id, linkLine] = out.stdout.trim().split('\n');
    assert.match(id, RUN_ID);
    assert.match(linkLine, new RegExp(`/workflows/${id}$`));
    const stored = await h.waitForRun(id);
    assert.deepEqual(stored.inputs, { message: 'from stdin', count: 1 });
    assert.deepEqual(stored.tags, ['cli']);
  });

  it('trigger --follow streams the logs as text and exits 0 when the run completes', async () => {
    const out = await run(['trigger', 'echo', '--input', '{"message":"hi","count":2}', '--follow']);
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /log +hi #0\n/);
    assert.match(out.stdout, /log +hi #1\n/);
    assert.match(out.stdout, /info +info line/);
    assert.match(out.stdout, /"nested": \{\n/, 'JSON lines are pretty-printed');
    assert.match(out.stdout, /markdown +done\n/, 'markdown is shown as text');
    assert.match(out.stdout, /✔ complete run_\S+ in /);
    assert.ok(!out.stdout.includes('\x1b['), 'NO_COLOR: no escape codes');
    assert.ok(out.stdout.indexOf('hi #0') < out.stdout.indexOf('hi #1'));
  });

  it('trigger --follow exits 1 when the run fails, naming the error', async () => {
    const out = await run(['trigger', 'always-throws', '--follow']);
    assert.equal(out.code, 1, out.stderr);
    assert.match(out.stdout, /attempt 1/);
    assert.match(out.stdout, /✖ failed run_\S+: TypeError: boom on attempt 2/);
  });

  it('trigger --follow exits 1 for a run cancelled while followed; runs cancel sends the reason', async () => {
    const following = startCli(['trigger', 'sleepy', '--input', '{"ms":60000}', '--follow'], { apiUrl: h.apiUrl, env: { NO_COLOR: '1' } });
    // The run id is the first line the follower prints.
    let id: string | undefined;
    for (let i = 0; i < 200 && !id; i++) {
      const { runs } = (await h.request('GET', '/api/runs?task=sleepy&limit=1')).body as { runs: Array<{ id: string }> };
      id = runs[0]?.id;
      if (!id) await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(id);
    await h.waitForRun(id, (r) => r.status === 'running');
    const cancel = await run(['runs', 'cancel', id, '--reason', 'not needed']);
    assert.equal(cancel.code, 0, cancel.stderr);
    const out = await following.result;
    assert.equal(out.code, 1, out.stderr);
    assert.match(out.stdout, /■ cancelled run_\S+: not needed/);
  });

  it('runs list -o json and runs get -o json print parseable JSON', async () => {
    const list = await run(['runs', 'list', '--task', 'echo', '--since', '1h', '-o', 'json']);
    assert.equal(list.code, 0, list.stderr);
    const runs = JSON.parse(list.stdout) as Array<{ id: string; task: string }>;
    assert.ok(runs.length >= 2);
    assert.ok(runs.every((r) => r.task === 'echo'));
    const get = await run(['runs', 'get', runs[0].id, '-o', 'json']);
    assert.equal(get.code, 0, get.stderr);
    assert.equal((JSON.parse(get.stdout) as { id: string }).id, runs[0].id);
    const jsonl = await run(['runs', 'list', '--task', 'echo', '--limit', '1', '-o', 'jsonl']);
    assert.equal(jsonl.stdout.trim().split('\n').length, 1);
    assert.equal((JSON.parse(jsonl.stdout) as { id: string }).id, runs[0].id);
  });

  it('logs prints a finished run\'s lines; an unknown run is one line with the API\'s code, exit 1', async () => {
    const { id } = (await h.request('POST', '/api/tasks/echo', { inputs: { message: 'again' } })).body as { id: string };
    await h.waitForRun(id);
    const out = await run(['logs', id]);
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /again #0/);
    const missing = await run(['runs', 'get', 'run_missing']);
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, 'conveyor: run_not_found: run "run_missing" not found\n');
  });

  it('workflows push: an invalid file exits 2 with one line per problem naming the nodes; a valid one creates, then adds a version', async () => {
    const bad = path.join(dir, 'bad.yaml');
    await writeFile(bad, ['slug: broken', 'nodes:', '  - { id: a, task: echo }', '  - { id: b, task: no-such-task }', 'edges:', '  - { from: a, to: b }', '  - { from: b, to: a }'].join('\n'));
    const out = await run(['workflows', 'push', bad]);
    assert.equal(out.code, 2, out.stdout);
    const lines = out.stderr.trim().split('\n');
    assert.match(lines[0], /^conveyor: invalid_workflow: /);
    assert.ok(lines.some((l) => /cycle/i.test(l) && /nodes: a, b|nodes: b, a/.test(l)), out.stderr);
    assert.ok(lines.some((l) => /no-such-task/.test(l) && /nodes: b/.test(l)), out.stderr);
    assert.equal((await h.request('GET', '/api/workflows/broken')).status, 404);

    const good = path.join(dir, 'good.json');
    await writeFile(good, JSON.stringify({ slug: 'pushed', nodes: [{ id: 'a', task: 'echo', inputs: { message: 'x' } }], edges: [] }));
    const first = await run(['workflows', 'push', good, '-o', 'json']);
    assert.equal(first.code, 0, first.stderr);
    assert.equal((JSON.parse(first.stdout) as { version: number }).version, 1);
    const second = await run(['workflows', 'push', good]);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /^pushed version 2 \(draft\)/);
  });

  it('usage errors exit 2 on stderr: a bad flag, --input that is not JSON', async () => {
    const flag = await run(['runs', 'list', '--no-such-flag']);
    assert.equal(flag.code, 2);
    assert.match(flag.stderr, /^conveyor: usage: unknown option '--no-such-flag'/);
    const input = await run(['trigger', 'echo', '--input', '{not json']);
    assert.equal(input.code, 2);
    assert.match(input.stderr, /^conveyor: usage: --input is not valid JSON/);
    const schema = await run(['trigger', 'echo', '--input', '{}']);
    assert.equal(schema.code, 2, 'inputs failing the schema are the caller\'s error');
    assert.match(schema.stderr, /^conveyor: invalid_inputs: /);
  });

  it('colours only when asked for and NO_COLOR is unset', async () => {
    const { id } = (await h.request('POST', '/api/tasks/echo', { inputs: { message: 'c' } })).body as { id: string };
    await h.waitForRun(id);
    const coloured = await run(['logs', id], { env: { NO_COLOR: undefined, FORCE_COLOR: '1' } });
    assert.ok(coloured.stdout.includes('\x1b['));
    const plain = await run(['logs', id], { env: { NO_COLOR: '1', FORCE_COLOR: '1' } });
    assert.ok(!plain.stdout.includes('\x1b['));
  });
});
