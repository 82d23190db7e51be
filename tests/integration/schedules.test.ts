import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Client, Connection, ScheduleNotFoundError } from '@temporalio/client';
import { createApp } from '../../src/api/app.js';
import { freePort } from '../../src/infra/temporal-dev-server.js';
import { logger, useHarness } from '../support/harness.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Schedules API (Temporal Schedules of taskRun)', () => {
  const h = useHarness();
  // Schedules live in the dev server every test file shares: each test deletes what it made.
  const made = new Set<string>();
  const newId = () => {
    const id = `sched_test_${randomBytes(6).toString('hex')}`;
    made.add(id);
    return id;
  };
  afterEach(async () => {
    for (const id of made) await h.client.schedule.getHandle(id).delete().catch(() => undefined);
    made.clear();
    // Let runs already started finish, so none is still writing when the file's worker and pool stop.
    await until('no open runs', () => h.directDb.selectFrom('runs').select('id').where('status', 'in', ['pending', 'running', 'retrying']).execute(), (r) => r.length === 0, 10_000);
  });

  const create = async (body: Record<string, unknown>) => {
    const res = await h.request('POST', '/api/schedules', { id: newId(), ...body });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body;
  };
  const runsOf = (scheduleId: string) => h.directDb.selectFrom('runs').selectAll().where('schedule_id', '=', scheduleId).orderBy('created_at').execute();
  async function until<T>(what: string, probe: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (ok(value)) return value;
      if (Date.now() > deadline) throw new Error(`${what}: not reached in ${timeoutMs} ms; last: ${JSON.stringify(value)}`);
      await sleep(100);
    }
  }
  const gone = (id: string) => assert.rejects(h.client.schedule.getHandle(id).describe(), ScheduleNotFoundError);

  it('creates an every-1s schedule whose runs carry triggeredBy schedule and the schedule id; GET and list show it', async () => {
    const s = await create({ task: 'echo', every: '1s', inputs: { message: 'tick' } });
    assert.equal(s.task, 'echo');
    assert.deepEqual([s.every, s.cron, s.timezone, s.overlap, s.paused], ['1s', null, 'UTC', 'skip', false]);
    assert.deepEqual(s.inputs, { message: 'tick' });
    assert.ok(s.nextActionTimes.length > 0 && Date.parse(s.nextActionTimes[0]) > Date.now() - 2_000);

    const runs = await until('two scheduled runs', () => runsOf(s.id), (r) => r.length >= 2);
    for (const run of runs) {
      assert.equal(run.triggered_by, 'schedule');
      assert.equal(run.task, 'echo');
      assert.ok(run.id.startsWith(`run_sched_${s.id}-`), run.id);
    }
    await h.waitForRun(runs[0].id);
    const run = await h.request('GET', `/api/runs/${runs[0].id}`);
    assert.deepEqual([run.body.status, run.body.triggeredBy, run.body.scheduleId], ['complete', 'schedule', s.id]);
    assert.deepEqual(run.body.result, { message: 'tick', count: 1 });

    const view = await h.request('GET', `/api/schedules/${s.id}`);
    assert.equal(view.status, 200);
    assert.ok(view.body.recentRuns.some((r: { id: string }) => r.id === runs[0].id));
    for (const r of view.body.recentRuns) assert.ok(!Number.isNaN(Date.parse(r.startedAt)), r.startedAt);
    assert.ok(view.body.nextActionTimes.every((t: string) => Date.parse(t) > Date.now() - 2_000));
    // The list is eventually consistent in Temporal.
    const listed = await until('listed', () => h.request('GET', '/api/schedules'), (res) => res.body.schedules.some((x: { id: string }) => x.id === s.id));
    assert.equal(listed.body.schedules.find((x: { id: string }) => x.id === s.id).task, 'echo');
  });

  it('pause stops new runs; unpause resumes them', async () => {
    const s = await create({ task: 'noop', every: '1s' });
    await until('a first run', () => runsOf(s.id), (r) => r.length >= 1);
    const paused = await h.request('POST', `/api/schedules/${s.id}/pause`);
    assert.deepEqual([paused.status, paused.body.paused], [200, true]);
    await sleep(500); // an action taken just before the pause may still be writing its row
    const before = (await runsOf(s.id)).length;
    await sleep(2_500);
    assert.equal((await runsOf(s.id)).length, before, 'a paused schedule started a run');
    const unpaused = await h.request('POST', `/api/schedules/${s.id}/unpause`);
    assert.deepEqual([unpaused.status, unpaused.body.paused], [200, false]);
    await until('runs after unpause', () => runsOf(s.id), (r) => r.length > before, 5_000);
  });

  it('a task schedule\'s runs carry its priority and concurrency key; PATCH changes them', async () => {
    const s = await create({ task: 'noop', every: '1h', paused: true, priority: 'low', concurrencyKey: 'nightly' });
    assert.deepEqual([s.priority, s.concurrencyKey], [5, 'nightly']);
    assert.equal((await h.request('POST', `/api/schedules/${s.id}/trigger`)).status, 202);
    const [first] = await until('the triggered run', () => runsOf(s.id), (r) => r.length === 1);
    const ran = await h.waitForRun(first.id);
    assert.deepEqual([ran.status, ran.priority, ran.concurrency_key], ['complete', 5, 'nightly']);
    const patched = await h.request('PATCH', `/api/schedules/${s.id}`, { priority: 2 });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    assert.deepEqual([patched.body.priority, patched.body.concurrencyKey, patched.body.task], [2, 'nightly', 'noop']);
    // A schedule's run id ends in its start time to the second: a second trigger within the same second would be the same run.
    await sleep(1_100);
    assert.equal((await h.request('POST', `/api/schedules/${s.id}/trigger`)).status, 202);
    const runs = await until('the second run', () => runsOf(s.id), (r) => r.length === 2);
    assert.equal((await h.waitForRun(runs[1].id)).priority, 2);
  });

  it('trigger starts one run now, even while paused', async () => {
    const s = await create({ task: 'noop', every: '1h', paused: true });
    assert.equal((await h.request('POST', `/api/schedules/${s.id}/trigger`)).status, 202);
    const [run] = await until('the triggered run', () => runsOf(s.id), (r) => r.length === 1);
    assert.equal((await h.waitForRun(run.id)).status, 'complete');
    assert.equal((await runsOf(s.id)).length, 1);
  });

  it('backfill over a past window starts the runs that window would have had', async () => {
    const s = await create({ task: 'noop', every: '1m', paused: true, overlap: 'allow_all' });
    // Five minute marks fall inside [start, end): start is 30 s past one.
    const start = Math.floor(Date.now() / 60_000) * 60_000 - 10 * 60_000 + 30_000;
    const body = { start: new Date(start).toISOString(), end: new Date(start + 5 * 60_000).toISOString() };
    const res = await h.request('POST', `/api/schedules/${s.id}/backfill`, body);
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const runs = await until('five backfilled runs', () => runsOf(s.id), (r) => r.length >= 5);
    const expected = [1, 2, 3, 4, 5].map((i) => `run_sched_${s.id}-${new Date(start - 30_000 + i * 60_000).toISOString().replace('.000Z', 'Z')}`);
    assert.deepEqual(runs.map((r) => r.id).sort(), expected);
    await sleep(500);
    assert.equal((await runsOf(s.id)).length, 5);

    for (const bad of [{ start: body.end, end: body.start }, { start: body.start, end: body.start }, { start: 'yesterday', end: body.end }, { ...body, extra: 1 }]) {
      const rejected = await h.request('POST', `/api/schedules/${s.id}/backfill`, bad);
      assert.deepEqual([rejected.status, rejected.body.error.code], [400, 'invalid_body'], JSON.stringify(bad));
    }
  });

  it('PATCH changes the interval, cron, time zone, inputs and paused; id and task cannot change', async () => {
    const s = await create({ task: 'echo', every: '1h', inputs: { message: 'a' } });
    const patched = await h.request('PATCH', `/api/schedules/${s.id}`, { every: '5m', inputs: { message: 'b' }, overlap: 'buffer_one' });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    assert.deepEqual([patched.body.every, patched.body.overlap, patched.body.inputs], ['5m', 'buffer_one', { message: 'b' }]);
    const [t0, t1] = patched.body.nextActionTimes.map(Date.parse);
    assert.equal(t1 - t0, 5 * 60_000);

    const cron = await h.request('PATCH', `/api/schedules/${s.id}`, { cron: '15 3 * * *', timezone: 'Europe/Berlin', paused: true });
    assert.deepEqual([cron.body.cron, cron.body.every, cron.body.timezone, cron.body.paused], ['15 3 * * *', null, 'Europe/Berlin', true]);
    assert.equal(cron.body.nextActionTimes.length > 1 && Date.parse(cron.body.nextActionTimes[1]) - Date.parse(cron.body.nextActionTimes[0]) >= 23 * 3_600_000, true);

    const refusals: [unknown, string][] = [
      [{ task: 'noop' }, 'immutable_field'],
      [{ id: 'other' }, 'immutable_field'],
      [{ inputs: { message: 5 } }, 'invalid_inputs'],
      [{ cron: '* * * * *', every: '1m' }, 'invalid_body'],
      [{ every: 'often' }, 'invalid_body'],
    ];
    for (const [body, code] of refusals) {
      const res = await h.request('PATCH', `/api/schedules/${s.id}`, body);
      assert.deepEqual([res.status, res.body.error.code], [400, code], JSON.stringify(body));
    }
    assert.equal((await h.request('GET', `/api/schedules/${s.id}`)).body.cron, '15 3 * * *');
    assert.equal((await h.request('PATCH', '/api/schedules/sched_missing', { every: '1m' })).status, 404);
  });

  it('DELETE removes the schedule: then 404 for it everywhere', async () => {
    const s = await create({ task: 'noop', every: '1h', paused: true });
    assert.equal((await h.request('DELETE', `/api/schedules/${s.id}`)).status, 204);
    await gone(s.id);
    for (const [method, path] of [['GET', ''], ['DELETE', ''], ['POST', '/pause'], ['POST', '/unpause'], ['POST', '/trigger']]) {
      const res = await h.request(method, `/api/schedules/${s.id}${path}`);
      assert.deepEqual([res.status, res.body.error.code], [404, 'schedule_not_found'], `${method} ${path}`);
    }
  });

  const rejected: [string, Record<string, unknown>, number, string][] = [
    ['both cron and every', { task: 'noop', cron: '* * * * *', every: '1m' }, 400, 'invalid_body'],
    ['neither cron nor every', { task: 'noop' }, 400, 'invalid_body'],
    ['a duration that is none', { task: 'noop', every: 'soon' }, 400, 'invalid_body'],
    ['an interval under 1s', { task: 'noop', every: '500ms' }, 400, 'invalid_body'],
    ['a bad catchupWindow', { task: 'noop', every: '1m', catchupWindow: 'a while' }, 400, 'invalid_body'],
    ['an unknown overlap policy', { task: 'noop', every: '1m', overlap: 'sometimes' }, 400, 'invalid_body'],
    ['an unknown field', { task: 'noop', every: '1m', extra: 1 }, 400, 'invalid_body'],
    ['paused that is no boolean', { task: 'noop', every: '1m', paused: 'yes' }, 400, 'invalid_body'],
    ['a priority out of range', { task: 'noop', every: '1m', priority: 7 }, 400, 'invalid_body'],
    ['an unknown task', { task: 'nope', every: '1m' }, 404, 'task_not_found'],
    ['inputs failing the task schema', { task: 'echo', every: '1m', inputs: { message: 5 } }, 400, 'invalid_inputs'],
    ['missing required inputs', { task: 'echo', every: '1m' }, 400, 'invalid_inputs'],
    ['a cron Temporal rejects', { task: 'noop', cron: 'every tuesday' }, 400, 'invalid_schedule'],
    ['an unknown time zone', { task: 'noop', every: '1m', timezone: 'Mars/Olympus' }, 400, 'invalid_schedule'],
  ];
  for (const [what, body, status, code] of rejected) {
    it(`answers ${status} ${code} for ${what}, and creates no schedule`, async () => {
      const id = newId();
      const res = await h.request('POST', '/api/schedules', { id, ...body });
      assert.deepEqual([res.status, res.body.error?.code], [status, code], JSON.stringify(res.body));
      if (status === 400 && code === 'invalid_body') assert.ok(res.body.error.details.length > 0);
      await gone(id);
    });
  }

  it('answers 400 for an unsafe id and 409 schedule_exists for a duplicate one', async () => {
    const bad = await h.request('POST', '/api/schedules', { id: 'has space/../x', task: 'noop', every: '1m' });
    assert.deepEqual([bad.status, bad.body.error.details[0].field], [400, 'id']);
    const s = await create({ task: 'noop', every: '1h', paused: true });
    const dup = await h.request('POST', '/api/schedules', { id: s.id, task: 'echo', every: '1m', inputs: { message: 'x' } });
    assert.deepEqual([dup.status, dup.body.error.code], [409, 'schedule_exists']);
    assert.equal((await h.request('GET', `/api/schedules/${s.id}`)).body.task, 'noop');
  });

  it('a taskRun schedule made with the Temporal client directly (like the CLI) gets rows with schedule_id; other schedules are not Conveyor\'s', async () => {
    const id = newId();
    await h.client.schedule.create({
      scheduleId: id,
      spec: { intervals: [{ every: '1s' }] },
      action: { type: 'startWorkflow', workflowType: 'taskRun', taskQueue: h.taskQueue, args: [{ task: 'noop' }] },
    });
    const [run] = await until('a run of the CLI schedule', () => runsOf(id), (r) => r.length >= 1);
    assert.deepEqual([run.task, run.triggered_by, run.schedule_id], ['noop', 'schedule', id]);
    assert.equal((await h.waitForRun(run.id)).status, 'complete');
    const view = await h.request('GET', `/api/schedules/${id}`);
    assert.deepEqual([view.status, view.body.task, view.body.every], [200, 'noop', '1s']);

    const other = newId();
    await h.client.schedule.create({ scheduleId: other, spec: { intervals: [{ every: '1h' }] }, action: { type: 'startWorkflow', workflowType: 'notConveyor', taskQueue: 'elsewhere', args: [] }, state: { paused: true } });
    assert.equal((await h.request('GET', `/api/schedules/${other}`)).status, 404);
    const listed = await until('listed', () => h.request('GET', '/api/schedules'), (res) => res.body.schedules.some((x: { id: string }) => x.id === id));
    assert.ok(!listed.body.schedules.some((x: { id: string }) => x.id === other));
  });

  it('answers 503 temporal_unavailable when Temporal does not answer', async () => {
    const connection = Connection.lazy({ address: `127.0.0.1:${await freePort()}`, connectTimeout: 300, interceptors: [] });
    const app = createApp({ db: h.db, client: new Client({ connection }), registry: h.registry, logger, namespace: 'default', taskQueue: 'x', temporalUiUrl: 'http://ui', maxPendingTriggers: 10, triggerTimeoutMs: 1_000 });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const base = `http://127.0.0.1:${(server.address() as { port: number }).port}/api/schedules`;
      const res = await fetch(base, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ task: 'noop', every: '1m' }) });
      assert.equal(res.status, 503);
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'temporal_unavailable');
      assert.equal((await fetch(`${base}/sched_x`)).status, 503);
    } finally {
      server.close();
      await connection.close();
    }
  });
});
