// The production topology on this machine: the full Temporal server on Postgres, 2 worker and
// 2 API processes. What must hold once there is more than one of each.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { sleep, useCluster } from './cluster-support.js';

const TERMINAL = new Set(['complete', 'failed', 'cancelled', 'timeout', 'expired']);

describe('cluster: full Temporal server, 2 workers, 2 APIs', function () {
  this.timeout(300_000);
  const h = useCluster();
  const apiUrls = () => h.cluster.apis.filter((a) => a.child.exitCode === null && a.child.signalCode === null).map((a) => a.url!);
  const accepted = async (apiUrl: string, task: string, body: Record<string, unknown> = {}) => {
    const res = await h.trigger(apiUrl, task, body);
    assert.equal(res.status, 202, JSON.stringify(res.body));
    return res.body.id as string;
  };
  /** Each attempt's first line names its worker process. */
  const workerOfAttempts = async (id: string) =>
    (await h.linesOf(id)).filter((l) => l.message?.startsWith('worker ')).map((l) => ({ attempt: l.attempt, pid: Number(l.message!.slice(7)) }));
  const terminalEvents = (id: string) => h.events.filter((e) => e.id === id && TERMINAL.has(e.status));

  it('spreads runs across both workers', async () => {
    const urls = apiUrls();
    const ids = await Promise.all(Array.from({ length: 40 }, (_, i) => accepted(urls[i % 2], 'where', { inputs: { lines: 2, stepMs: 50 } })));
    const runs = await h.waitForRuns(ids);
    assert.ok(runs.every((r) => r.status === 'complete'), JSON.stringify(runs.filter((r) => r.status !== 'complete')));
    const pids = new Map<number, number>();
    for (const id of ids) for (const { pid } of await workerOfAttempts(id)) pids.set(pid, (pids.get(pid) ?? 0) + 1);
    const workerPids = h.cluster.workers.map((w) => w.pid);
    assert.deepEqual([...pids.keys()].sort(), [...workerPids].sort(), `attempts per worker pid: ${JSON.stringify([...pids])}`);
  });

  it('a SIGKILLed worker mid-burst loses no run and writes no log line twice', async () => {
    const urls = apiUrls();
    const ids = await Promise.all(Array.from({ length: 40 }, (_, i) => accepted(urls[i % 2], 'where', { inputs: { lines: 6, stepMs: 100 } })));
    const doomed = h.cluster.workers[0];
    for (let done = 0; done < 5; await sleep(50)) {
      done = (await h.db.selectFrom('runs').select('id').where('id', 'in', ids).where('status', '=', 'complete').execute()).length;
    }
    await doomed.kill();
    const open = await h.db.selectFrom('runs').select('id').where('id', 'in', ids).where('status', '!=', 'complete').execute();
    assert.ok(open.length > 0, 'the kill must land mid-burst');

    const runs = await h.waitForRuns(ids);
    assert.ok(runs.every((r) => r.status === 'complete'), JSON.stringify(runs.filter((r) => r.status !== 'complete')));
    let retried = 0;
    for (const run of runs) {
      const lines = await h.linesOf(run.id);
      const keys = lines.map((l) => `${l.attempt}:${l.message}`);
      assert.equal(new Set(keys).size, keys.length, `run ${run.id} has a line twice: ${keys.join(', ')}`);
      const last = lines.filter((l) => l.attempt === run.attempt).map((l) => l.message);
      assert.deepEqual(last.slice(1), ['line 1', 'line 2', 'line 3', 'line 4', 'line 5', 'line 6'], `run ${run.id}, attempt ${run.attempt}`);
      const [{ pid }] = (await workerOfAttempts(run.id)).filter((w) => w.attempt === run.attempt);
      assert.notEqual(run.attempt > 1 ? pid : undefined, doomed.pid, 'a retried attempt ran on the surviving worker');
      if (run.attempt > 1) retried++;
      assert.equal(terminalEvents(run.id).length, 1, `run ${run.id} finished once`);
    }
    assert.ok(retried > 0, 'some attempts were on the killed worker and ran again');
    h.cluster.workers[0] = await h.cluster.spawn('worker');
  });

  it('an API killed mid-burst: the other keeps accepting, no accepted run is lost, and one idempotency key sent to both APIs gives one run', async () => {
    const [doomed, survivor] = h.cluster.apis;
    const tag = `burst-${randomBytes(4).toString('hex')}`;
    const results = { doomed: [] as string[], survivor: [] as string[], refused: 0 };
    const burst = async (api: typeof doomed, into: string[]) => {
      for (let i = 0; i < 40; i++) {
        const batch = await Promise.allSettled(Array.from({ length: 4 }, () => h.trigger(api.url!, 'where', { inputs: { lines: 1 }, tags: [tag] })));
        for (const r of batch) {
          if (r.status === 'fulfilled' && r.value.status === 202) into.push(r.value.body.id);
          else results.refused++;
        }
      }
    };
    const killer = (async () => {
      while (results.doomed.length < 20) await sleep(20);
      await doomed.kill();
    })();
    await Promise.all([burst(doomed, results.doomed).catch(() => undefined), burst(survivor, results.survivor), killer]);
    assert.equal(results.survivor.length, 160, 'every request to the surviving API was accepted');
    assert.ok(results.doomed.length < 160 && results.refused > 0, 'the kill landed mid-burst');
    const runs = await h.waitForRuns([...results.doomed, ...results.survivor]);
    assert.ok(runs.every((r) => r.status === 'complete'), 'every accepted run completed');
    // A request torn by the kill may have left a row without a workflow: the reconcilers close it.
    const tagged = await h.db.selectFrom('runs').select('id').where(sql<boolean>`${tag} = ANY(tags)`).execute();
    await h.waitForRuns(tagged.map((r) => r.id));

    const replacement = await h.cluster.spawn('api');
    h.cluster.apis[0] = replacement;
    for (let k = 0; k < 5; k++) {
      const key = `idem-${randomBytes(6).toString('hex')}`;
      const replies = await Promise.all([survivor, replacement, survivor, replacement].map((api) => h.trigger(api.url!, 'where', { inputs: { lines: 1 }, idempotencyKey: key })));
      const answers = replies.map((r) => r.body.id as string);
      assert.equal(new Set(answers).size, 1, `one run for key ${key}: ${answers.join(', ')}`);
      assert.deepEqual(replies.map((r) => r.status).sort(), [200, 200, 200, 202], 'created once (202), found by the rest (200)');
      const rows = await h.db.selectFrom('runs').select('id').where('idempotency_key', '=', key).execute();
      assert.equal(rows.length, 1);
      const [run] = await h.waitForRuns([answers[0]]);
      assert.equal(run.status, 'complete');
      assert.equal(run.attempt, 1);
    }
  });

  it('a schedule fires once per tick, not once per worker', async () => {
    const id = `tick_${randomBytes(4).toString('hex')}`;
    const created = await fetch(`${apiUrls()[0]}/api/schedules`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id, task: 'noop', every: '1s' }) });
    assert.equal(created.status, 201, await created.text());
    const rowsOf = () => h.db.selectFrom('runs').selectAll().where('schedule_id', '=', id).execute();
    while ((await rowsOf()).length < 6) await sleep(200);
    const handle = h.client.schedule.getHandle(id);
    await handle.pause();
    await sleep(1_500);
    const actions = (await handle.describe()).info.numActionsTaken;
    await handle.delete();
    const runs = await h.waitForRuns((await rowsOf()).map((r) => r.id));
    assert.equal(runs.length, actions, `${runs.length} runs for ${actions} schedule actions`);
    const ticks = runs.map((r) => r.id.slice(`run_sched_${id}-`.length));
    assert.equal(new Set(ticks).size, ticks.length, 'one run per tick');
    assert.ok(runs.every((r) => r.status === 'complete' && r.attempt === 1));
    for (const run of runs) assert.equal(terminalEvents(run.id).length, 1);
  });

  it('the TTL sweepers of both APIs, with no worker running, finish each expired run exactly once', async () => {
    await Promise.all(h.cluster.workers.map((w) => w.stop()));
    try {
      const urls = apiUrls();
      assert.equal(urls.length, 2);
      // Deadlines 150 ms apart, over every phase of the sweepers' 1 s passes: were they all the
      // same, whichever sweeper passed first would take every run, and the race would go untested.
      const ids = await Promise.all(Array.from({ length: 30 }, (_, i) => accepted(urls[i % 2], 'where', { inputs: { lines: 1 }, ttl: `${1_000 + i * 150}ms` })));
      const runs = await h.waitForRuns(ids, undefined, 60_000);
      assert.ok(runs.every((r) => r.status === 'expired'), JSON.stringify(runs.map((r) => r.status)));
      const sweeps = (await Promise.all(h.cluster.apis.map((api) => h.logRecords(api.logFile, 'run expired before it started')))).flat();
      for (const id of ids) {
        assert.equal(sweeps.filter((s) => s.runId === id).length, 1, `run ${id} expired by exactly one sweeper pass`);
        assert.equal(terminalEvents(id).length, 1, `run ${id} finished once`);
      }
      const byApi = h.cluster.apis.map((api) => sweeps.filter((s) => s.pid === api.pid).length);
      assert.ok(byApi.every((n) => n > 0), `both sweepers took part: ${byApi.join(' + ')}`);
    } finally {
      // The next test needs its workers, whatever this one found.
      h.cluster.workers = await Promise.all([h.cluster.spawn('worker'), h.cluster.spawn('worker')]);
    }
  });

  it('the reconcilers of both workers close each terminated run exactly once', async () => {
    const urls = apiUrls();
    const ids = await Promise.all(Array.from({ length: 12 }, (_, i) => accepted(urls[i % 2], 'where', { inputs: { lines: 600, stepMs: 100 } })));
    await h.waitForRuns(ids, (r) => r.status === 'running');
    for (const id of ids) await h.client.workflow.getHandle(id).terminate('cluster test');
    const runs = await h.waitForRuns(ids, undefined, 90_000);
    assert.ok(runs.every((r) => r.status === 'cancelled'), JSON.stringify(runs.map((r) => [r.status, r.error])));
    const closes = (await Promise.all(h.cluster.workers.map((w) => h.logRecords(w.logFile, 'reconciler closed a run')))).flat();
    for (const id of ids) {
      assert.ok(closes.filter((c) => c.runId === id).length <= 1, `run ${id} closed by one reconciler at most`);
      assert.equal(terminalEvents(id).length, 1, `run ${id} finished once`);
    }
    assert.ok(closes.length > 0, 'the reconcilers closed the terminated runs');
  });
});
