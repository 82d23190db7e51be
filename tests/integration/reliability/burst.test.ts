// 1,000 triggers at once: every accepted run completes; a trigger that cannot be
// accepted gets an explicit 429 or 503 and leaves nothing behind.
import assert from 'node:assert/strict';
import { useHarness } from '../../support/harness.js';

async function fireAtOnce(h: ReturnType<typeof useHarness>, count: number) {
  return Promise.all(Array.from({ length: count }, (_, i) => h.request('POST', '/api/tasks/echo', { inputs: { message: `burst ${i}`, count: 0 } })));
}

describe('reliability: a burst of triggers', function () {
  this.timeout(300_000);

  describe('1,000 at once', () => {
    const h = useHarness();
    it('every accepted run completes and nothing is dropped silently', async () => {
      const responses = await fireAtOnce(h, 1_000);
      const byStatus = new Map<number, number>();
      for (const r of responses) byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
      assert.deepEqual([...byStatus.keys()].filter((s) => ![202, 429, 503].includes(s)), [], `unexpected statuses: ${JSON.stringify([...byStatus])}`);
      const accepted = responses.filter((r) => r.status === 202).map((r) => r.body.id as string);
      assert.ok(accepted.length >= 900, `only ${accepted.length} of 1,000 accepted under the default limit: ${JSON.stringify([...byStatus])}`);
      assert.equal(new Set(accepted).size, accepted.length, 'run ids are unique');

      const deadline = Date.now() + 240_000;
      for (;;) {
        const rows = await h.directDb.selectFrom('runs').select(['id', 'status']).execute();
        assert.equal(rows.length, accepted.length, 'exactly one row per accepted trigger');
        const open = rows.filter((r) => r.status !== 'complete');
        if (open.length === 0) break;
        assert.ok(Date.now() < deadline, `${open.length} runs not complete, e.g. ${JSON.stringify(open.slice(0, 3))}`);
        await new Promise((r) => setTimeout(r, 500));
      }
    });
  });

  describe('over the pending-trigger limit', () => {
    const h = useHarness({ maxPendingTriggers: 10 });
    it('answers 429 with the error shape for what it cannot take, and starts nothing for it', async () => {
      const responses = await fireAtOnce(h, 200);
      const refused = responses.filter((r) => r.status === 429);
      const accepted = responses.filter((r) => r.status === 202);
      assert.ok(refused.length > 0, 'a limit of 10 in flight must refuse some of 200 simultaneous triggers');
      assert.equal(refused.length + accepted.length, 200, `statuses: ${responses.map((r) => r.status).join(',')}`);
      for (const r of refused) assert.equal(r.body.error.code, 'too_many_triggers');
      for (const r of accepted) await h.waitForRun(r.body.id, undefined, 60_000);
      const rows = await h.directDb.selectFrom('runs').select('status').execute();
      assert.equal(rows.length, accepted.length, 'refused triggers leave no row');
      assert.ok(rows.every((r) => r.status === 'complete'));
    });
  });
});
