import assert from 'node:assert/strict';
import { listLogs } from '../../src/db/logs.repository.js';
import { findRun } from '../../src/db/runs.repository.js';
import { ConveyorTask, ConveyorTriggeredBy } from '../../src/runs/contract.js';
import { useHarness } from '../support/harness.js';

describe('run lifecycle (real Temporal, real Postgres)', () => {
  const h = useHarness();

  async function trigger(slug: string, inputs?: unknown): Promise<string> {
    const res = await h.request('POST', `/api/tasks/${slug}`, inputs === undefined ? {} : { inputs });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    return res.body.id as string;
  }

  it('completes a run and keeps its log lines in order, typed', async () => {
    const id = await trigger('echo', { message: 'hi', count: 3 });
    const run = await h.waitForRun(id);
    assert.equal(run.status, 'complete');
    assert.deepEqual(run.result, { message: 'hi', count: 3 });
    assert.equal(run.attempt, 1);
    assert.ok(run.started_at && run.completed_at);
    const logs = await listLogs(h.db, id, undefined, 100);
    assert.deepEqual(
      logs.map((l) => [l.level, l.message]),
      [['log', 'hi #0'], ['log', 'hi #1'], ['log', 'hi #2'], ['info', 'info line'], ['json', null], ['error', 'an error worth logging'], ['markdown', '**done**']],
    );
    assert.deepEqual(logs[4].data, { nested: { ok: true } });
    assert.match(String((logs[5].data as { stack: string }).stack), /an error worth logging/);
    const seqs = logs.map((l) => Number(l.seq));
    assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b));
  });

  it('retries a flaky task and records its attempts', async () => {
    const id = await trigger('flaky');
    const run = await h.waitForRun(id);
    assert.equal(run.status, 'complete');
    assert.equal(run.attempt, 3);
    assert.deepEqual(run.result, { attempt: 3 });
    const attempts = (await listLogs(h.db, id, undefined, 100)).filter((l) => l.level === 'log').map((l) => l.attempt);
    assert.deepEqual(attempts, [1, 2, 3]);
  });

  it('does not retry ml.fail or a thrown PermanentError', async () => {
    for (const via of ['fail', 'throw']) {
      const id = await trigger('permanent', { via });
      const run = await h.waitForRun(id);
      assert.equal(run.status, 'failed');
      assert.equal(run.attempt, 1);
      assert.equal(run.error?.type, 'PermanentError');
      assert.match(run.error!.message, via === 'fail' ? /ml.fail called/ : /thrown permanent error/);
    }
  });

  it('fails after maxAttempts with the last error, its type and stack (seed-style task)', async () => {
    const id = await trigger('always-throws');
    const run = await h.waitForRun(id);
    assert.equal(run.status, 'failed');
    assert.equal(run.attempt, 2);
    assert.equal(run.error?.type, 'TypeError');
    assert.equal(run.error?.message, 'boom on attempt 2');
    assert.match(String(run.error?.stack), /always-throws/);
  });

  it('ends as timeout when the last attempt times out, firing ml.signal each time', async () => {
    const id = await trigger('attempt-timeout');
    const run = await h.waitForRun(id);
    assert.equal(run.status, 'timeout');
    assert.equal(run.error?.type, 'AttemptTimeout');
    assert.equal(run.attempt, 2);
    const warned = (await listLogs(h.db, id, undefined, 100)).filter((l) => l.level === 'warn').map((l) => l.message);
    assert.ok(warned.includes('attempt 1 signal aborted'), JSON.stringify(warned));
  });

  it('ends as timeout when the run timeout passes, whatever attempts remain', async () => {
    const id = await trigger('run-timeout');
    const run = await h.waitForRun(id);
    assert.equal(run.status, 'timeout');
    assert.equal(run.error?.type, 'RunTimeout');
  });

  it('gives a run started outside Conveyor its row and search attributes', async () => {
    const id = `cli-${Date.now()}`;
    const handle = await h.client.workflow.start('taskRun', { workflowId: id, taskQueue: h.taskQueue, args: [{ task: 'echo', inputs: { message: 'from cli' } }] });
    await handle.result();
    const run = await findRun(h.db, id);
    assert.equal(run?.status, 'complete');
    assert.equal(run?.triggered_by, 'api');
    const description = await handle.describe();
    assert.equal(description.typedSearchAttributes.get(ConveyorTask), 'echo');
    assert.equal(description.typedSearchAttributes.get(ConveyorTriggeredBy), 'api');
  });

  it('fails at once, without retries, on inputs that fail the schema or an unknown task', async () => {
    const bad = await h.client.workflow.start('taskRun', { workflowId: `bad-${Date.now()}`, taskQueue: h.taskQueue, args: [{ task: 'echo', inputs: { message: 42 } }] });
    await assert.rejects(bad.result(), (error: Error) => /invalid inputs: message/.test(String((error.cause as Error | undefined)?.message)));
    const badRun = await findRun(h.db, bad.workflowId);
    assert.equal(badRun?.status, 'failed');
    assert.equal(badRun?.error?.type, 'InvalidInputs');
    assert.equal(badRun?.attempt, 0);

    const unknown = await h.client.workflow.start('taskRun', { workflowId: `unknown-${Date.now()}`, taskQueue: h.taskQueue, args: [{ task: 'nope' }] });
    await assert.rejects(unknown.result(), (error: Error) => /unknown task "nope"/.test(String((error.cause as Error | undefined)?.message)));
    assert.equal((await findRun(h.db, unknown.workflowId))?.error?.type, 'UnknownTask');
  });

  it('sets search attributes on runs triggered over HTTP', async () => {
    const id = await trigger('noop');
    await h.waitForRun(id);
    const description = await h.client.workflow.getHandle(id).describe();
    assert.equal(description.typedSearchAttributes.get(ConveyorTask), 'noop');
    assert.equal(description.typedSearchAttributes.get(ConveyorTriggeredBy), 'api');
  });
});
