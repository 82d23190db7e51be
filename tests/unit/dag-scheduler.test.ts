import assert from 'node:assert/strict';
import { planDag } from '../../src/dag/plan.js';
import { DagScheduler, type Step } from '../../src/dag/scheduler.js';
import type { DagDefinition, DagEdge, DagNode } from '../../src/dag/types.js';

const task = (id: string, more: Partial<DagNode> = {}): DagNode => ({ id, task: 't', ...more }) as DagNode;
const edge = (from: string, to: string, when?: string): DagEdge => (when ? { from, to, when } : { from, to });
const scheduler = (nodes: DagNode[], edges: DagEdge[], extra: Partial<DagDefinition> = {}, inputs: unknown = {}) =>
  new DagScheduler(planDag({ slug: 'wf', nodes, edges, ...extra }), inputs);
const diamond = [task('a'), task('b'), task('c'), task('d')];
const diamondEdges = [edge('a', 'b'), edge('a', 'c'), edge('b', 'd'), edge('c', 'd')];

describe('dag scheduler', () => {
  it('runs a diamond: fan-out after a, fan-in at d once both branches complete', () => {
    const s = scheduler(diamond, diamondEdges);
    assert.deepEqual(s.start().start, ['a']);
    assert.deepEqual(s.nodeCompleted('a', 1).start, ['b', 'c']);
    const afterB = s.nodeCompleted('b', 2);
    assert.deepEqual(afterB.start, []);
    assert.deepEqual(afterB.waiting, ['d']);
    assert.equal(s.statusOf('d'), 'waiting_inputs');
    assert.deepEqual(s.nodeCompleted('c', 3).start, ['d']);
    assert.deepEqual(s.context().nodes.c, { output: 3, status: 'complete' });
    assert.deepEqual(s.nodeCompleted('d', 4).outcome, { status: 'complete' });
  });

  it('any join starts on the first taken edge and ignores the rest', () => {
    const s = scheduler([task('a'), task('b'), task('j', { join: 'any' })], [edge('a', 'j'), edge('b', 'j')]);
    assert.deepEqual(s.start().start, ['a', 'b']);
    assert.deepEqual(s.nodeCompleted('b', null).start, ['j']);
    const late = s.nodeCompleted('a', null);
    assert.deepEqual([late.start, late.skipped], [[], []]);
    assert.deepEqual(s.nodeCompleted('j', null).outcome, { status: 'complete' });
  });

  it('atLeast join starts at n taken edges, and is skipped once n is out of reach', () => {
    const nodes = [task('a'), task('b'), task('c'), task('j', { join: { atLeast: 2 } })];
    const edges = [edge('a', 'j', 'nodes.a.output'), edge('b', 'j', 'nodes.b.output'), edge('c', 'j', 'nodes.c.output')];
    const met = scheduler(nodes, edges);
    met.start();
    assert.deepEqual(met.nodeCompleted('a', true).waiting, ['j']);
    assert.deepEqual(met.nodeCompleted('b', false).start, []);
    assert.deepEqual(met.nodeCompleted('c', true).start, ['j']);

    const unmet = scheduler(nodes, edges);
    unmet.start();
    unmet.nodeCompleted('a', false);
    const step = unmet.nodeCompleted('b', false);
    assert.equal(unmet.statusOf('c'), 'running', 'c still runs: j is decided without it');
    assert.equal(step.skipped.length, 1);
    assert.equal(step.skipped[0].nodeId, 'j');
    assert.equal(step.skipped[0].reason.code, 'condition_false');
    assert.deepEqual(step.skipped[0].reason.upstream, ['a', 'b']);
    assert.match(step.skipped[0].reason.message, /join \{atLeast: 2\} cannot be met: needs 2 of 3 incoming edges, 0 taken \(not taken: a → j: condition false; b → j: condition false\)/);
    assert.deepEqual(unmet.nodeCompleted('c', true).outcome, { status: 'complete' });
  });

  it('conditions see inputs and upstream outputs; a false one skips, and the skip propagates', () => {
    const nodes = [task('check'), task('yes'), task('no'), task('after-no')];
    const edges = [edge('check', 'yes', 'nodes.check.output.score >= inputs.min'), edge('check', 'no', 'nodes.check.output.score < inputs.min'), edge('no', 'after-no')];
    const s = scheduler(nodes, edges, {}, { min: 10 });
    s.start();
    const step = s.nodeCompleted('check', { score: 12 });
    assert.deepEqual(step.start, ['yes']);
    assert.deepEqual(
      step.skipped.map((k) => [k.nodeId, k.reason.code]),
      [
        ['no', 'condition_false'],
        ['after-no', 'upstream_skipped'],
      ],
    );
    assert.match(step.skipped[1].reason.message, /no → after-no: skipped/);
    assert.equal(s.statusOf('after-no'), 'skipped');
    assert.deepEqual(s.nodeCompleted('yes', null).outcome, { status: 'complete' }, 'skips do not fail a run');
  });

  it('a mix of false conditions and skipped upstream is join_unsatisfiable', () => {
    const s = scheduler([task('a'), task('b'), task('c'), task('j', { join: 'any' })], [edge('a', 'b', 'false'), edge('b', 'j'), edge('a', 'j', 'false')]);
    s.start();
    const step = s.nodeCompleted('a', null);
    const j = step.skipped.find((k) => k.nodeId === 'j');
    assert.equal(j?.reason.code, 'join_unsatisfiable');
  });

  it('a condition that cannot be evaluated fails its target', () => {
    const s = scheduler([task('a'), task('b')], [edge('a', 'b', 'nodes.a.output.n > 1')], { onFailure: 'continue' });
    s.start();
    const step = s.nodeCompleted('a', {});
    assert.deepEqual(step.failed.map((f) => f.nodeId), ['b']);
    assert.match(step.failed[0].error, /condition on edge a → b failed: '>' needs two numbers or two strings/);
    assert.deepEqual(step.outcome, { status: 'failed', failedNodes: ['b'] });
  });

  it('fail_fast: the first failure cancels running siblings and everything not started', () => {
    const s = scheduler([task('a'), task('b'), task('c'), task('after-a'), task('after-b')], [edge('a', 'after-a'), edge('b', 'after-b')]);
    assert.deepEqual(s.start().start, ['a', 'b', 'c']);
    const step = s.nodeFailed('a');
    assert.deepEqual(step.cancel, ['b', 'c']);
    assert.deepEqual(step.cancelled, ['after-a', 'after-b']);
    assert.equal(step.outcome, undefined, 'not over while b and c still run');
    assert.deepEqual(s.nodeCancelled('b').start, []);
    const last = s.nodeCompleted('c', 1);
    assert.deepEqual(last.start, [], 'nothing starts after a fail_fast failure');
    assert.deepEqual(last.outcome, { status: 'failed', failedNodes: ['a'] });
    assert.equal(s.statusOf('after-b'), 'cancelled');
  });

  it('continue: independent branches finish, dependents of the failure are skipped, all failures listed', () => {
    const s = scheduler([task('a'), task('b'), task('x'), task('after-a'), task('after-b'), task('join')], [edge('a', 'after-a'), edge('b', 'after-b'), edge('after-a', 'join'), edge('x', 'join')], {
      onFailure: 'continue',
    });
    s.start();
    const step = s.nodeFailed('a');
    assert.deepEqual(step.cancel, []);
    assert.deepEqual(
      step.skipped.map((k) => [k.nodeId, k.reason.code]),
      [
        ['after-a', 'upstream_skipped'],
        ['join', 'upstream_skipped'],
      ],
    );
    assert.match(step.skipped[0].reason.message, /a → after-a: failed/);
    assert.deepEqual(s.nodeCompleted('b', 1).start, ['after-b']);
    s.nodeCompleted('x', 1);
    assert.equal(s.nodeFailed('after-b').outcome?.status, 'failed');
    assert.deepEqual(s.snapshot().failedNodes, ['a', 'after-b']);
  });

  it('maxParallel limits running task nodes; sleep and approval nodes need no slot', () => {
    const nodes = [task('t1'), task('t2'), task('t3'), { id: 'nap', type: 'sleep', duration: '1s' } as DagNode, task('t4')];
    const s = scheduler(nodes, [], { maxParallel: 2 });
    assert.deepEqual(s.start().start, ['nap', 't1', 't2']);
    s.nodeRetrying('t1');
    assert.equal(s.statusOf('t1'), 'retrying');
    assert.deepEqual(s.nodeCompleted('nap', null).start, [], 'a retrying task keeps its slot');
    assert.deepEqual(s.nodeCompleted('t1', null).start, ['t3']);
    assert.deepEqual(s.nodeCompleted('t2', null).start, ['t4']);
    s.nodeCompleted('t3', null);
    assert.deepEqual(s.nodeCompleted('t4', null).outcome, { status: 'complete' });
  });

  it('pause holds new starts until resume; cancelRun cancels the rest', () => {
    const s = scheduler(diamond, diamondEdges);
    s.start();
    s.pause();
    const paused = s.nodeCompleted('a', 1);
    assert.deepEqual([paused.start, paused.outcome], [[], undefined]);
    assert.deepEqual(s.resume().start, ['b', 'c']);
    const cancelling = s.cancelRun();
    assert.deepEqual([cancelling.cancel, cancelling.cancelled], [['b', 'c'], ['d']]);
    s.nodeCancelled('b');
    assert.deepEqual(s.nodeCancelled('c').outcome, { status: 'cancelled' });
  });

  it('rejects events for nodes that are not running', () => {
    const s = scheduler(diamond, diamondEdges);
    s.start();
    assert.throws(() => s.nodeCompleted('b', 1), /node "b" is not running \(it is pending\)/);
    assert.throws(() => s.nodeCompleted('zzz', 1), /unknown node "zzz"/);
  });

  it('resumes from a snapshot (continue-as-new, re-run) with the same decisions', () => {
    const nodes = [task('a'), task('b'), task('c'), task('d')];
    const edges = [edge('a', 'b', 'nodes.a.output.go'), edge('a', 'c'), edge('b', 'd'), edge('c', 'd')];
    const plan = planDag({ slug: 'wf', nodes, edges });
    const first = new DagScheduler(plan, {});
    first.start();
    first.nodeCompleted('a', { go: true });
    first.nodeCompleted('b', 'B');
    const snapshot = JSON.parse(JSON.stringify(first.snapshot())) as ReturnType<DagScheduler['snapshot']>;
    assert.deepEqual(snapshot.statuses, ['complete', 'complete', 'running', 'waiting_inputs']);
    const resumed = new DagScheduler(plan, {}, snapshot);
    assert.deepEqual(resumed.start().start, [], 'c is still running: the interpreter resumes it');
    assert.deepEqual(resumed.context().nodes.b, { output: 'B', status: 'complete' });
    assert.deepEqual(resumed.nodeCompleted('c', 'C').start, ['d']);
    assert.deepEqual(resumed.nodeCompleted('d', null).outcome, { status: 'complete' });

    // A re-run from c: a and b keep their stored outputs, c and d run again.
    const rerun = new DagScheduler(plan, {}, { statuses: ['complete', 'complete', 'pending', 'pending'], outputs: { a: { go: true }, b: 'B' }, failedNodes: [], paused: false });
    assert.deepEqual(rerun.start().start, ['c']);
  });

  it('schedules a 10,000-node chain to completion', () => {
    const n = 10_000;
    const nodes = Array.from({ length: n }, (_, i) => task(`n${i}`));
    const edges = Array.from({ length: n - 1 }, (_, i) => edge(`n${i}`, `n${i + 1}`, i % 2 ? `nodes.n${i}.output == ${i}` : undefined));
    const s = scheduler(nodes, edges);
    let ready = s.start().start;
    let started = 0;
    let step: Step | undefined;
    while (ready.length > 0) {
      assert.equal(ready.length, 1);
      assert.equal(ready[0], `n${started}`);
      started++;
      step = s.nodeCompleted(ready[0], started - 1);
      ready = step.start;
    }
    assert.equal(started, n);
    assert.deepEqual(step?.outcome, { status: 'complete' });
  });

  it('skips the rest of a 10,000-node chain in one cascade', () => {
    const n = 10_000;
    const s = scheduler(
      Array.from({ length: n }, (_, i) => task(`n${i}`)),
      Array.from({ length: n - 1 }, (_, i) => edge(`n${i}`, `n${i + 1}`, i === 0 ? 'false' : undefined)),
    );
    s.start();
    const step = s.nodeCompleted('n0', null);
    assert.equal(step.skipped.length, n - 1);
    assert.deepEqual(step.outcome, { status: 'complete' });
  });

  it('schedules a 10,000-node fan-out/fan-in with maxParallel to completion', () => {
    const width = 10_000;
    const mids = Array.from({ length: width }, (_, i) => `m${i}`);
    const s = scheduler([task('src'), ...mids.map((id) => task(id)), task('sink')], [...mids.map((id) => edge('src', id)), ...mids.map((id) => edge(id, 'sink'))], { maxParallel: 100 });
    assert.deepEqual(s.start().start, ['src']);
    const running = [...s.nodeCompleted('src', null).start];
    assert.equal(running.length, 100);
    const done = new Set<string>();
    let sinkStarted = false;
    let step: Step | undefined;
    while (running.length > 0) {
      const id = running.shift() as string;
      done.add(id);
      step = s.nodeCompleted(id, id);
      if (step.start.includes('sink')) {
        assert.equal(done.size, width, 'the sink starts only after every branch');
        sinkStarted = true;
      }
      running.push(...step.start);
      assert.ok(running.length <= 100);
    }
    assert.ok(sinkStarted);
    assert.deepEqual(step?.outcome, { status: 'complete' });
  });
});
