// dagRun edges: continue-as-new while approval and sleep nodes wait, errors that must fail
// the run (not the workflow task), and node-level policy overrides as Temporal sees them.
import assert from 'node:assert/strict';
import type { WorkflowHandle } from '@temporalio/client';
import { sql } from 'kysely';
import { taskOptions } from '../../src/tasks/task-options.js';
import { useHarness } from '../support/harness.js';

type HistoryEvent = NonNullable<Awaited<ReturnType<WorkflowHandle['fetchHistory']>>['events']>[number];
type Step = { nodeId: string; status: string; error: { type: string; message: string } | null };

/** A protobuf Duration in ms; undefined when absent. */
const ms = (d: { seconds?: unknown; nanos?: number | null } | null | undefined) => (d ? Number(d.seconds ?? 0) * 1000 + Math.round((d.nanos ?? 0) / 1e6) : undefined);

describe('DAG runs: history limit, unexpected errors, node overrides', function () {
  this.timeout(120_000);
  const h = useHarness();
  let counter = 0;

  async function define(def: object): Promise<string> {
    const slug = `wf-rel-${++counter}`;
    const created = await h.request('POST', '/api/workflows', { slug, ...def });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal((await h.request('POST', `/api/workflows/${slug}/activate`, { version: 1 })).status, 200);
    return slug;
  }
  const steps = async (id: string) => ((await h.request('GET', `/api/runs/${id}`)).body.steps ?? []) as Step[];
  const stepOf = async (id: string, nodeId: string) => (await steps(id)).find((s) => s.nodeId === nodeId);
  async function waitSteps(id: string, done: (steps: Step[]) => boolean, what: string): Promise<Step[]> {
    for (let i = 0; i < 600; i++) {
      const current = await steps(id);
      if (done(current)) return current;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${what}: ${JSON.stringify(await steps(id))}`);
  }
  async function history(workflowId: string, runId: string): Promise<HistoryEvent[]> {
    return (await h.client.workflow.getHandle(workflowId, runId).fetchHistory()).events ?? [];
  }
  /** Every execution's history, first to latest, following continue-as-new. */
  async function executions(workflowId: string, firstRunId: string): Promise<HistoryEvent[][]> {
    const all: HistoryEvent[][] = [];
    for (let runId: string | null | undefined = firstRunId; runId; ) {
      const events = await history(workflowId, runId);
      all.push(events);
      runId = events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
    }
    return all;
  }
  const timers = (events: HistoryEvent[]) => events.flatMap((e) => (e.timerStartedEventAttributes ? [ms(e.timerStartedEventAttributes.startToFireTimeout)!] : []));
  const chain = (n: number) => ({
    nodes: Array.from({ length: n }, (_, i) => ({ id: `c${i}`, task: 'noop' })),
    edges: Array.from({ length: n - 1 }, (_, i) => ({ from: `c${i}`, to: `c${i + 1}` })),
  });

  it('near the history limit, a waiting approval holds nothing back: the chain beside it completes across continue-as-new', async () => {
    const { nodes, edges } = chain(20);
    const slug = await define({
      nodes: [{ id: 'gate', type: 'approval', timeout: '1h' }, ...nodes, { id: 'early', type: 'approval' }],
      edges: [...edges, { from: 'c19', to: 'early' }],
    });
    const id = `run_rel_approval_${Date.now()}`;
    const handle = await h.client.workflow.start('dagRun', { workflowId: id, taskQueue: h.taskQueue, args: [{ workflow: slug, version: 1, inputs: {}, historyLimit: 40 }] });
    // A decision for a node that does not wait yet (Temporal takes it; the API would answer 409): it must outlive continue-as-new.
    await handle.signal('approve', { nodeId: 'early', approved: true, comment: 'ahead of time' });

    await waitSteps(id, (s) => s.find((x) => x.nodeId === 'early')?.status === 'complete', 'the chain and the early approval never completed');
    assert.equal((await stepOf(id, 'gate'))?.status, 'running', 'gate still waits for its decision');
    const runs = await executions(id, handle.firstExecutionRunId);
    assert.ok(runs.length >= 2, 'the run continued as new at least once');
    assert.ok(runs[0].some((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'approve'), 'the early decision reached the first execution');
    // The gate's timeout stays absolute: each later execution waits only for what is left of the hour.
    assert.deepEqual(timers(runs[0]), [3_600_000]);
    for (const events of runs.slice(1)) {
      const [left] = timers(events);
      assert.ok(left !== undefined && left < 3_600_000 && left > 3_000_000, `resumed gate timer ${left} ms`);
    }

    assert.equal((await h.request('POST', `/api/runs/${id}/nodes/gate/approve`, { approved: true, comment: 'go' })).status, 202);
    const run = await h.waitForRun(id);
    assert.equal(run.status, 'complete', JSON.stringify(run.error));
    assert.ok((await steps(id)).every((s) => s.status === 'complete'));
  });

  it('a sleep node carried across continue-as-new keeps its wake time, and the resumed run can be cancelled', async () => {
    const { nodes, edges } = chain(12);
    const slug = await define({ nodes: [{ id: 'nap', type: 'sleep', duration: '1h' }, ...nodes], edges });
    const id = `run_rel_sleep_${Date.now()}`;
    const handle = await h.client.workflow.start('dagRun', { workflowId: id, taskQueue: h.taskQueue, args: [{ workflow: slug, version: 1, inputs: {}, historyLimit: 40 }] });
    await waitSteps(id, (s) => s.find((x) => x.nodeId === 'c11')?.status === 'complete', 'the chain never completed');
    const runs = await executions(id, handle.firstExecutionRunId);
    assert.ok(runs.length >= 2, 'the run continued as new at least once');
    assert.deepEqual(timers(runs[0]), [3_600_000]);
    const [left] = timers(runs.at(-1)!);
    assert.ok(left !== undefined && left < 3_600_000 && left > 3_000_000, `resumed sleep timer ${left} ms`);
    assert.equal((await stepOf(id, 'nap'))?.status, 'running');
    assert.equal((await h.request('POST', `/api/runs/${id}/cancel`, { reason: 'enough' })).status, 202);
    const run = await h.waitForRun(id);
    assert.equal(run.status, 'cancelled');
    assert.equal(run.error?.message, 'enough');
    assert.equal((await stepOf(id, 'nap'))?.status, 'cancelled');
  });

  it('a template that cannot be resolved at run time fails its node and the run, not the workflow task', async () => {
    // 3,000 copies of a 200 kB output make a string longer than JavaScript allows (RangeError: Invalid string length).
    const slug = await define({
      nodes: [
        { id: 'big', task: 'echo', inputs: { message: '{{ inputs.text }}', count: 0 } },
        { id: 'huge', task: 'echo', inputs: { message: '{{ nodes.big.output.message }}'.repeat(3_000), count: 0 } },
      ],
      edges: [{ from: 'big', to: 'huge' }],
    });
    const res = await h.request('POST', `/api/workflows/${slug}/execute`, { inputs: { text: 'x'.repeat(200_000) } });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const run = await h.waitForRun(res.body.id, undefined, 30_000);
    assert.equal(run.status, 'failed');
    assert.match(run.error!.message, /node huge failed: its inputs could not be resolved: Invalid string length/);
    const huge = await stepOf(run.id, 'huge');
    assert.equal(huge?.status, 'failed');
    assert.equal(huge?.error?.type, 'TemplateError');
    assert.equal((await stepOf(run.id, 'big'))?.status, 'complete');
    // The row is written just before the workflow closes: wait for the close, then look.
    await assert.rejects(h.client.workflow.getHandle(run.id).result());
    const described = await h.client.workflow.getHandle(run.id).describe();
    assert.equal(described.status.name, 'FAILED', 'the workflow closed');
  });

  it('an unexpected error fails the run with its message and closes the workflow', async () => {
    const slug = await define({ nodes: [{ id: 'a', task: 'noop' }, { id: 'b', task: 'noop' }], edges: [] });
    const id = `run_rel_bad_${Date.now()}`;
    // A hand-made re-run whose snapshot does not fit the definition: the scheduler throws a plain Error.
    const snapshot = { statuses: ['complete'], outputs: { a: null }, failedNodes: [], paused: false };
    const handle = await h.client.workflow.start('dagRun', { workflowId: id, taskQueue: h.taskQueue, args: [{ workflow: slug, version: 1, inputs: {}, rerunOf: 'run_elsewhere', snapshot }] });
    const run = await h.waitForRun(id, undefined, 15_000);
    assert.equal(run.status, 'failed');
    assert.equal(run.error?.type, 'WorkflowError');
    assert.match(run.error!.message, /snapshot has 1 node statuses for 2 nodes/);
    await assert.rejects(handle.result(), (error: Error) => /snapshot has 1 node statuses for 2 nodes/.test(String((error as { cause?: Error }).cause?.message)));
  });

  it('a step record Postgres refuses ends the run failed with a BookkeepingError instead of retrying forever', async () => {
    // Postgres refuses every step record of node `refused` (a CHECK-like violation, SQLSTATE 23514).
    await sql`
      CREATE FUNCTION test_refuse_step() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.node_id = 'refused' THEN RAISE EXCEPTION USING ERRCODE = '23514', MESSAGE = 'test refuses step ' || NEW.node_id; END IF;
        RETURN NEW;
      END $$`.execute(h.directDb);
    await sql`CREATE TRIGGER test_refuse_step BEFORE INSERT OR UPDATE ON run_steps FOR EACH ROW EXECUTE FUNCTION test_refuse_step()`.execute(h.directDb);
    try {
      const slug = await define({ nodes: [{ id: 'refused', type: 'approval' }], edges: [] });
      const res = await h.request('POST', `/api/workflows/${slug}/execute`, {});
      assert.equal(res.status, 202, JSON.stringify(res.body));
      const run = await h.waitForRun(res.body.id, undefined, 30_000);
      assert.equal(run.status, 'failed');
      assert.equal(run.error?.type, 'BookkeepingError');
      assert.match(run.error!.message, /bookkeeping failed at recordSteps: .*test refuses step refused/);
      // The row is written just before the workflow closes: wait for the close, then look.
      await assert.rejects(h.client.workflow.getHandle(run.id).result());
      assert.equal((await h.client.workflow.getHandle(run.id).describe()).status.name, 'FAILED', 'the workflow closed');
    } finally {
      await sql`DROP TRIGGER test_refuse_step ON run_steps`.execute(h.directDb);
    }
  });

  it('node retry and timeout overrides reach the activity Temporal schedules, on top of the task policy', async () => {
    const slug = await define({
      nodes: [
        { id: 'tuned', task: 'noop', retry: { maxAttempts: 4, initialDelay: '300ms', backoffFactor: 3, maxDelay: '7s' }, timeout: { attempt: '9s', run: '45s' } },
        { id: 'plain', task: 'noop' },
      ],
      edges: [{ from: 'tuned', to: 'plain' }],
    });
    const res = await h.request('POST', `/api/workflows/${slug}/execute`, {});
    assert.equal((await h.waitForRun(res.body.id)).status, 'complete');
    const events = await history(res.body.id, (await h.client.workflow.getHandle(res.body.id).describe()).runId);
    const scheduled = new Map(
      events.flatMap((e) => {
        const a = e.activityTaskScheduledEventAttributes;
        if (!a) return [];
        const input = JSON.parse(new TextDecoder().decode(a.input!.payloads![0].data!)) as { nodeId: string };
        return [[input.nodeId, a] as const];
      }),
    );
    const policy = (nodeId: string) => {
      const a = scheduled.get(nodeId)!;
      const r = a.retryPolicy!;
      return {
        maxAttempts: r.maximumAttempts, initialDelayMs: ms(r.initialInterval), backoffFactor: r.backoffCoefficient, maxDelayMs: ms(r.maximumInterval),
        attemptTimeoutMs: ms(a.startToCloseTimeout), runTimeoutMs: ms(a.scheduleToCloseTimeout), heartbeatTimeoutMs: ms(a.heartbeatTimeout),
      };
    };
    const task = taskOptions(h.registry.get('noop')!);
    // The heartbeat timeout is the task's; Temporal caps it at the attempt timeout.
    assert.deepEqual(policy('tuned'), {
      maxAttempts: 4, initialDelayMs: 300, backoffFactor: 3, maxDelayMs: 7_000, attemptTimeoutMs: 9_000, runTimeoutMs: 45_000, heartbeatTimeoutMs: Math.min(task.heartbeatTimeoutMs, 9_000),
    });
    const plain = policy('plain');
    assert.deepEqual({ ...plain, runTimeoutMs: undefined }, { ...task, runTimeoutMs: undefined });
    // Without a run timeout the server leaves scheduleToClose unbounded (0).
    assert.equal(plain.runTimeoutMs, task.runTimeoutMs ?? 0);
  });
});
