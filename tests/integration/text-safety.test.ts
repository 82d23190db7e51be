// Text Postgres cannot store (U+0000, lone surrogates): the API refuses it with a 400 naming
// the field; what a task or an operator writes is stored with U+FFFD instead, and never
// costs an attempt or wedges a run.
import assert from 'node:assert/strict';
import { listLogs } from '../../src/db/logs.repository.js';
import { findRun } from '../../src/db/runs.repository.js';
import { SIGNATURE_HEADER, signPayload } from '../../src/api/signature.js';
import { useHarness } from '../support/harness.js';

const FFFD = '\ufffd';

describe('text Postgres cannot store', () => {
  const h = useHarness();
  const runCount = async () => Number((await h.directDb.selectFrom('runs').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  describe('written by a task: stored with U+FFFD, never failing an attempt', () => {
    it('a bad log line between two good ones and a bad result: complete on attempt 1, every line kept in order', async () => {
      const res = await h.request('POST', '/api/tasks/bad-text', {});
      assert.equal(res.status, 202, JSON.stringify(res.body));
      const run = await h.waitForRun(res.body.id);
      assert.equal(run.status, 'complete', JSON.stringify(run.error));
      assert.equal(run.attempt, 1);
      assert.deepEqual(run.result, { text: `result ${FFFD} here`, lone: `x${FFFD}y`, ok: true });
      const lines = (await listLogs(h.db, run.id, undefined, 100)).filter((l) => l.level !== 'system');
      assert.deepEqual(
        lines.map((l) => [l.level, l.message, l.data]),
        [
          ['log', 'good line 1', null],
          ['log', `bad ${FFFD} line`, null],
          ['json', null, { [`key${FFFD}`]: `lone ${FFFD}` }],
          ['log', 'good line 2', null],
        ],
      );
    });

    it('an error message with U+0000 and a lone surrogate: failed with it sanitized, after its normal attempts', async () => {
      const res = await h.request('POST', '/api/tasks/bad-text-throws', {});
      const run = await h.waitForRun(res.body.id);
      assert.equal(run.status, 'failed');
      assert.equal(run.attempt, 2, 'retried per its policy (maxAttempts 2), not over a failed write');
      assert.equal(run.error?.message, `boom ${FFFD} and ${FFFD} here`);
      const errorLines = (await listLogs(h.db, run.id, undefined, 100)).filter((l) => l.level === 'error');
      assert.deepEqual(errorLines.map((l) => [l.attempt, l.message]), [1, 2].map((attempt) => [attempt, `boom ${FFFD} and ${FFFD} here`]));
    });

    it('a DAG node doing the same: its step output, its error and its log lines stored with U+FFFD', async () => {
      const definition = {
        slug: 'bad-text-dag',
        nodes: [
          { id: 'writes', task: 'bad-text' },
          { id: 'throws', task: 'bad-text-throws', retry: { maxAttempts: 1 } },
        ],
        edges: [{ from: 'writes', to: 'throws' }],
      };
      assert.equal((await h.request('POST', '/api/workflows', definition)).status, 201);
      assert.equal((await h.request('POST', '/api/workflows/bad-text-dag/activate', { version: 1 })).status, 200);
      const res = await h.request('POST', '/api/workflows/bad-text-dag/execute', {});
      assert.equal(res.status, 202, JSON.stringify(res.body));
      const run = await h.waitForRun(res.body.id);
      assert.equal(run.status, 'failed', JSON.stringify(run.error));
      const steps = (await h.request('GET', `/api/runs/${run.id}`)).body.steps as { nodeId: string; status: string; output: unknown; error: { message: string } | null }[];
      const [writes, throws] = ['writes', 'throws'].map((id) => steps.find((s) => s.nodeId === id)!);
      assert.deepEqual([writes.status, writes.output], ['complete', { text: `result ${FFFD} here`, lone: `x${FFFD}y`, ok: true }]);
      assert.deepEqual([throws.status, throws.error?.message], ['failed', `boom ${FFFD} and ${FFFD} here`]);
      const lines = await listLogs(h.db, run.id, undefined, 100);
      assert.ok(lines.some((l) => l.message === `bad ${FFFD} line`), JSON.stringify(lines.map((l) => l.message)));
    });
  });

  describe('a cancel reason', () => {
    async function startSleepy(): Promise<string> {
      const res = await h.request('POST', '/api/tasks/sleepy', { inputs: { ms: 30_000 } });
      assert.equal(res.status, 202);
      await h.waitForRun(res.body.id, (r) => r.status === 'running');
      return res.body.id as string;
    }

    it('over the API: 400 naming `reason`, the run goes on', async () => {
      const id = await startSleepy();
      for (const reason of ['x\u0000y', 'x\ud800y']) {
        const res = await h.request('POST', `/api/runs/${id}/cancel`, { reason });
        assert.equal(res.status, 400, JSON.stringify(res.body));
        assert.equal(res.body.error.code, 'invalid_text');
        assert.deepEqual(res.body.error.details.map((d: { field: string }) => d.field), ['reason']);
      }
      assert.equal((await findRun(h.db, id))?.status, 'running');
      assert.equal((await h.request('POST', `/api/runs/${id}/cancel`, { reason: 'fine' })).status, 202);
      assert.equal((await h.waitForRun(id)).status, 'cancelled');
    });

    it('as a Temporal signal straight to the workflow: cancelled, the reason logged with U+FFFD', async () => {
      const id = await startSleepy();
      await h.client.workflow.getHandle(id).signal('cancel', { reason: 'x\u0000y' });
      const ended = await h.waitForRun(id);
      assert.equal(ended.status, 'cancelled');
      assert.equal(ended.error?.message, `x${FFFD}y`);
      const lines = await listLogs(h.db, id, undefined, 100);
      assert.ok(lines.some((l) => l.level === 'system' && l.message === `run cancelled: x${FFFD}y`), JSON.stringify(lines.map((l) => l.message)));
    });
  });

  describe('started from outside the API (temporal workflow start)', () => {
    for (const [type, input] of [['taskRun', { task: 'no\ud800pe' }], ['dagRun', { workflow: 'no\ud800pe' }]] as const) {
      it(`a ${type} whose slug Temporal cannot encode fails at once, and the worker lives on`, async () => {
        const handle = await h.client.workflow.start(type, { workflowId: `bad-slug-${type}`, taskQueue: h.taskQueue, args: [input] });
        await assert.rejects(handle.result(), (error: Error & { cause?: { type?: string } }) => error.cause?.type === 'InvalidWorkflowInput');
        const next = await h.request('POST', '/api/tasks/noop', {});
        assert.equal((await h.waitForRun(next.body.id)).status, 'complete', 'the worker still runs tasks');
      });
    }
  });

  describe('sent to the API: 400 naming the field, nothing stored, no workflow started', () => {
    const workflowsOnQueue = async () => {
      const { count } = await h.client.workflow.count(`TaskQueue = '${h.taskQueue}'`);
      return count;
    };

    const cases: { what: string; method: string; url: string; body?: unknown; field: string }[] = [
      { what: 'U+0000 in trigger inputs', method: 'POST', url: '/api/tasks/noop', body: { inputs: { a: '\u0000' } }, field: 'inputs.a' },
      { what: 'a lone surrogate deep in trigger inputs', method: 'POST', url: '/api/tasks/noop', body: { inputs: { a: [{ b: 'ok' }, { c: '\udfff' }] } }, field: 'inputs.a.1.c' },
      { what: 'U+0000 in an input key', method: 'POST', url: '/api/tasks/noop', body: { inputs: { 'k\u0000': 1 } }, field: 'inputs."k\\u0000"' },
      { what: 'a tag', method: 'POST', url: '/api/tasks/noop', body: { tags: ['ok', 'a\u0000'] }, field: 'tags.1' },
      { what: 'an idempotency key', method: 'POST', url: '/api/tasks/noop', body: { idempotencyKey: 'k\ud800' }, field: 'idempotencyKey' },
      { what: 'a batch item', method: 'POST', url: '/api/tasks/noop/batch', body: { items: [{ inputs: {} }, { inputs: { a: '\u0000' } }] }, field: 'items.1.inputs.a' },
      { what: 'a workflow definition', method: 'POST', url: '/api/workflows', body: { slug: 'nul-wf', name: 'bad\u0000', nodes: [{ id: 'a', task: 'noop' }] }, field: 'name' },
      { what: 'workflow execute inputs', method: 'POST', url: '/api/workflows/any/execute', body: { inputs: { a: '\u0000' } }, field: 'inputs.a' },
      { what: 'an approval comment', method: 'POST', url: '/api/runs/run_x/nodes/gate/approve', body: { approved: true, comment: 'ok\u0000' }, field: 'comment' },
      { what: 'a query value', method: 'GET', url: '/api/runs?tag=%00', field: 'query.tag' },
      { what: 'a route param', method: 'GET', url: '/api/workflows/%00', field: 'path' },
      { what: 'a whole body that is one string', method: 'POST', url: '/api/tasks/noop', body: '"\\u0000"', field: '(body)' },
    ];
    for (const c of cases) {
      it(c.what, async () => {
        const [runsBefore, workflowsBefore] = [await runCount(), await workflowsOnQueue()];
        const res = await h.request(c.method, c.url, c.body);
        assert.equal(res.status, 400, JSON.stringify(res.body));
        assert.equal(res.body.error.code, 'invalid_text');
        assert.deepEqual(res.body.error.details.map((d: { field: string }) => d.field), [c.field]);
        assert.equal(await runCount(), runsBefore);
        assert.equal(await workflowsOnQueue(), workflowsBefore);
      });
    }

    it('a path segment that is not UTF-8 is a 400, not a 500', async () => {
      const res = await h.request('GET', '/api/workflows/%E0%A4');
      assert.deepEqual([res.status, res.body.error.code], [400, 'invalid_path']);
    });

    it("a schedule's inputs: no schedule created", async () => {
      const res = await h.request('POST', '/api/schedules', { id: 'nul-schedule', task: 'noop', every: '1h', paused: true, inputs: { a: 'x\u0000' } });
      assert.deepEqual([res.status, res.body.error?.details?.[0]?.field], [400, 'inputs.a'], JSON.stringify(res.body));
      assert.equal((await h.request('GET', '/api/schedules/nul-schedule')).status, 404);
    });

    it("a webhook delivery's body: no run", async () => {
      const hook = await h.request('POST', '/api/webhooks', { task: 'noop' });
      assert.equal(hook.status, 201);
      const body = JSON.stringify({ event: 'x\u0000' });
      const t = Math.floor(Date.now() / 1000);
      const before = await runCount();
      const res = await h.request('POST', `/hooks/${hook.body.id}`, body, { [SIGNATURE_HEADER]: `t=${t},v1=${signPayload(hook.body.secret, t, body)}` });
      assert.deepEqual([res.status, res.body.error?.details?.[0]?.field], [400, 'event'], JSON.stringify(res.body));
      assert.equal(await runCount(), before);
    });
  });
});
