// A start whose outcome the API cannot learn (deadline passed, connection lost) may still
// land after the API removed the row: the workflow must bring the row back whole.
import assert from 'node:assert/strict';
import { createRun, deleteRun } from '../../src/db/runs.repository.js';
import { idempotentRunId, rowExtras, taskRunInput } from '../../src/services/trigger.js';
import type { DagRunInput } from '../../src/workflows/dag-run-input.js';
import { useHarness } from '../support/harness.js';

describe('a start that landed after the API gave up on it', () => {
  const h = useHarness();

  it('re-creates the run row with its tags, idempotency key, delay and ttl', async () => {
    const task = h.registry.get('echo')!;
    const runAt = new Date(Date.now() + 500);
    const expiresAt = new Date(Date.now() + 120_000);
    const id = idempotentRunId(task.slug, 'key-1');
    // What the API wrote and then removed when Temporal did not answer in time.
    const row = await createRun(h.db, {
      id, task: task.slug, status: 'pending', triggered_by: 'api', inputs: JSON.stringify({ message: 'hi' }),
      tags: ['team:a', 'urgent'], idempotency_key: 'key-1', run_at: runAt, expires_at: expiresAt,
    });
    assert.ok(row);
    await deleteRun(h.db, id);
    // …but the start had reached Temporal.
    await h.client.workflow.start('taskRun', { workflowId: id, taskQueue: h.taskQueue, args: [taskRunInput(task, row)] });

    const run = await h.waitForRun(id);
    assert.equal(run.status, 'complete');
    assert.deepEqual(run.tags, ['team:a', 'urgent']);
    assert.equal(run.idempotency_key, 'key-1');
    assert.equal(run.run_at?.getTime(), runAt.getTime());
    assert.equal(run.expires_at?.getTime(), expiresAt.getTime());
    assert.deepEqual(run.inputs, { message: 'hi' });
  });

  it('re-creates a DAG run\'s row the same way', async () => {
    const slug = 'recreated';
    assert.equal((await h.request('POST', '/api/workflows', { slug, nodes: [{ id: 'a', task: 'noop' }], edges: [] })).status, 201);
    assert.equal((await h.request('POST', `/api/workflows/${slug}/activate`, { version: 1 })).status, 200);
    const id = idempotentRunId(`workflow:${slug}`, 'key-2');
    const expiresAt = new Date(Date.now() + 120_000);
    const row = await createRun(h.db, {
      id, kind: 'workflow', task: slug, status: 'pending', triggered_by: 'api', inputs: JSON.stringify(null),
      workflow_slug: slug, workflow_version: 1, tags: ['dag'], idempotency_key: 'key-2', expires_at: expiresAt,
    });
    assert.ok(row);
    await deleteRun(h.db, id);
    const input: DagRunInput = { workflow: slug, version: 1, inputs: null, triggeredBy: 'api', expiresAt: expiresAt.toISOString(), ...rowExtras(row) };
    await h.client.workflow.start('dagRun', { workflowId: id, taskQueue: h.taskQueue, args: [input] });

    const run = await h.waitForRun(id);
    assert.equal(run.status, 'complete');
    assert.equal(run.kind, 'workflow');
    assert.deepEqual(run.tags, ['dag']);
    assert.equal(run.idempotency_key, 'key-2');
    assert.equal(run.expires_at?.getTime(), expiresAt.getTime());
  });
});
