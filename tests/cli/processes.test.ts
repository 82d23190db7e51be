// `conveyor api` and `conveyor worker` start the production processes: the real executable (bin.mjs),
// run from a directory outside the project as a linked install would be, against the test's Postgres and Temporal.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../src/infra/temporal-dev-server.js';
import { FIXTURE_TASKS, useHarness } from '../support/harness.js';

const BIN = path.resolve('src/cli/bin.mjs');

/** `conveyor <command>` from the temp directory; `ready` resolves once its output matches. */
function startProcess(command: string, env: Record<string, string>, ready: RegExp) {
  // Its own process group, as a shell gives a foreground job: a test can Ctrl-C the whole group.
  const child = spawn(process.execPath, [BIN, command], { cwd: os.tmpdir(), env: { ...process.env, LOG_LEVEL: 'info', NODE_ENV: 'test', ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const started = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (ready.test(output)) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => reject(new Error(`conveyor ${command} exited (${code}) before it was ready:\n${output}`)));
  });
  return { child, started, exited, output: () => output };
}

describe('conveyor api | worker (real processes)', function () {
  this.timeout(180_000);
  const h = useHarness({ worker: false });
  const base = () => ({ DATABASE_URL: h.databaseUrl, TEMPORAL_ADDRESS: h.temporalAddress, CONVEYOR_TASKS_DIR: FIXTURE_TASKS, CONVEYOR_TASK_QUEUE: h.taskQueue });

  it('conveyor api answers /health, then stops on SIGTERM with exit 0', async () => {
    const port = await freePort();
    const api = startProcess('api', { ...base(), PORT: String(port), HOST: '127.0.0.1' }, /API listening/);
    try {
      await api.started;
      const health = await fetch(`http://127.0.0.1:${port}/health`);
      assert.equal(health.status, 200);
      const tasks = (await (await fetch(`http://127.0.0.1:${port}/api/tasks`)).json()) as { tasks: Array<{ slug: string }> };
      assert.ok(tasks.tasks.some((t) => t.slug === 'echo'), 'it serves the tasks of CONVEYOR_TASKS_DIR');
    } finally {
      api.child.kill('SIGTERM');
    }
    assert.equal(await api.exited, 0, api.output());
  });

  it('conveyor worker runs a task triggered through the API, then drains on Ctrl-C (SIGINT to the whole group) with exit 0', async () => {
    const worker = startProcess('worker', { ...base(), CONVEYOR_WORKER_METRICS_ADDRESS: 'off' }, /worker started/);
    try {
      await worker.started;
      const { id } = (await h.request('POST', '/api/tasks/echo', { inputs: { message: 'from the worker process' } })).body as { id: string };
      const run = await h.waitForRun(id, undefined, 60_000);
      assert.equal(run.status, 'complete');
    } finally {
      // What a terminal does on Ctrl-C: SIGINT to every process of the foreground group.
      process.kill(-worker.child.pid!, 'SIGINT');
    }
    assert.equal(await worker.exited, 0, worker.output());
    assert.equal(worker.output().match(/draining worker/g)?.length, 1, 'one SIGINT reached the worker, not a second that kills it mid-drain');
  });

  it('without DATABASE_URL: one line naming the variable, exit 1', async () => {
    const api = startProcess('api', { TEMPORAL_ADDRESS: h.temporalAddress, DATABASE_URL: '' }, /$^/);
    api.started.catch(() => undefined);
    assert.equal(await api.exited, 1);
    assert.match(api.output(), /^DATABASE_URL is not set: /);
    assert.ok(!api.output().includes('    at '), 'no stack trace');
  });
});
