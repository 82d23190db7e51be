// `conveyor schedules …` against the real API, Temporal Schedules and worker: one walk through every subcommand.
import assert from 'node:assert/strict';
import { useHarness } from '../support/harness.js';
import { cliFor } from './run-cli.js';

interface ScheduleJson {
  id: string;
  task?: string;
  cron: string | null;
  every: string | null;
  timezone: string;
  overlap: string;
  catchupWindow: string;
  paused: boolean;
  inputs: unknown;
  priority: number;
  concurrencyKey: string | null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('conveyor schedules (real process, real API, Temporal and worker)', function () {
  this.timeout(120_000);
  const h = useHarness();
  const { run, ok } = cliFor(() => h.apiUrl);
  const json = async (args: string[]) => JSON.parse(await ok([...args, '-o', 'json'])) as ScheduleJson;
  const runsOf = (scheduleId: string) => h.directDb.selectFrom('runs').select(['id', 'status']).where('schedule_id', '=', scheduleId).execute();
  async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
    for (let i = 0; ; i++) {
      const value = await probe();
      if (done(value)) return value;
      if (i > 300) throw new Error(`not reached; last: ${JSON.stringify(value)}`);
      await sleep(100);
    }
  }
  // afterEach: the harness's own `after` (registered first) stops the pool before a later `after` would run.
  afterEach(async () => {
    for (const id of ['cli-nightly', 'cli-every']) await h.client.schedule.getHandle(id).delete().catch(() => undefined);
    // No run still writing when the worker and the pool stop.
    await until(() => h.directDb.selectFrom('runs').select('id').where('status', 'in', ['pending', 'running', 'retrying']).execute(), (r) => r.length === 0);
  });

  it('create, update, list, get, pause, unpause, trigger, backfill and delete, with the flags the API takes', async () => {
    const nightly = await json(['schedules', 'create', '--id', 'cli-nightly', '--task', 'echo', '--cron', '0 3 * * *', '--timezone', 'Europe/Paris',
      '--input', '{"message":"scheduled"}', '--overlap', 'buffer_one', '--catchup-window', '5m', '--paused']);
    assert.deepEqual(
      [nightly.id, nightly.task, nightly.cron, nightly.timezone, nightly.overlap, nightly.catchupWindow, nightly.paused, nightly.inputs],
      ['cli-nightly', 'echo', '0 3 * * *', 'Europe/Paris', 'buffer_one', '5m', true, { message: 'scheduled' }],
    );
    const created = await ok(['schedules', 'create', '--id', 'cli-every', '--task', 'noop', '--every', '1h', '--paused']);
    assert.match(created, /^every: +1h$/m);

    const updated = await json(['schedules', 'update', 'cli-every', '--every', '1m', '--overlap', 'allow_all', '--priority', 'high', '--concurrency-key', 'nightly']);
    assert.deepEqual([updated.every, updated.overlap, updated.paused, updated.priority, updated.concurrencyKey], ['1m', 'allow_all', true, 1, 'nightly']);
    assert.match(await ok(['schedules', 'get', 'cli-every']), /^concurrency key: +nightly$/m);
    assert.equal((await json(['schedules', 'update', 'cli-every', '--priority', '4'])).priority, 4);

    // Temporal's list is eventually consistent.
    const listed = await until(async () => JSON.parse(await ok(['schedules', 'list', '-o', 'json'])) as ScheduleJson[], (l) => l.length === 2);
    assert.deepEqual(listed.map((s) => s.id), ['cli-every', 'cli-nightly']);
    assert.match(await ok(['schedules', 'list']), /^cli-nightly +echo +0 3 \* \* \* +yes/m);

    const text = await ok(['schedules', 'get', 'cli-nightly']);
    assert.match(text, /^timezone: +Europe\/Paris$/m);
    assert.match(text, /^paused: +true$/m);
    assert.match(await ok(['schedules', 'unpause', 'cli-nightly']), /^unpaused: cli-nightly$/m);
    assert.equal((await json(['schedules', 'get', 'cli-nightly'])).paused, false);
    await ok(['schedules', 'pause', 'cli-nightly']);
    assert.equal((await json(['schedules', 'get', 'cli-nightly'])).paused, true);

    await ok(['schedules', 'trigger', 'cli-every']);
    const [triggered] = await until(() => runsOf('cli-every'), (r) => r.length === 1);
    // Five minute marks fall inside the window: it starts 30 s past one.
    const start = Math.floor(Date.now() / 60_000) * 60_000 - 10 * 60_000 + 30_000;
    const window = [new Date(start).toISOString(), new Date(start + 5 * 60_000).toISOString()];
    assert.match(await ok(['schedules', 'backfill', 'cli-every', '--start', window[0], '--end', window[1], '--overlap', 'allow_all']), /^backfill started: cli-every/);
    const all = await until(() => runsOf('cli-every'), (r) => r.length >= 6);
    assert.equal(all.filter((r) => r.id !== triggered.id && r.id.startsWith('run_sched_cli-every-')).length, 5, JSON.stringify(all));

    for (const id of ['cli-nightly', 'cli-every']) assert.match(await ok(['schedules', 'delete', id]), new RegExp(`^deleted: ${id}$`, 'm'));
    const gone = await run(['schedules', 'get', 'cli-nightly']);
    assert.equal(gone.code, 1);
    assert.equal(gone.stderr, 'conveyor: schedule_not_found: schedule "cli-nightly" not found\n');
  });

  it('usage errors exit 2 before any request: two targets, two specs, a backfill without its window', async () => {
    for (const args of [
      ['schedules', 'create', '--task', 'noop', '--workflow', 'w', '--every', '1h'],
      ['schedules', 'create', '--task', 'noop', '--every', '1h', '--cron', '0 3 * * *'],
      ['schedules', 'update', 'x', '--every', '1h', '--cron', '0 3 * * *'],
      ['schedules', 'backfill', 'x', '--start', '2025-01-01T00:00:00Z'],
    ]) {
      const out = await run(args);
      assert.equal(out.code, 2, `${args.join(' ')}: ${out.stderr}`);
      assert.match(out.stderr, /^conveyor: usage: /);
    }
  });
});
