// DAG workflow runs (`dagRun`) against the real dev server and Postgres.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { promisify } from 'node:util';
import type { Run } from '../../src/db/schema.js';
import { suite } from '../support/suite.js';
import { useHarness } from '../support/harness.js';

type Step = { nodeId: string; status: string; output: { message?: string } | null; error: { message: string; nodeId: string } | null; reason: { code: string } | null };

describe('DAG workflow runs', function () {
  this.timeout(90_000);
  const h = useHarness();
  let counter = 0;

  /** Creates and activates a definition, executes it, returns the run id. */
  async function execute(def: object, inputs: unknown = {}): Promise<string> {
    const slug = `wf-${++counter}`;
    const created = await h.request('POST', '/api/workflows', { slug, ...def });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal((await h.request('POST', `/api/workflows/${slug}/activate`, { version: 1 })).status, 200);
    const res = await h.request('POST', `/api/workflows/${slug}/execute`, { inputs });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    return res.body.id;
  }
  const view = async (id: string) => (await h.request('GET', `/api/runs/${id}`)).body as { status: string; error: { message: string } | null; steps: Step[] };
  const stepOf = (steps: Step[], id: string) => steps.find((s) => s.nodeId === id)!;
  const waitStep = async (runId: string, nodeId: string, status: string) => {
    for (let i = 0; i < 200; i++) {
      if (stepOf((await view(runId)).steps, nodeId).status === status) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`node ${nodeId} never became ${status}`);
  };

  it('runs a diamond: fan-out in parallel, fan-in with templates over upstream outputs', async () => {
    const id = await execute({
      nodes: [
        { id: 'fetch', task: 'echo', inputs: { message: '{{ inputs.word }}', count: 0 } },
        { id: 'left', task: 'echo', inputs: { message: '{{ nodes.fetch.output.message }}-L', count: 1 } },
        { id: 'right', task: 'echo', inputs: { message: '{{ nodes.fetch.output.message }}-R', count: 0 } },
        { id: 'join', task: 'echo', inputs: { message: '{{ nodes.left.output.message }}+{{ nodes.right.output.message }}', count: 0 } },
      ],
      edges: [{ from: 'fetch', to: 'left' }, { from: 'fetch', to: 'right' }, { from: 'left', to: 'join' }, { from: 'right', to: 'join' }],
    }, { word: 'hi' });
    const run: Run = await h.waitForRun(id);
    assert.equal(run.status, 'complete', JSON.stringify(run.error));
    assert.equal(run.kind, 'workflow');
    const { steps } = await view(id);
    assert.deepEqual(steps.map((s) => s.status), ['complete', 'complete', 'complete', 'complete']);
    assert.equal(stepOf(steps, 'join').output?.message, 'hi-L+hi-R');
    const logs = (await h.request('GET', `/api/runs/${id}/logs`)).body.lines as { nodeId?: string; message?: string }[];
    assert.ok(logs.some((l) => l.nodeId === 'left' && l.message === 'hi-L #0'), 'log lines carry their node id');
  });

  it('skips a node whose condition is false (with the reason); `any` and `atLeast` joins', async () => {
    const id = await execute({
      nodes: [
        { id: 'a', task: 'noop' }, { id: 'b', task: 'noop' }, { id: 'c', task: 'noop' },
        { id: 'anyJoin', task: 'noop', join: 'any' }, { id: 'twoOf', task: 'noop', join: { atLeast: 2 } }, { id: 'allJoin', task: 'noop' },
      ],
      edges: [
        { from: 'a', to: 'b', when: 'inputs.flag == true' }, { from: 'a', to: 'c', when: 'inputs.flag == false && nodes.a.output.ok == true' },
        { from: 'b', to: 'anyJoin' }, { from: 'c', to: 'anyJoin' },
        { from: 'a', to: 'twoOf' }, { from: 'b', to: 'twoOf' }, { from: 'c', to: 'twoOf' },
        { from: 'b', to: 'allJoin' }, { from: 'c', to: 'allJoin' },
      ],
    }, { flag: false });
    assert.equal((await h.waitForRun(id)).status, 'complete');
    const { steps } = await view(id);
    assert.equal(stepOf(steps, 'b').status, 'skipped');
    assert.equal(stepOf(steps, 'b').reason?.code, 'condition_false');
    assert.equal(stepOf(steps, 'anyJoin').status, 'complete');
    assert.equal(stepOf(steps, 'twoOf').status, 'complete');
    assert.equal(stepOf(steps, 'allJoin').status, 'skipped');
    assert.equal(stepOf(steps, 'allJoin').reason?.code, 'upstream_skipped');
  });

  it('fail_fast: the first failure cancels a running sibling and fails the run with that node', async () => {
    const id = await execute({
      nodes: [{ id: 'slow', task: 'sleepy', inputs: { ms: 30_000 } }, { id: 'bad', task: 'permanent', inputs: {} }, { id: 'after', task: 'noop' }],
      edges: [{ from: 'bad', to: 'after' }],
    });
    const run = await h.waitForRun(id);
    assert.equal(run.status, 'failed');
    assert.match(run.error!.message, /node bad failed: ml.fail called/);
    const { steps } = await view(id);
    assert.equal(stepOf(steps, 'bad').status, 'failed');
    assert.equal(stepOf(steps, 'bad').error?.nodeId, 'bad');
    assert.equal(stepOf(steps, 'slow').status, 'cancelled');
    assert.equal(stepOf(steps, 'after').status, 'cancelled');
    const logs = (await h.request('GET', `/api/runs/${id}/logs`)).body.lines as { nodeId?: string; level: string; message?: string }[];
    assert.ok(logs.some((l) => l.nodeId === 'slow' && l.message === 'signal aborted'), 'the sibling saw ml.signal');
  });

  it('continue: independent branches finish, dependents of the failure are skipped, the run fails listing it', async () => {
    const id = await execute({
      onFailure: 'continue',
      nodes: [{ id: 'bad', task: 'permanent', inputs: {} }, { id: 'dependent', task: 'noop' }, { id: 'independent', task: 'noop' }],
      edges: [{ from: 'bad', to: 'dependent' }],
    });
    const run = await h.waitForRun(id);
    assert.equal(run.status, 'failed');
    assert.deepEqual((run.error!.details as { failedNodes: string[] }).failedNodes, ['bad']);
    const { steps } = await view(id);
    assert.equal(stepOf(steps, 'independent').status, 'complete');
    assert.equal(stepOf(steps, 'dependent').status, 'skipped');
  });

  it('approval: by the API, by `temporal workflow signal`, and its timeout', async () => {
    const def = {
      nodes: [{ id: 'ok', type: 'approval', timeout: '1m' }, { id: 'cli', type: 'approval' }, { id: 'late', type: 'approval', timeout: '1s' }, { id: 'done', task: 'noop' }],
      edges: [{ from: 'ok', to: 'done' }, { from: 'cli', to: 'done' }],
      onFailure: 'continue',
    };
    const id = await execute(def);
    await waitStep(id, 'ok', 'running');
    assert.equal((await h.request('POST', `/api/runs/${id}/nodes/done/approve`, { approved: true })).status, 409, 'not an approval that waits');
    assert.equal((await h.request('POST', `/api/runs/${id}/nodes/ok/approve`, { approved: 'yes' })).status, 400);
    assert.equal((await h.request('POST', `/api/runs/${id}/nodes/ok/approve`, { approved: true, comment: 'lgtm' })).status, 202);
    const { cliPath, temporalAddress } = await suite();
    await promisify(execFile)(cliPath, ['workflow', 'signal', '--address', temporalAddress, '--workflow-id', id, '--name', 'approve', '--input', JSON.stringify({ nodeId: 'cli', approved: true })]);
    const run = await h.waitForRun(id);
    const { steps } = await view(id);
    assert.equal(stepOf(steps, 'ok').status, 'complete');
    assert.equal(stepOf(steps, 'cli').status, 'complete', JSON.stringify(stepOf(steps, 'cli')));
    assert.equal(stepOf(steps, 'done').status, 'complete');
    assert.equal(stepOf(steps, 'late').status, 'failed');
    assert.match(stepOf(steps, 'late').error!.message, /timed out/);
    assert.equal(run.status, 'failed', 'continue mode: the timed-out approval fails the run at the end');
  });

  it('re-runs from a failed node, reusing the stored outputs of the nodes upstream of it', async () => {
    const id = await execute({
      nodes: [{ id: 'a', task: 'echo', inputs: { message: 'from a', count: 1 } }, { id: 'b', task: 'permanent', inputs: {} }, { id: 'side', task: 'noop' }],
      edges: [{ from: 'a', to: 'b' }],
    });
    assert.equal((await h.waitForRun(id)).status, 'failed');
    const rerun = await h.request('POST', `/api/runs/${id}/rerun`, { fromNode: 'b' });
    assert.equal(rerun.status, 202, JSON.stringify(rerun.body));
    const again = await h.waitForRun(rerun.body.id);
    assert.equal(again.rerun_of, id);
    const { steps } = await view(rerun.body.id);
    assert.equal(stepOf(steps, 'a').status, 'complete');
    assert.deepEqual(stepOf(steps, 'a').reason, { reusedFrom: id });
    assert.equal(stepOf(steps, 'a').output?.message, 'from a');
    assert.equal(stepOf(steps, 'b').status, 'failed', 'b ran again (and fails again)');
    const lines = (await h.request('GET', `/api/runs/${rerun.body.id}/logs`)).body.lines as { nodeId?: string }[];
    assert.ok(!lines.some((l) => l.nodeId === 'a'), 'the reused node did not run again');
    assert.ok(lines.some((l) => l.nodeId === 'b'), 'the re-run node ran');
    assert.equal((await h.request('POST', `/api/runs/${id}/rerun`, { fromNode: 'ghost' })).status, 404);
  });

  it('checks run inputs against the definition\'s JSON Schema, and refuses a schema it cannot use', async () => {
    const slug = `wf-typed-${++counter}`;
    const input = { type: 'object', properties: { userId: { type: 'integer', minimum: 1 } }, required: ['userId'] };
    assert.equal((await h.request('POST', '/api/workflows', { slug, input, nodes: [{ id: 'a', task: 'noop' }], edges: [] })).status, 201);
    await h.request('POST', `/api/workflows/${slug}/activate`, { version: 1 });
    const before = (await h.directDb.selectFrom('runs').select('id').execute()).length;
    const bad = await h.request('POST', `/api/workflows/${slug}/execute`, { inputs: { userId: 'seven' } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'invalid_inputs');
    assert.deepEqual(bad.body.error.details.map((d: { field: string }) => d.field), ['inputs.userId']);
    assert.equal((await h.directDb.selectFrom('runs').select('id').execute()).length, before, 'nothing started');
    const good = await h.request('POST', `/api/workflows/${slug}/execute`, { inputs: { userId: 7 } });
    assert.equal(good.status, 202);
    assert.equal((await h.waitForRun(good.body.id)).status, 'complete');
    const unusable = await h.request('POST', '/api/workflows', { slug: `${slug}-x`, input: { type: 'no-such-type' }, nodes: [{ id: 'a', task: 'noop' }], edges: [] });
    assert.equal(unusable.status, 400);
    assert.equal((await h.request('POST', '/api/workflows/no-such-workflow/execute', {})).status, 404);
    const drafted = await h.request('POST', '/api/workflows', { slug: `${slug}-draft`, nodes: [{ id: 'a', task: 'noop' }], edges: [] });
    assert.equal(drafted.status, 201);
    assert.equal((await h.request('POST', `/api/workflows/${slug}-draft/execute`, {})).status, 409, 'a draft does not execute');
  });

  it('a signed webhook can start a workflow run', async () => {
    const slug = `wf-hook-${++counter}`;
    await h.request('POST', '/api/workflows', { slug, nodes: [{ id: 'say', task: 'echo', inputs: { message: '{{ inputs.text }}' } }], edges: [] });
    await h.request('POST', `/api/workflows/${slug}/activate`, { version: 1 });
    const hook = await h.request('POST', '/api/webhooks', { workflow: slug });
    assert.equal(hook.status, 201, JSON.stringify(hook.body));
    assert.equal(hook.body.workflow, slug);
    assert.equal((await h.request('POST', '/api/webhooks', { workflow: slug, task: 'noop' })).status, 400, 'one target only');
    const body = JSON.stringify({ text: 'hooked' });
    const t = Math.floor(Date.now() / 1000);
    const signature = createHmac('sha256', hook.body.secret).update(`${t}.${body}`).digest('hex');
    const res = await h.request('POST', `/hooks/${hook.body.id}`, body, { 'conveyor-signature': `t=${t},v1=${signature}` });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const run = await h.waitForRun(res.body.id);
    assert.equal(run.status, 'complete');
    assert.equal(run.kind, 'workflow');
    assert.equal(run.triggered_by, 'webhook');
    assert.equal(stepOf((await view(run.id)).steps, 'say').output?.message, 'hooked');
  });

  it('a schedule can start runs of a workflow\'s active version', async () => {
    const slug = `wf-sched-${++counter}`;
    await h.request('POST', '/api/workflows', { slug, nodes: [{ id: 'tick', task: 'noop' }], edges: [] });
    await h.request('POST', `/api/workflows/${slug}/activate`, { version: 1 });
    const created = await h.request('POST', '/api/schedules', { workflow: slug, every: '1s' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const scheduleId: string = created.body.id;
    try {
      assert.equal(created.body.workflow, slug);
      assert.equal((await h.request('POST', '/api/schedules', { workflow: slug, task: 'noop', every: '1s' })).status, 400, 'one target only');
      assert.equal((await h.request('POST', '/api/schedules', { workflow: 'nope', every: '1s' })).status, 404);
      const deadline = Date.now() + 20_000;
      let runs: Run[] = [];
      while (runs.filter((r) => r.status === 'complete').length < 1) {
        assert.ok(Date.now() < deadline, 'the schedule started no workflow run');
        await new Promise((r) => setTimeout(r, 200));
        runs = await h.directDb.selectFrom('runs').selectAll().where('schedule_id', '=', scheduleId).execute();
      }
      const run = runs.find((r) => r.status === 'complete')!;
      assert.equal(run.kind, 'workflow');
      assert.equal(run.triggered_by, 'schedule');
      assert.equal(run.workflow_version, 1);
      assert.equal(stepOf((await view(run.id)).steps, 'tick').status, 'complete');
    } finally {
      assert.equal((await h.request('DELETE', `/api/schedules/${scheduleId}`)).status, 204);
      // Let a run the schedule started at the last moment end before the file's worker stops.
      await new Promise((r) => setTimeout(r, 1_500));
    }
  });

  it("a workflow schedule's runs carry its priority and concurrency key; PATCH changes them", async () => {
    const slug = `wf-sched-prio-${++counter}`;
    await h.request('POST', '/api/workflows', { slug, nodes: [{ id: 'tick', task: 'noop' }], edges: [] });
    await h.request('POST', `/api/workflows/${slug}/activate`, { version: 1 });
    const created = await h.request('POST', '/api/schedules', { workflow: slug, every: '1h', paused: true, priority: 'high', concurrencyKey: 'tenant-9' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const scheduleId: string = created.body.id;
    const runOf = async () => {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const run = await h.directDb.selectFrom('runs').selectAll().where('schedule_id', '=', scheduleId).orderBy('created_at', 'desc').executeTakeFirst();
        if (run) return h.waitForRun(run.id);
        assert.ok(Date.now() < deadline, 'the schedule started no run');
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    try {
      assert.deepEqual([created.body.workflow, created.body.priority, created.body.concurrencyKey], [slug, 1, 'tenant-9']);
      assert.equal((await h.request('POST', `/api/schedules/${scheduleId}/trigger`)).status, 202);
      const ran = await runOf();
      assert.deepEqual([ran.kind, ran.status, ran.priority, ran.concurrency_key], ['workflow', 'complete', 1, 'tenant-9']);
      const patched = await h.request('PATCH', `/api/schedules/${scheduleId}`, { priority: 4 });
      assert.equal(patched.status, 200, JSON.stringify(patched.body));
      assert.deepEqual([patched.body.priority, patched.body.concurrencyKey], [4, 'tenant-9']);
    } finally {
      assert.equal((await h.request('DELETE', `/api/schedules/${scheduleId}`)).status, 204);
    }
  });

  it('cancel: over the API (with its reason) and by `temporal workflow cancel`; running and waiting nodes end cancelled', async () => {
    const def = { nodes: [{ id: 'nap', type: 'sleep', duration: '1m' }, { id: 'busy', task: 'sleepy', inputs: { ms: 60_000 } }, { id: 'after', task: 'noop' }], edges: [{ from: 'nap', to: 'after' }] };
    const viaApi = await execute(def);
    await waitStep(viaApi, 'busy', 'running');
    assert.equal((await h.request('POST', `/api/runs/${viaApi}/cancel`, { reason: 'no longer needed' })).status, 202);
    const cancelled = await h.waitForRun(viaApi);
    assert.equal(cancelled.status, 'cancelled');
    assert.equal(cancelled.error?.message, 'no longer needed');
    let { steps } = await view(viaApi);
    assert.deepEqual(steps.map((st) => st.status), ['cancelled', 'cancelled', 'cancelled']);

    const viaCli = await execute(def);
    await waitStep(viaCli, 'busy', 'running');
    const { cliPath, temporalAddress } = await suite();
    await promisify(execFile)(cliPath, ['workflow', 'cancel', '--address', temporalAddress, '--workflow-id', viaCli]);
    assert.equal((await h.waitForRun(viaCli)).status, 'cancelled');
    ({ steps } = await view(viaCli));
    assert.ok(steps.every((st) => st.status === 'cancelled'), JSON.stringify(steps.map((st) => st.status)));
  });

  it('execute takes delay (reschedulable, cancellable while waiting) and tags like a task trigger', async () => {
    const slug = `wf-later-${++counter}`;
    await h.request('POST', '/api/workflows', { slug, nodes: [{ id: 'a', task: 'noop' }], edges: [] });
    await h.request('POST', `/api/workflows/${slug}/activate`, { version: 1 });
    const triggeredAt = Date.now();
    const soon = await h.request('POST', `/api/workflows/${slug}/execute`, { delay: '1500ms', tags: ['later'] });
    assert.equal(soon.status, 202, JSON.stringify(soon.body));
    await new Promise((r) => setTimeout(r, 500));
    assert.equal((await view(soon.body.id)).status, 'pending');
    const run = await h.waitForRun(soon.body.id, undefined, 15_000);
    assert.equal(run.status, 'complete');
    assert.deepEqual(run.tags, ['later']);
    assert.ok(run.started_at!.getTime() >= triggeredAt + 1_400, 'not started before its delay');

    const far = await h.request('POST', `/api/workflows/${slug}/execute`, { delay: '1h' });
    assert.equal((await h.request('POST', `/api/runs/${far.body.id}/reschedule`, { delay: '200ms' })).status, 202);
    assert.equal((await h.waitForRun(far.body.id, undefined, 15_000)).status, 'complete');

    const waiting = await h.request('POST', `/api/workflows/${slug}/execute`, { delay: '1h' });
    assert.equal((await h.request('POST', `/api/runs/${waiting.body.id}/cancel`, { reason: 'changed plans' })).status, 202);
    const cancelled = await h.waitForRun(waiting.body.id);
    assert.equal(cancelled.status, 'cancelled');
    assert.equal(cancelled.error?.message, 'changed plans');
  });

  it('?wait answers 200 with the finished run and its steps when it ends in time, else 202', async () => {
    const slug = `wf-wait-${++counter}`;
    await h.request('POST', '/api/workflows', { slug, nodes: [{ id: 'say', task: 'echo', inputs: { message: '{{ inputs.text }}' } }], edges: [] });
    await h.request('POST', `/api/workflows/${slug}/activate`, { version: 1 });
    const done = await h.request('POST', `/api/workflows/${slug}/execute?wait=20s`, { inputs: { text: 'waited' } });
    assert.equal(done.status, 200, JSON.stringify(done.body));
    assert.equal(done.body.status, 'complete');
    assert.equal(stepOf(done.body.steps, 'say').output?.message, 'waited');
    const slow = await h.request('POST', `/api/workflows/${slug}/execute?wait=1ms`, { inputs: { text: 'later' } });
    assert.equal(slow.status, 202, JSON.stringify(slow.body));
    assert.equal((await h.waitForRun(slow.body.id)).status, 'complete');
    assert.equal((await h.request('POST', `/api/workflows/${slug}/execute?wait=2m`, { inputs: {} })).status, 400, 'wait over 60s');
  });

  it('pause holds new nodes back, resume lets them run', async () => {
    const id = await execute({ nodes: [{ id: 'first', type: 'sleep', duration: '1s' }, { id: 'second', task: 'noop' }], edges: [{ from: 'first', to: 'second' }] });
    assert.equal((await h.request('POST', `/api/runs/${id}/pause`)).status, 202);
    await new Promise((r) => setTimeout(r, 2_500));
    let { steps } = await view(id);
    assert.equal(stepOf(steps, 'first').status, 'complete');
    assert.equal(stepOf(steps, 'second').status, 'pending', 'paused: nothing new starts');
    assert.equal((await h.request('POST', `/api/runs/${id}/resume`)).status, 202);
    assert.equal((await h.waitForRun(id)).status, 'complete');
    ({ steps } = await view(id));
    assert.equal(stepOf(steps, 'second').status, 'complete');
    assert.equal((await h.request('POST', `/api/runs/${id}/pause`)).status, 409, 'a finished run cannot be paused');
  });

  it('pins a running run to its version when another is activated', async () => {
    const slug = `wf-pin-${++counter}`;
    await h.request('POST', '/api/workflows', { slug, nodes: [{ id: 'wait', type: 'sleep', duration: '1500ms' }, { id: 'v1only', task: 'noop' }], edges: [{ from: 'wait', to: 'v1only' }] });
    await h.request('POST', `/api/workflows/${slug}/activate`, { version: 1 });
    const first = (await h.request('POST', `/api/workflows/${slug}/execute`, {})).body.id;
    await h.request('PUT', `/api/workflows/${slug}`, { slug, nodes: [{ id: 'v2only', task: 'noop' }], edges: [] });
    await h.request('POST', `/api/workflows/${slug}/activate`, { version: 2 });
    const second = (await h.request('POST', `/api/workflows/${slug}/execute`, {})).body.id;
    assert.equal((await h.waitForRun(first)).workflow_version, 1);
    assert.deepEqual((await view(first)).steps.map((s) => [s.nodeId, s.status]), [['wait', 'complete'], ['v1only', 'complete']]);
    assert.deepEqual((await view(second)).steps.map((s) => s.nodeId), ['v2only']);
    const executions = (await h.request('GET', `/api/workflows/${slug}/executions`)).body.runs as { id: string }[];
    assert.deepEqual(executions.map((r) => r.id), [second, first]);
  });

  it('continues as new near the history limit, carrying compact state, and completes', async () => {
    const slug = `wf-long-${++counter}`;
    // Each node passes its predecessor's output on: values must survive every continue-as-new.
    const nodes = Array.from({ length: 40 }, (_, i) => ({ id: `n${i}`, task: 'echo', inputs: { message: i === 0 ? 'relay' : `{{ nodes.n${i - 1}.output.message }}`, count: 0 } }));
    const edges = nodes.slice(1).map((n, i) => ({ from: `n${i}`, to: n.id }));
    await h.request('POST', '/api/workflows', { slug, nodes, edges });
    await h.request('POST', `/api/workflows/${slug}/activate`, { version: 1 });
    const id = `run_can_${Date.now()}`;
    const handle = await h.client.workflow.start('dagRun', { workflowId: id, taskQueue: h.taskQueue, args: [{ workflow: slug, version: 1, inputs: {}, historyLimit: 60 }] });
    assert.deepEqual(await handle.result(), { status: 'complete' });
    const latest = await h.client.workflow.getHandle(id).describe();
    assert.notEqual(latest.runId, handle.firstExecutionRunId, 'the run continued as new at least once');
    const { steps } = await view(id);
    assert.equal(steps.length, 40);
    assert.ok(steps.every((s) => s.status === 'complete'));
    assert.equal(stepOf(steps, 'n39').output?.message, 'relay');
    assert.equal((await h.waitForRun(id)).status, 'complete');
  });
});
