// The dev console: one line per run event, read from the real NOTIFY payloads of migration 0010's trigger.
import assert from 'node:assert/strict';
import { startEventConsole, type EventConsole } from '../../src/cli/dev/event-console.js';
import { formatRunEvent, type RunEvent } from '../../src/cli/dev/run-events.js';
import { isTaskFailure } from '../../src/cli/dev/sdk-logger.js';
import { createStyle } from '../../src/cli/style.js';
import { humanLogLine } from '../../src/logger.js';
import { useHarness } from '../support/harness.js';
import pg from 'pg';

const style = createStyle(false);
const link = (id: string) => `http://ui/workflows/${id}`;
const STACK_FRAME = /^\s+at /m;

describe('dev console', function () {
  this.timeout(60_000);
  const h = useHarness();

  /** The raw payloads the trigger NOTIFYs, and the console's lines, while `body` runs. */
  async function capture(logs: boolean, body: () => Promise<void>): Promise<{ events: RunEvent[]; lines: string[] }> {
    const events: RunEvent[] = [];
    const lines: string[] = [];
    const raw = new pg.Client({ connectionString: h.databaseUrl });
    await raw.connect();
    raw.on('notification', (m) => events.push(JSON.parse(m.payload!) as RunEvent));
    await raw.query('LISTEN conveyor_run_events');
    const console: EventConsole = await startEventConsole({ databaseUrl: h.databaseUrl, db: h.db, style, link, logs, write: (line) => lines.push(line) });
    try {
      await body();
      await new Promise((r) => setTimeout(r, 600)); // the last notifications and one log poll
    } finally {
      await console.stop();
      await raw.end();
    }
    return { events, lines };
  }

  const trigger = async (task: string, inputs: unknown) => ((await h.request('POST', `/api/tasks/${task}`, { inputs })).body as { id: string }).id;

  it('prints started, retrying with the message, failed with the first line, completed in N ms, cancelled with the reason: one line each, no stack', async () => {
    let ok = '';
    let bad = '';
    let cancelled = '';
    const { events, lines } = await capture(false, async () => {
      ok = await trigger('echo', { message: 'x' });
      bad = await trigger('always-throws', {});
      cancelled = await trigger('sleepy', { ms: 60_000 });
      await h.waitForRun(ok);
      await h.waitForRun(bad);
      await h.waitForRun(cancelled, (r) => r.status === 'running');
      await h.request('POST', `/api/runs/${cancelled}/cancel`, { reason: 'changed my mind' });
      await h.waitForRun(cancelled);
    });
    const of = (id: string) => lines.filter((l) => l.includes(id.slice(-8)));
    for (const line of lines) {
      assert.ok(!line.includes('\n'), `one line per event: ${line}`);
      assert.ok(!STACK_FRAME.test(line), `no stack trace: ${line}`);
    }
    assert.deepEqual(of(ok).map((l) => l.split(' ')[1]), ['started', 'completed']);
    assert.match(of(ok)[1], /completed +echo \S+ in \d+ ms {2}http:\/\/ui\/workflows\/run_/);
    assert.deepEqual(of(bad).map((l) => l.split(' ')[1]), ['started', 'retrying', 'started', 'failed']);
    assert.match(of(bad)[1], /retrying +always-throws \S+ after attempt 1: TypeError: boom on attempt 1 /);
    assert.match(of(bad)[3], /failed +always-throws \S+: TypeError: boom on attempt 2 /);
    assert.match(of(cancelled).at(-1)!, /cancelled +sleepy \S+: changed my mind /);

    // The same real payloads through the formatter alone: a failure carrying a stack still gives one line.
    const failed = events.find((e) => e.id === bad && e.status === 'failed')!;
    assert.ok(failed, 'the trigger NOTIFYs the failed transition');
    const withStack = { ...failed, errorMessage: 'boom\n    at fn (/task.ts:3:9)\n    at run (/sdk.js:1:1)' };
    assert.equal(formatRunEvent(withStack, { style, link })!.split('\n').length, 1);
    assert.ok(!STACK_FRAME.test(formatRunEvent(withStack, { style, link })!));
    assert.equal(formatRunEvent(events.find((e) => e.id === ok && e.status === 'pending')!, { style, link }), undefined, 'a queued run is not an event line');
  });

  it('--logs adds the task log lines, before the run\'s last event line', async () => {
    let id = '';
    const { lines } = await capture(true, async () => {
      id = await trigger('echo', { message: 'logged', count: 1 });
      await h.waitForRun(id);
    });
    const mine = lines.filter((l) => l.includes(id.slice(-8)));
    const logged = mine.findIndex((l) => l.includes('logged #0'));
    const completed = mine.findIndex((l) => l.includes('completed'));
    assert.ok(logged > 0, lines.join('\n'));
    assert.ok(completed > logged, 'the completed line comes after the run\'s log lines');
  });

  it('keeps the SDK quiet about a task\'s own failure, and a log record with an internal error keeps its stack', () => {
    assert.equal(isTaskFailure({ message: 'Activity failed', meta: { activityType: 'executeTask' } }), true);
    assert.equal(isTaskFailure({ message: 'Activity failed', meta: { activityType: 'recordOutcome' } }), false);
    const err = new Error('db exploded');
    const internal = humanLogLine({ level: 50, time: 0, msg: 'unhandled error', err: { message: err.message, stack: err.stack } });
    assert.match(internal, /unhandled error\nError: db exploded\n\s+at /);
    const warning = humanLogLine({ level: 40, time: 0, msg: 'log flush failed', runId: 'run_1', err: { message: 'timeout', stack: 'Error: timeout\n    at x' } });
    assert.equal(warning.split('\n').length, 1);
    assert.match(warning, /warn +log flush failed runId=run_1: timeout$/);
  });
});
