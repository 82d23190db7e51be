// Worker presence: each worker keeps a row in `workers`; GET /api/workers and waitingForWorker read it.
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createDb } from '../../src/db/connect.js';
import { listLiveWorkers, liveWorkerServes, upsertWorker } from '../../src/db/workers.repository.js';
import { startWorker, type RunningWorker } from '../../src/worker.js';
import { startPresence } from '../../src/worker-presence.js';
import { FIXTURE_TASKS, logger, useHarness } from '../support/harness.js';
import { suite } from '../support/suite.js';

type WorkerView = { id: string; host: string; pid: number; taskQueue: string; tasks: string[]; workflowTypes: string[]; startedAt: string; lastSeenAt: string; inFlight: number };

describe('worker presence', function () {
  this.timeout(90_000);
  const h = useHarness({ worker: false });
  afterEach(() => h.stopWorker());
  const workersNow = async () => (await h.request('GET', '/api/workers')).body.workers as WorkerView[];
  const waiting = async (id: string) => (await h.request('GET', `/api/runs/${id}`)).body.waitingForWorker as boolean;

  it('GET /api/workers lists a live worker with its tasks and in-flight attempts; a stopped worker disappears', async () => {
    const worker = await h.startWorker();
    const [listed, ...others] = await workersNow();
    assert.equal(others.length, 0);
    assert.equal(listed.id, worker.id);
    assert.equal(listed.host, os.hostname());
    assert.equal(listed.pid, process.pid);
    assert.equal(listed.taskQueue, h.taskQueue);
    assert.deepEqual([...listed.tasks].sort(), h.registry.list().map((t) => t.slug).sort());
    assert.deepEqual(listed.workflowTypes, ['taskRun', 'dagRun']);
    assert.equal(listed.inFlight, 0);
    assert.ok(Date.parse(listed.lastSeenAt) >= Date.parse(listed.startedAt));

    const run = await h.request('POST', '/api/tasks/sleepy', { inputs: { ms: 8_000 } });
    await h.waitForRun(run.body.id, (r) => r.status === 'running');
    let busy: WorkerView | undefined;
    for (let i = 0; i < 100 && !busy; i++) {
      busy = (await workersNow()).find((w) => w.id === worker.id && w.inFlight >= 1);
      if (!busy) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(busy?.inFlight, 1, 'the attempt in flight is reported by the next heartbeat');
    await h.request('POST', `/api/runs/${run.body.id}/cancel`, {});
    await h.waitForRun(run.body.id);

    await h.stopWorker();
    assert.deepEqual(await workersNow(), [], 'a stopped worker leaves at once');
  });

  it('waitingForWorker: true with no worker, false while one serves the task, true right after the last one stops', async () => {
    const res = await h.request('POST', '/api/tasks/noop', { delay: '1h' });
    assert.equal(res.status, 202);
    assert.equal(await waiting(res.body.id), true);
    await h.startWorker();
    assert.equal(await waiting(res.body.id), false);
    await h.stopWorker();
    assert.equal(await waiting(res.body.id), true, 'Temporal still lists the poller for ~15 s; the presence row is gone at once');
    await h.request('POST', `/api/runs/${res.body.id}/cancel`, {});
  });

  it('a run of a task no live worker serves is waiting, while a run of a served task is not', async () => {
    const onlyNoop = await mkdtemp(path.join(os.tmpdir(), 'conveyor-test-tasks-'));
    let worker: RunningWorker | undefined;
    try {
      await copyFile(path.join(FIXTURE_TASKS, 'noop.ts'), path.join(onlyNoop, 'noop.ts'));
      worker = await startWorker({ ...h.config, tasksDir: onlyNoop }, h.temporalAddress, h.databaseUrl, logger, { workflowBundle: (await suite()).workflowBundle, shutdownGraceTime: '2s' });
      const served = await h.request('POST', '/api/tasks/noop', { delay: '1h' });
      const unserved = await h.request('POST', '/api/tasks/echo', { inputs: { message: 'x' }, delay: '1h' });
      assert.equal(await waiting(served.body.id), false);
      assert.equal(await waiting(unserved.body.id), true, 'the live worker does not have this task');
      for (const id of [served.body.id, unserved.body.id]) await h.request('POST', `/api/runs/${id}/cancel`, {});
    } finally {
      await worker?.stop();
      await rm(onlyNoop, { recursive: true, force: true });
    }
  });

  it('a worker not seen for ~6 s is gone, on its task queue only', async () => {
    const base = { host: 'elsewhere', pid: 1, tasks: ['noop'], workflowTypes: ['taskRun', 'dagRun'], inFlight: 0 };
    await upsertWorker(h.db, { ...base, id: 'wkr_silent', taskQueue: h.taskQueue });
    await upsertWorker(h.db, { ...base, id: 'wkr_other_queue', taskQueue: 'another-queue' });
    assert.equal(await liveWorkerServes(h.db, h.taskQueue, { task: 'noop' }), true);
    assert.equal(await liveWorkerServes(h.db, 'another-queue', { workflowType: 'dagRun' }), true);
    assert.equal(await liveWorkerServes(h.db, h.taskQueue, { task: 'echo' }), false);
    assert.deepEqual((await workersNow()).map((w) => w.id).sort(), ['wkr_other_queue', 'wkr_silent']);

    await h.db.updateTable('workers').set({ last_seen_at: new Date(Date.now() - 7_000) }).where('id', '=', 'wkr_silent').execute();
    assert.equal(await liveWorkerServes(h.db, h.taskQueue, { task: 'noop' }), false);
    assert.deepEqual((await workersNow()).map((w) => w.id), ['wkr_other_queue']);
    assert.deepEqual((await listLiveWorkers(h.db, { taskQueue: h.taskQueue })).map((w) => w.id), []);
    await h.db.deleteFrom('workers').execute();
  });

  it('a database outage does not stop the presence heartbeat: it logs and keeps trying', async () => {
    const unreachable = createDb({ url: 'postgres://postgres@127.0.0.1:1/nowhere', max: 1 });
    const warnings: unknown[] = [];
    const spy = { ...logger, warn: (...args: unknown[]) => void warnings.push(args), info: () => undefined } as unknown as typeof logger;
    try {
      const presence = await startPresence({ db: unreachable, logger: spy, taskQueue: h.taskQueue, tasks: [], workflowTypes: [], inFlight: () => 0, intervalMs: 50 });
      await new Promise((r) => setTimeout(r, 300));
      await presence.stop();
      assert.ok(warnings.length >= 1, 'the failure is logged');
    } finally {
      await unreachable.destroy();
    }
  });
});
