// The Temporal server killed (SIGKILL) and restarted on the same SQLite file: the
// worker and the API reconnect on their own and in-flight runs complete.
import assert from 'node:assert/strict';
import { useHarness } from '../../support/harness.js';

describe('reliability: Temporal server killed and restarted', function () {
  this.timeout(180_000);
  const h = useHarness({ ownTemporal: true, triggerTimeoutMs: 2_000 });

  it('in-flight runs complete; triggers during the outage get 503 and leave no row; triggers after it work', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await h.request('POST', '/api/tasks/counter', { inputs: { to: 20, stepMs: 150 } });
      assert.equal(res.status, 202, JSON.stringify(res.body));
      ids.push(res.body.id);
    }
    await Promise.all(ids.map((id) => h.waitForRun(id, (r) => r.status === 'running', 20_000)));

    // Down for 5 s; the harness's API gives Temporal 2 s to accept a start.
    const restarted = h.restartTemporal(5_000);
    await new Promise((r) => setTimeout(r, 500));
    const during = await h.request('POST', '/api/tasks/counter', { inputs: { to: 1, stepMs: 0 } });
    assert.equal(during.status, 503, JSON.stringify(during.body));
    assert.equal(during.body.error.code, 'temporal_unavailable');
    const rows = await h.directDb.selectFrom('runs').select('id').execute();
    assert.equal(rows.length, ids.length, 'a refused trigger leaves no row');
    await restarted;

    const after = await h.request('POST', '/api/tasks/counter', { inputs: { to: 2, stepMs: 10 } });
    assert.equal(after.status, 202, `the API reconnects: ${JSON.stringify(after.body)}`);
    ids.push(after.body.id);

    for (const id of ids) {
      const run = await h.waitForRun(id, undefined, 120_000);
      assert.equal(run.status, 'complete', `run ${id}: ${JSON.stringify(run.error)}`);
    }
    assert.equal(h.worker?.getState(), 'RUNNING', 'the worker survived the outage');
  });
});
