// ?wait on a trigger answers from Conveyor's own record: the live hub's NOTIFY of the row's
// status, not Temporal's long-poll of the workflow. These rows have no Temporal workflow at all,
// so only the hub can end the waits.
import assert from 'node:assert/strict';
import { createLiveHub, type LiveHub } from '../../src/api/live/hub.js';
import { waitForRunEnd } from '../../src/api/live/run-end.js';
import { finishRun, markAttemptStarted } from '../../src/db/runs.repository.js';
import { logger, useHarness } from '../support/harness.js';

describe('waiting for a run to end (?wait)', function () {
  this.timeout(60_000);
  const h = useHarness();
  let hub: LiveHub;
  let n = 0;
  before(async () => {
    hub = createLiveHub({ db: h.directDb, databaseUrl: h.databaseUrl, logger });
    assert.equal(await hub.ready(), true);
  });
  after(() => hub.close());
  const newRun = async () => {
    const id = `run_wait_${process.pid}_${++n}`;
    await h.directDb.insertInto('runs').values({ id, task: 'noop', status: 'pending', triggered_by: 'api' }).execute();
    return id;
  };
  const deps = () => ({ db: h.directDb, client: h.client, live: hub });

  it('answers once the row is final, not at a status change that is not', async () => {
    const id = await newRun();
    let answered = false;
    const waiting = waitForRunEnd(deps(), id, 30_000).then((run) => ((answered = true), run));
    await markAttemptStarted(h.directDb, id, 1);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(answered, false, 'running is not the end');
    assert.equal(await finishRun(h.directDb, id, { status: 'complete', result: { ok: 'yes' }, attempt: 1 }), true);
    const run = await waiting;
    assert.equal(run?.status, 'complete');
    assert.deepEqual(run?.result, { ok: 'yes' });
  });

  it('a run that ended before the wait began is answered at once', async () => {
    const id = await newRun();
    await finishRun(h.directDb, id, { status: 'failed', error: { type: 'Boom', message: 'no' } });
    assert.equal((await waitForRunEnd(deps(), id, 30_000))?.status, 'failed');
  });

  it('time up, or the caller gone: the latest row, still open', async () => {
    const id = await newRun();
    assert.equal((await waitForRunEnd(deps(), id, 200))?.status, 'pending');
    const gone = new AbortController();
    const waiting = waitForRunEnd(deps(), id, 30_000, gone.signal);
    gone.abort();
    assert.equal((await waiting)?.status, 'pending');
  });
});
