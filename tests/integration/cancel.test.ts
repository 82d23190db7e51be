import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { listLogs } from '../../src/db/logs.repository.js';
import { findRun } from '../../src/db/runs.repository.js';
import { reconcileOnce } from '../../src/runs/reconciler.js';
import { logger, useHarness } from '../support/harness.js';
import { suite } from '../support/suite.js';

const run = promisify(execFile);

// Cancelling as operators do: with the real `temporal` CLI against the dev server.
describe('cancel, signal and terminate', () => {
  const h = useHarness();

  async function temporal(...args: string[]): Promise<void> {
    const { cliPath } = await suite();
    await run(cliPath, [...args, '--address', h.temporalAddress, '--namespace', 'default']);
  }

  async function startSleepy(): Promise<string> {
    const res = await h.request('POST', '/api/tasks/sleepy', { inputs: { ms: 30_000 } });
    assert.equal(res.status, 202);
    const id = res.body.id as string;
    await h.waitForRun(id, (r) => r.status === 'running');
    return id;
  }

  it('`temporal workflow cancel` ends the run as cancelled and fires ml.signal', async () => {
    const id = await startSleepy();
    await temporal('workflow', 'cancel', '--workflow-id', id);
    const ended = await h.waitForRun(id);
    assert.equal(ended.status, 'cancelled');
    assert.equal(ended.error?.type, 'Cancelled');
    const lines = await listLogs(h.db, id, undefined, 100);
    assert.ok(lines.some((l) => l.level === 'warn' && l.message === 'signal aborted'), 'the task saw its AbortSignal');
    assert.ok(lines.some((l) => l.level === 'system' && /run cancelled: cancelled by a Temporal cancel request/.test(String(l.message))));
    // The row is written just before the workflow closes: wait for the close, then look.
    await assert.rejects(h.client.workflow.getHandle(id).result());
    const description = await h.client.workflow.getHandle(id).describe();
    assert.equal(description.status.name, 'CANCELLED');
  });

  it('`temporal workflow signal --name cancel` ends the run as cancelled and logs the reason', async () => {
    const id = await startSleepy();
    await temporal('workflow', 'signal', '--workflow-id', id, '--name', 'cancel', '--input', '{"reason":"operator asked"}');
    const ended = await h.waitForRun(id);
    assert.equal(ended.status, 'cancelled');
    assert.equal(ended.error?.message, 'operator asked');
    const lines = await listLogs(h.db, id, undefined, 100);
    assert.ok(lines.some((l) => l.level === 'warn' && l.message === 'signal aborted'));
    assert.ok(lines.some((l) => l.message === 'run cancelled: operator asked'));
  });

  it('cancels a task that ignores its signal', async () => {
    const res = await h.request('POST', '/api/tasks/ignores-signal', {});
    const id = res.body.id as string;
    await h.waitForRun(id, (r) => r.status === 'running');
    const started = Date.now();
    await h.client.workflow.getHandle(id).cancel();
    const ended = await h.waitForRun(id, undefined, 10_000);
    assert.equal(ended.status, 'cancelled');
    assert.ok(Date.now() - started < 10_000);
  });

  it('a terminated run does not stay running: the reconciler closes it', async () => {
    const id = await startSleepy();
    await temporal('workflow', 'terminate', '--workflow-id', id, '--reason', 'test');
    assert.equal((await findRun(h.db, id))?.status, 'running');
    const closed = await reconcileOnce({ db: h.db, client: h.client, logger, staleAfterMs: 0 });
    assert.ok(closed >= 1);
    const ended = await findRun(h.db, id);
    assert.equal(ended?.status, 'cancelled');
    assert.equal(ended?.error?.type, 'Terminated');
  });
});
