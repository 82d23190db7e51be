// Property test over the endpoints that start, cancel or define runs: whatever a client sends,
// the answer is a 2xx or a 4xx (never a 500 or 503), and no run is left non-terminal once its
// workflow has closed. Seeded (FUZZ_SEED overrides; FUZZ_RUNS sets the cases per endpoint).
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isTerminal, type RunStatus } from '../../src/runs/states.js';
import { bodiesFor, routeIds } from '../support/fuzz-arbitraries.js';
import { useHarness } from '../support/harness.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20_260_808);
const CASES = Number(process.env.FUZZ_RUNS ?? 500);

const tag = fc.stringMatching(/^[\w.:/-]{1,20}$/);
const triggerBody = fc.record(
  { inputs: fc.jsonValue({ maxDepth: 3 }), tags: fc.array(tag, { maxLength: 3 }), idempotencyKey: fc.string({ minLength: 1, maxLength: 12 }), ttl: fc.constantFrom('1m', 60_000) },
  { requiredKeys: [] },
);
const batchBody = fc.record({ items: fc.array(triggerBody.map(({ ttl: _ttl, ...item }) => item), { minLength: 1, maxLength: 3 }) });
const cancelBody = fc.record({ reason: fc.string({ minLength: 1, maxLength: 40 }) }, { requiredKeys: [] });
const definitionBody = fc.record({
  slug: fc.stringMatching(/^[a-z][a-z0-9-]{2,24}$/),
  name: fc.string({ maxLength: 30 }),
  nodes: fc.constant([
    { id: 'first', task: 'noop' },
    { id: 'second', task: 'noop', inputs: { ok: '{{ nodes.first.output.ok }}' } },
  ]),
  edges: fc.constant([{ from: 'first', to: 'second' }]),
});

const statusesOf = (tally: Tally) => [...tally.byStatus].sort(([a], [b]) => a - b).map(([status, n]) => `${status}×${n}`).join(' ');

interface Tally {
  cases: number;
  byStatus: Map<number, number>;
  runsStarted: number;
  server: { status: number; request: string }[];
}

describe('API fuzz: only 2xx/4xx answers, no run left open', function () {
  this.timeout(600_000);
  const h = useHarness();
  /** Run id → the endpoint whose case started it. */
  const started = new Map<string, string>();
  const tallies = new Map<string, Tally>();

  /** Sends CASES seeded cases; a 5xx fails the property (fast-check then shrinks it). */
  async function fuzz(endpoint: string, cases: fc.Arbitrary<{ url: string; body: string }>, runIdsOf: (status: number, body: any) => string[]) {
    const tally: Tally = { cases: 0, byStatus: new Map(), runsStarted: 0, server: [] };
    tallies.set(endpoint, tally);
    let shrinking = false;
    const property = fc.asyncProperty(cases, async ({ url, body }) => {
      const res = await h.request('POST', url, body);
      for (const id of res.status < 300 ? runIdsOf(res.status, res.body) : []) {
        if (started.has(id)) continue; // an idempotency key met its earlier run
        started.set(id, endpoint);
        tally.runsStarted++;
      }
      if (!shrinking) {
        tally.cases++;
        tally.byStatus.set(res.status, (tally.byStatus.get(res.status) ?? 0) + 1);
      }
      if (res.status >= 500) {
        shrinking = true;
        tally.server.push({ status: res.status, request: `${url} ${body.slice(0, 300)} → ${JSON.stringify(res.body).slice(0, 300)}` });
      }
      return res.status >= 200 && res.status < 500;
    });
    try {
      await fc.assert(property, { numRuns: CASES, seed: SEED, interruptAfterTimeLimit: 240_000 });
    } finally {
      console.log(`    fuzz ${endpoint}: ${tally.cases} cases (seed ${SEED}); answers ${statusesOf(tally)}; runs started ${tally.runsStarted}`);
    }
    assert.ok(tally.cases >= CASES, `only ${tally.cases} cases ran`);
  }

  const triggered = (_status: number, body: any): string[] => (typeof body?.id === 'string' ? [body.id] : []);
  const batched = (_status: number, body: any): string[] => (Array.isArray(body?.runs) ? body.runs.map((r: { id?: unknown }) => r.id).filter((id: unknown): id is string => typeof id === 'string') : []);

  it('POST /api/tasks/:slug', async () => {
    await fuzz('POST /api/tasks/:slug', bodiesFor(triggerBody).map((body) => ({ url: '/api/tasks/noop', body })), triggered);
  });

  it('POST /api/tasks/:slug/batch', async () => {
    await fuzz('POST /api/tasks/:slug/batch', bodiesFor(batchBody).map((body) => ({ url: '/api/tasks/noop/batch', body })), batched);
  });

  it('POST /api/runs/:id/cancel', async () => {
    // Runs to cancel: running ones, and delayed ones still pending. Accepted cancels use them up; later ones answer 409.
    const pool: string[] = [];
    for (let i = 0; i < 20; i++) {
      const res = await h.request('POST', '/api/tasks/sleepy', i % 2 ? { inputs: { ms: 300_000 } } : { inputs: { ms: 1 }, delay: '1h' });
      assert.equal(res.status, 202);
      pool.push(res.body.id);
      started.set(res.body.id, 'POST /api/runs/:id/cancel');
    }
    const cases = fc.tuple(routeIds(() => pool), bodiesFor(cancelBody)).map(([id, body]) => ({ url: `/api/runs/${id}/cancel`, body }));
    await fuzz('POST /api/runs/:id/cancel', cases, () => []);
    tallies.get('POST /api/runs/:id/cancel')!.runsStarted += pool.length; // the pool's runs count as this endpoint's in the summary
    // Whatever the fuzz left open is cancelled, so that every started workflow closes.
    for (const id of pool) await h.request('POST', `/api/runs/${id}/cancel`, { reason: 'fuzz done' });
  });

  it('POST /api/workflows', async () => {
    await fuzz('POST /api/workflows', bodiesFor(definitionBody).map((body) => ({ url: '/api/workflows', body })), () => []);
  });

  it('every started workflow closes, and no run row is non-terminal after its workflow closed', async () => {
    // A mutated body may have delayed a run (`delay`): cancel those rather than wait for them.
    const delayed = await h.directDb.selectFrom('runs').select('id').where('status', '=', 'pending').where('run_at', '>', new Date()).execute();
    for (const { id } of delayed) await h.request('POST', `/api/runs/${id}/cancel`, { reason: 'fuzz done' });
    const ids = [...started.keys()];
    const deadline = Date.now() + 120_000; // a wedged run must fail the test below, not hang it
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < ids.length) {
          const id = ids[next++];
          await h.client.withDeadline(deadline, () => h.client.workflow.getHandle(id).result()).catch(() => undefined);
        }
      }),
    );
    // Every started workflow was waited for, so every row must have ended; the description says why one did not.
    const open = await h.directDb.selectFrom('runs').select(['id', 'status']).execute();
    const leftOpen: string[] = [];
    const leftOpenBy = new Map<string, number>();
    for (const row of open.filter((r) => !isTerminal(r.status as RunStatus))) {
      const description = await h.client.workflow.getHandle(row.id).describe();
      leftOpen.push(`${row.id} is ${row.status}, its workflow ${description.status.name}`);
      const endpoint = started.get(row.id) ?? '(not started by a case)';
      leftOpenBy.set(endpoint, (leftOpenBy.get(endpoint) ?? 0) + 1);
    }
    for (const [endpoint, tally] of tallies) {
      console.log(`    fuzz summary ${endpoint}: ${tally.cases} cases; answers ${statusesOf(tally)}; runs started ${tally.runsStarted}; runs left non-terminal ${leftOpenBy.get(endpoint) ?? 0}`);
    }
    console.log(`    fuzz summary: ${ids.length} runs started, ${open.length} run rows, ${leftOpen.length} left non-terminal (seed ${SEED})`);
    assert.deepEqual(leftOpen, []);
    const serverErrors = [...tallies.values()].flatMap((t) => t.server);
    assert.deepEqual(serverErrors, []);
  });
});
