// `conveyor workflows …`, `logs --node` and `runs rerun --from-node` against the real API and worker,
// with a DAG that waits for an approval between two task nodes.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { useHarness } from '../support/harness.js';
import { cliFor, startCli, type CliRun } from './run-cli.js';

const definition = (mailed: string) => ({
  slug: 'cli-approved',
  nodes: [
    { id: 'fetch', task: 'echo', inputs: { message: 'fetched' } },
    { id: 'review', type: 'approval' },
    { id: 'mail', task: 'echo', inputs: { message: mailed } },
  ],
  edges: [{ from: 'fetch', to: 'review' }, { from: 'review', to: 'mail' }],
});

interface Step {
  nodeId: string;
  status: string;
  output: unknown;
  reason: unknown;
}

describe('conveyor workflows (real process, real API and worker)', function () {
  this.timeout(120_000);
  const h = useHarness();
  let dir: string;
  before(async () => (dir = await mkdtemp(path.join(os.tmpdir(), 'conveyor-cli-wf-'))));
  after(async () => rm(dir, { recursive: true, force: true }));
  const { run, ok } = cliFor(() => h.apiUrl);
  const stepsOf = async (id: string) => (await h.request('GET', `/api/runs/${id}`)).body.steps as Step[];
  const stepOf = async (id: string, node: string) => (await stepsOf(id)).find((s) => s.nodeId === node)!;
  async function untilStep(id: string, node: string, status: string): Promise<Step> {
    for (let i = 0; i < 400; i++) {
      const step = await stepOf(id, node);
      if (step.status === status) return step;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`${node} of ${id} never became ${status}: ${JSON.stringify(await stepsOf(id))}`);
  }
  /** The run id: the first line a started `workflows run` prints. */
  const runIdOf = async (started: CliRun) => (await started.waitForStdout(/^run_\S+\n/)).split('\n')[0];

  it('push (then a new version), show [--version], activate, run --follow, approve --comment, logs --node, runs rerun --from-node', async () => {
    const file = path.join(dir, 'approved.json');
    await writeFile(file, JSON.stringify(definition('mailed v1')));
    assert.match(await ok(['workflows', 'push', file]), /^cli-approved version 1 \(\w+\)/);
    await writeFile(file, JSON.stringify(definition('mailed v2')));
    assert.match(await ok(['workflows', 'push', file]), /^cli-approved version 2 \(draft\); activate it: conveyor workflows activate cli-approved 2$/m);

    const latest = await ok(['workflows', 'show', 'cli-approved']);
    assert.match(latest, /^version: +2$/m);
    assert.match(latest, /^versions: +1, 2$/m);
    const first = JSON.parse(await ok(['workflows', 'show', 'cli-approved', '--version', '1', '-o', 'json'])) as { version: number; definition: ReturnType<typeof definition> };
    assert.equal(first.version, 1);
    assert.equal(first.definition.nodes[2].inputs?.message, 'mailed v1');
    assert.match(await ok(['workflows', 'activate', 'cli-approved', '2']), /^cli-approved version 2 is active$/m);
    assert.match(await ok(['workflows', 'list']), /^cli-approved +2 +2$/m);

    const following = startCli(['workflows', 'run', 'cli-approved', '--input', '{}', '--follow'], { apiUrl: h.apiUrl });
    const id = await runIdOf(following);
    await untilStep(id, 'review', 'running');
    assert.match(await ok(['workflows', 'approve', id, 'review', '--comment', 'lgtm']), new RegExp(`^approved: ${id} review$`, 'm'));
    const out = await following.result;
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /\[fetch\] fetched #0\n/);
    assert.match(out.stdout, /\[mail\] mailed v2 #0\n/, 'the run used the activated version 2');
    assert.ok(out.stdout.indexOf('fetched #0') < out.stdout.indexOf('mailed v2 #0'));
    assert.match(out.stdout, new RegExp(`✔ complete ${id} in `));
    assert.deepEqual((await stepOf(id, 'review')).output, { approved: true, comment: 'lgtm' });

    const mailOnly = await ok(['logs', id, '--node', 'mail']);
    assert.match(mailOnly, /mailed v2 #0/);
    assert.ok(!mailOnly.includes('fetched'), `--node mail shows only mail's lines: ${mailOnly}`);

    const rerun = await ok(['runs', 'rerun', id, '--from-node', 'mail']);
    const rerunId = rerun.split('\n')[0];
    assert.notEqual(rerunId, id);
    assert.equal((await h.waitForRun(rerunId)).status, 'complete');
    assert.deepEqual((await stepOf(rerunId, 'fetch')).reason, { reusedFrom: id }, 'upstream of mail: reused');
    assert.deepEqual((await stepOf(rerunId, 'review')).reason, { reusedFrom: id });
    assert.match(await ok(['logs', rerunId]), /\[mail\] mailed v2 #0/);
    assert.ok(!(await ok(['logs', rerunId])).includes('fetched'), 'fetch did not run again');
  });

  it('pause holds the next node back until resume; --reject fails the run with the comment (--wait exits 1)', async () => {
    const following = startCli(['workflows', 'run', 'cli-approved', '--follow'], { apiUrl: h.apiUrl });
    const id = await runIdOf(following);
    await untilStep(id, 'review', 'running');
    assert.match(await ok(['workflows', 'pause', id]), new RegExp(`^paused: ${id}$`, 'm'));
    await ok(['workflows', 'approve', id, 'review']);
    await untilStep(id, 'review', 'complete');
    // A negative check: give a (wrongly) unpaused run time to start mail.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    assert.equal((await stepOf(id, 'mail')).status, 'pending', 'paused: mail does not start');
    assert.match(await ok(['workflows', 'resume', id]), new RegExp(`^resumed: ${id}$`, 'm'));
    assert.equal((await following.result).code, 0);
    assert.equal((await stepOf(id, 'mail')).status, 'complete');

    const waiting = startCli(['workflows', 'run', 'cli-approved', '--wait'], { apiUrl: h.apiUrl });
    const rejectedId = await runIdOf(waiting);
    await untilStep(rejectedId, 'review', 'running');
    assert.match(await ok(['workflows', 'approve', rejectedId, 'review', '--reject', '--comment', 'not now']), /^rejected: /m);
    const out = await waiting.result;
    assert.equal(out.code, 1, out.stderr);
    assert.match(out.stdout, new RegExp(`✖ failed ${rejectedId}: `));
    assert.equal((await stepOf(rejectedId, 'mail')).status, 'cancelled', 'fail_fast: mail never runs');
    assert.match(JSON.stringify(await stepOf(rejectedId, 'review')), /approval review rejected: not now/);

    const finished = await run(['workflows', 'pause', rejectedId]);
    assert.equal(finished.code, 1);
    assert.match(finished.stderr, /^conveyor: run_finished: /);
  });
});
