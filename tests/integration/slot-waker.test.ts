// The slot waker: a release NOTIFY wakes the scope's waiters, and a release that lands
// between an acquisition and the wait is not missed.
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createSlotWaker, type SlotWaker } from '../../src/activities/slot-waker.js';
import { logger, useHarness } from '../support/harness.js';
import { CONCURRENCY_TASKS } from '../support/concurrency.js';

describe('slot waker (LISTEN/NOTIFY)', function () {
  this.timeout(20_000);
  const h = useHarness({ worker: false, tasksDir: CONCURRENCY_TASKS });
  let waker: SlotWaker;
  const notify = (scope: string) => sql`SELECT pg_notify('conveyor_slots', ${scope})`.execute(h.directDb);
  const never = () => new AbortController().signal;
  const HOUR = 3_600_000;

  before(async () => {
    waker = createSlotWaker(h.databaseUrl, logger);
    // The first wait opens the LISTEN connection.
    await waker.wait('s', Date.now(), never(), waker.mark('s'));
  });
  after(() => waker.close());

  it('wakes a waiter of the released scope only', async () => {
    let otherWoke = false;
    const stopOther = new AbortController();
    const other = waker.wait('other', Date.now() + HOUR, stopOther.signal, waker.mark('other')).then(() => (otherWoke = true), () => undefined);
    const woken = waker.wait('s', Date.now() + HOUR, never(), waker.mark('s'));
    await notify('s');
    await woken; // an hour otherwise: the test's timeout would fail it
    assert.equal(otherWoke, false);
    stopOther.abort(new Error('done'));
    await other;
  });

  it('returns at once when the scope was released after the caller looked', async function () {
    this.timeout(10_000);
    const seen = waker.mark('s');
    await notify('s');
    const deadline = Date.now() + 10_000;
    while (waker.mark('s') === seen) {
      assert.ok(Date.now() < deadline, 'the notification never arrived');
      await new Promise((r) => setTimeout(r, 20));
    }
    // The release landed before this wait started: without `seen` it would sleep past the test's timeout.
    await waker.wait('s', Date.now() + 15_000, never(), seen);
  });

  it('a waiter far back in line sleeps through the releases that cannot reach it', async () => {
    let woke = false;
    const waiting = waker.wait('far', Date.now() + HOUR, never(), waker.mark('far'), 2).then(() => (woke = true));
    const releasesSeen = (n: number) => waitFor(() => waker.mark('far').endsWith(`:${n}`));
    await notify('far');
    await notify('far');
    await releasesSeen(2);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(woke, false, 'woken by a release it could not use');
    await notify('far');
    await waiting; // an hour otherwise
  });

  it('rejects when the attempt is cancelled', async () => {
    const controller = new AbortController();
    const waiting = waker.wait('s', Date.now() + HOUR, controller.signal, waker.mark('s'));
    controller.abort(new Error('cancelled'));
    await assert.rejects(waiting, /cancelled/);
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    assert.ok(Date.now() < deadline, 'the notifications never arrived');
    await new Promise((r) => setTimeout(r, 20));
  }
}
