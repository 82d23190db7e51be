// Unused means free: a task with no `concurrency` never touches the slot table or its
// functions, and the worker opens no LISTEN connection for it.
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { useHarness } from '../support/harness.js';
import { CONCURRENCY_TASKS } from '../support/concurrency.js';

describe('concurrency: an unlimited task pays nothing', function () {
  this.timeout(60_000);
  const h = useHarness({ tasksDir: CONCURRENCY_TASKS });

  const trigger = async (slug: string, inputs: unknown) => {
    const res = await h.request('POST', `/api/tasks/${slug}`, { inputs });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    return res.body.id as string;
  };
  const listeners = async () => {
    const { rows } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'LISTEN conveyor_slots%'`.execute(h.directDb);
    return rows[0]!.n;
  };
  const waitingOnSlots = async () => {
    const { rows } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'concurrency_slots' AND NOT l.granted`.execute(h.directDb);
    return rows[0]!.n;
  };

  it('runs with the slot table locked away, while a limited task waits on that lock', async () => {
    let limited = '';
    await h.directDb.transaction().execute(async (trx) => {
      // Any read or write of the slot table (or a call of its functions) would now block.
      await sql`LOCK TABLE concurrency_slots IN ACCESS EXCLUSIVE MODE`.execute(trx);
      const ids = await Promise.all([1, 2, 3].map(() => trigger('free', {})));
      for (const id of ids) assert.equal((await h.waitForRun(id)).status, 'complete');
      assert.equal(await listeners(), 0, 'no LISTEN connection for unlimited tasks');
      // The same check catches a limited task: its attempt blocks on the lock.
      limited = await trigger('limited', { ms: 10 });
      const deadline = Date.now() + 30_000;
      while ((await waitingOnSlots()) === 0) {
        assert.ok(Date.now() < deadline, 'the limited attempt never reached the slot table');
        await new Promise((r) => setTimeout(r, 50));
      }
    });
    assert.equal((await h.waitForRun(limited)).status, 'complete');
  });
});
