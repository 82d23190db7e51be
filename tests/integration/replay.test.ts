import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger, Worker } from '@temporalio/worker';
import { suite } from '../support/suite.js';

// Committed histories of real `taskRun` and `dagRun` executions (npm run histories:record).
// If the workflow code can no longer replay one, running workflows would break on deploy.
const DIR = path.resolve('tests/histories');

async function histories() {
  const files = (await readdir(DIR)).filter((f) => f.endsWith('.json')).sort();
  return Promise.all(files.map(async (file) => ({ workflowId: file, history: JSON.parse(await readFile(path.join(DIR, file), 'utf8')) as unknown })));
}

async function replayAll(workflowBundle: { code: string }): Promise<{ workflowId: string; error?: Error }[]> {
  const results: { workflowId: string; error?: Error }[] = [];
  for await (const result of Worker.runReplayHistories({ workflowBundle }, await histories())) results.push(result);
  return results;
}

describe('replay over committed histories (taskRun, dagRun)', () => {
  it('replays every committed history with the current workflow code', async function () {
    this.timeout(120_000);
    const results = await replayAll((await suite()).workflowBundle);
    assert.ok(results.length >= 15, `expected the committed histories, found ${results.length}`);
    // Paths issue 8 asked to pin: delayed, rescheduled and expired runs, and a run a Schedule started;
    // issue 12: a run that waited for a concurrency slot, and a DAG run that waited for its workflow's.
    for (const name of ['taskRun-api-delayed', 'taskRun-api-rescheduled', 'taskRun-api-expired', 'taskRun-schedule-started', 'taskRun-api-queued', 'dagRun-queued']) {
      assert.ok(results.some((r) => r.workflowId === `${name}.json`), `history ${name}.json is missing`);
    }
    for (const r of results) assert.equal(r.error, undefined, `${r.workflowId}: ${r.error?.message}`);
  });

  it('fails when the workflow changes incompatibly', async function () {
    this.timeout(120_000);
    const changed = await bundleWorkflowCode({ workflowsPath: path.resolve('tests/fixtures/workflows/changed-task-run.ts'), logger: new DefaultLogger('WARN') });
    const results = await replayAll(changed);
    assert.ok(results.length > 0);
    for (const r of results) assert.equal(r.error?.name, 'DeterminismViolationError', `${r.workflowId} replayed a changed workflow without error`);
  });
});
