// Limits are exact across worker processes (not only across workers sharing one process's pool):
// three real `src/worker.ts` processes, measured by the tasks' own start and end timestamps.
import assert from 'node:assert/strict';
import type { Run } from '../../../src/db/schema.js';
import { useHarness } from '../../support/harness.js';
import { CONCURRENCY_TASKS, maxOverlap, type Interval } from '../../support/concurrency.js';
import { spawnWorker, type WorkerProcess } from '../../support/worker-process.js';

type Ran = Interval & { pid: number };

describe('reliability: concurrency limits across three worker processes', function () {
  this.timeout(180_000);
  const h = useHarness({ worker: false, tasksDir: CONCURRENCY_TASKS });
  let workers: WorkerProcess[] = [];

  before(async () => {
    const options = { temporalAddress: h.temporalAddress, databaseUrl: h.databaseUrl, taskQueue: h.taskQueue, tasksDir: CONCURRENCY_TASKS };
    workers = await Promise.all([spawnWorker(options), spawnWorker(options), spawnWorker(options)]);
  });
  after(async () => {
    await Promise.all(workers.map((w) => w.kill()));
  });

  const trigger = async (slug: string, inputs: unknown) => {
    const res = await h.request('POST', `/api/tasks/${slug}`, { inputs });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    return res.body.id as string;
  };
  const ran = (run: Run): Ran => {
    assert.equal(run.status, 'complete', JSON.stringify(run));
    return run.result as Ran;
  };
  const finished = async (ids: string[]) => (await Promise.all(ids.map((id) => h.waitForRun(id, undefined, 150_000)))).map(ran);

  it('limit 2: 30 runs of 300 ms never overlap more than 2, and all complete', async () => {
    const ids = await Promise.all(Array.from({ length: 30 }, () => trigger('limited', { ms: 300 })));
    const runs = await finished(ids);
    assert.equal(runs.length, 30);
    assert.equal(maxOverlap(runs), 2);
    assert.ok(new Set(runs.map((r) => r.pid)).size >= 2, 'attempts ran in more than one worker process');
    assert.deepEqual(await h.directDb.selectFrom('concurrency_slots').selectAll().execute(), [], 'no slot leaked');
  });

  it('perKey 1 with 3 keys: one at a time per key, and different keys overlap', async () => {
    const customers = ['a', 'b', 'c'];
    const ids = await Promise.all(customers.flatMap((customer) => Array.from({ length: 4 }, () => trigger('per-key', { customer, ms: 300 }))));
    const runs = await finished(ids);
    const byCustomer = (customer: string) => runs.filter((_, i) => customers[Math.floor(i / 4)] === customer);
    for (const customer of customers) assert.equal(maxOverlap(byCustomer(customer)), 1, `customer ${customer}`);
    assert.ok(maxOverlap(runs) > 1, 'runs of different keys ran at the same time');
  });
});
