// Postgres unreachable for a few seconds mid-run (a TCP proxy cut between it and the
// worker/API): log flushes and bookkeeping retry; no line lost or doubled; no run left open.
import assert from 'node:assert/strict';
import { ConveyorTask, ConveyorTriggeredBy } from '../../../src/runs/contract.js';
import { newRunId } from '../../../src/runs/run-id.js';
import { useHarness } from '../../support/harness.js';

describe('reliability: Postgres down for a few seconds', function () {
  this.timeout(120_000);
  const h = useHarness({ proxyDatabase: true });
  afterEach(() => h.dbProxy!.restore());

  const storedLines = async (id: string) =>
    h.directDb.selectFrom('run_logs').select(['attempt', 'line', 'message']).where('run_id', '=', id).orderBy('seq').execute();

  it('a run writing logs through the outage completes with every line exactly once', async () => {
    const res = await h.request('POST', '/api/tasks/many-logs', { inputs: { lines: 400, everyMs: 10 } });
    assert.equal(res.status, 202);
    const id: string = res.body.id;
    const deadline = Date.now() + 20_000;
    while ((await storedLines(id)).length < 50) {
      assert.ok(Date.now() < deadline, 'no log lines reached the database');
      await new Promise((r) => setTimeout(r, 20));
    }
    h.dbProxy!.cut();
    await new Promise((r) => setTimeout(r, 3_000));
    const midOutage = await h.request('POST', '/api/tasks/many-logs', { inputs: { lines: 1 } });
    h.dbProxy!.restore();

    assert.equal(midOutage.status, 503, JSON.stringify(midOutage.body));
    assert.equal(midOutage.body.error.code, 'database_unavailable');
    const run = await h.waitForRun(id, undefined, 60_000);
    assert.equal(run.status, 'complete', JSON.stringify(run.error));
    assert.equal(run.attempt, 1, 'the outage cost no attempt');
    const lines = await storedLines(id);
    assert.deepEqual(
      lines.map((l) => l.message),
      Array.from({ length: 400 }, (_, i) => `line ${i}`),
      'every line once, in order',
    );
    const rows = await h.directDb.selectFrom('runs').select('id').execute();
    assert.equal(rows.length, 1, 'the refused trigger left no row');
  });

  it('bookkeeping retries: a run started while Postgres is down gets its row and completes once it is back', async () => {
    h.dbProxy!.cut();
    const id = newRunId();
    const handle = await h.client.workflow.start('taskRun', {
      workflowId: id,
      taskQueue: h.taskQueue,
      args: [{ task: 'echo', inputs: { message: 'through the outage' } }],
      typedSearchAttributes: [
        { key: ConveyorTask, value: 'echo' },
        { key: ConveyorTriggeredBy, value: 'api' },
      ],
    });
    await new Promise((r) => setTimeout(r, 3_000));
    assert.equal(await h.directDb.selectFrom('runs').select('id').where('id', '=', id).executeTakeFirst(), undefined, 'no row while the database is down');
    h.dbProxy!.restore();
    await handle.result();
    const run = await h.waitForRun(id, undefined, 30_000);
    assert.equal(run.status, 'complete');
    assert.equal(run.attempt, 1);
  });
});
