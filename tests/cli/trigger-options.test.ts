// `conveyor trigger` flags against the real API and worker: --wait's exit codes, and
// --delay, --ttl, --tag and --idempotency-key reaching the run (read back with `runs get -o json`).
import assert from 'node:assert/strict';
import { useHarness } from '../support/harness.js';
import { cliFor } from './run-cli.js';

interface RunJson {
  id: string;
  status: string;
  tags: string[];
  idempotencyKey: string | null;
  runAt: string | null;
  expiresAt: string | null;
  createdAt: string;
}

describe('conveyor trigger options (real process, real API and worker)', function () {
  this.timeout(120_000);
  const h = useHarness();
  const { run, ok } = cliFor(() => h.apiUrl);
  const getRun = async (id: string) => JSON.parse(await ok(['runs', 'get', id, '-o', 'json'])) as RunJson;

  it('--wait exits 0 with the result when the run completes, and prints no log line', async () => {
    const out = await run(['trigger', 'echo', '--input', '{"message":"waited"}', '--wait']);
    assert.equal(out.code, 0, out.stderr);
    const [id] = out.stdout.split('\n');
    assert.match(out.stdout, new RegExp(`✔ complete ${id} in `));
    assert.match(out.stdout, /"message": "waited"/, 'the result, pretty-printed');
    assert.ok(!out.stdout.includes('waited #0'), '--wait does not stream the logs');
    assert.equal((await getRun(id)).status, 'complete');
  });

  it('--wait exits 1 when the run fails, naming its error', async () => {
    const out = await run(['trigger', 'permanent', '--wait']);
    assert.equal(out.code, 1, out.stderr);
    const [id] = out.stdout.split('\n');
    assert.match(out.stdout, new RegExp(`✖ failed ${id}: .*ml.fail called`));
    assert.equal((await getRun(id)).status, 'failed');
  });

  it('--delay, --ttl, repeated --tag and --idempotency-key reach the API', async () => {
    const args = ['trigger', 'noop', '--delay', '1h', '--ttl', '30m', '--tag', 'one', '--tag', 'two', '--idempotency-key', 'cli-key-1'];
    const first = await run(args);
    assert.equal(first.code, 0, first.stderr);
    const [id] = first.stdout.split('\n');
    const stored = await getRun(id);
    assert.equal(stored.status, 'pending', 'delayed: not started');
    assert.deepEqual(stored.tags, ['one', 'two']);
    assert.equal(stored.idempotencyKey, 'cli-key-1');
    const delayMs = Date.parse(stored.runAt!) - Date.parse(stored.createdAt);
    assert.ok(delayMs > 59 * 60_000 && delayMs < 61 * 60_000, `runAt is an hour after creation (${delayMs} ms)`);
    assert.equal(Date.parse(stored.expiresAt!) - Date.parse(stored.runAt!), 30 * 60_000, 'the ttl counts from the delayed start');

    const again = await run(args);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout.split('\n')[0], id, 'the same key returns the first run');

    const cancelled = await run(['runs', 'cancel', id, '--reason', 'delayed too long']);
    assert.equal(cancelled.code, 0, cancelled.stderr);
    const ended = await h.waitForRun(id);
    assert.equal(ended.status, 'cancelled');
    assert.match(JSON.stringify(ended.error), /delayed too long/);
  });

  it('runs rerun starts a new run with the same inputs and tags; --from-node on a task run is a usage error', async () => {
    const first = await run(['trigger', 'echo', '--input', '{"message":"again"}', '--tag', 'rerun-me', '--wait']);
    assert.equal(first.code, 0, first.stderr);
    const [id] = first.stdout.split('\n');
    const rerun = await run(['runs', 'rerun', id]);
    assert.equal(rerun.code, 0, rerun.stderr);
    const [rerunId, linkLine] = rerun.stdout.split('\n');
    assert.notEqual(rerunId, id);
    assert.match(linkLine, new RegExp(`/workflows/${rerunId}$`));
    const again = await h.waitForRun(rerunId);
    assert.deepEqual([again.status, again.rerun_of, again.inputs, again.tags], ['complete', id, { message: 'again' }, ['rerun-me']]);
    const fromNode = await run(['runs', 'rerun', id, '--from-node', 'a']);
    assert.equal(fromNode.code, 2);
    assert.match(fromNode.stderr, /^conveyor: invalid_body: fromNode: only a workflow run has nodes/);
  });

  it('--priority and --concurrency-key reach the run; a bad priority is the API\'s 400', async () => {
    const out = await run(['trigger', 'noop', '--priority', 'high', '--concurrency-key', 'customer-42', '--wait']);
    assert.equal(out.code, 0, out.stderr);
    const [id] = out.stdout.split('\n');
    const stored = await h.waitForRun(id);
    assert.deepEqual([stored.status, stored.priority, stored.concurrency_key], ['complete', 1, 'customer-42']);
    const numeric = await run(['trigger', 'noop', '--priority', '5']);
    assert.equal(numeric.code, 0, numeric.stderr);
    assert.equal((await h.waitForRun(numeric.stdout.split('\n')[0])).priority, 5);
    const bad = await run(['trigger', 'noop', '--priority', '9']);
    assert.equal(bad.code, 2, bad.stdout);
    assert.match(bad.stderr, /^conveyor: invalid_body: priority/);
  });

  it('a bad --delay or --tag is the API\'s 400: one line with its code, exit 2', async () => {
    const delay = await run(['trigger', 'noop', '--delay', 'soon']);
    assert.equal(delay.code, 2, delay.stdout);
    assert.match(delay.stderr, /^conveyor: invalid_body: /);
    const tag = await run(['trigger', 'noop', '--tag', 'has space']);
    assert.equal(tag.code, 2, tag.stdout);
    assert.match(tag.stderr, /^conveyor: invalid_body: /);
  });
});
