// The end of an attempt: its last log flush and outcome write may wait out a short Postgres
// outage. The attempt keeps heartbeating meanwhile, so Temporal does not start the next
// attempt while this one is still writing (which would run a succeeded task twice).
import assert from 'node:assert/strict';
import { useHarness } from '../../support/harness.js';

describe('reliability: Postgres down while an attempt records its outcome', function () {
  this.timeout(120_000);
  const h = useHarness({ proxyDatabase: true });
  afterEach(() => h.dbProxy!.restore());

  it('keeps heartbeating through the final writes: one attempt, complete', async () => {
    const res = await h.request('POST', '/api/tasks/slow-finish', { inputs: { ms: 1_000 } });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const id: string = res.body.id;
    await h.waitForRun(id, (run) => run.status === 'running');
    // The task returns about a second from now, while Postgres is unreachable: its outcome write
    // retries for the rest of the outage, seven times the task's 1 s heartbeat timeout (Temporal
    // notices a missed heartbeat some seconds late, so a shorter outage could hide the bug).
    h.dbProxy!.cut();
    await new Promise((r) => setTimeout(r, 8_000));
    h.dbProxy!.restore();

    const run = await h.waitForRun(id, undefined, 60_000);
    assert.equal(run.status, 'complete', JSON.stringify(run.error));
    assert.equal(run.attempt, 1, 'no second attempt started while the first was writing');
    assert.deepEqual(run.result, { attempt: 1 });
    const lines = await h.directDb.selectFrom('run_logs').select(['attempt', 'message']).where('run_id', '=', id).orderBy('position').execute();
    assert.deepEqual(lines, [{ attempt: 1, message: 'attempt 1 started' }]);
    const history = await h.client.workflow.getHandle(id).fetchHistory();
    const timeouts = history.events!.filter((e) => e.activityTaskTimedOutEventAttributes || (e.activityTaskStartedEventAttributes?.attempt ?? 0) > 1);
    assert.equal(timeouts.length, 0, 'Temporal saw no heartbeat timeout');
  });
});
