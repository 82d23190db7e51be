import assert from 'node:assert/strict';
import { parseDefinition } from '../../src/dag/definition.js';
import type { DagDefinition, DagEdge, DagError, DagNode } from '../../src/dag/types.js';
import { topologicalOrder, validateDefinition } from '../../src/dag/validate.js';

const TASKS = new Set(['t', 'fetch']);
const def = (nodes: DagNode[], edges: DagEdge[] = [], extra: Partial<DagDefinition> = {}): DagDefinition => ({ slug: 'wf', nodes, edges, ...extra });
const task = (id: string, more: Partial<DagNode> = {}): DagNode => ({ id, task: 't', ...more }) as DagNode;
const validate = (d: DagDefinition): DagError[] => validateDefinition(d, { taskExists: (slug) => TASKS.has(slug) });
const only = (errors: DagError[], code: string) => errors.filter((e) => e.code === code).map((e) => ({ nodes: e.nodes, message: e.message }));

describe('dag validation', () => {
  it('accepts a valid definition with templates, conditions, joins and control nodes', () => {
    const d = def(
      [task('a'), task('b', { inputs: { x: '{{ nodes.a.output.x }}', u: '{{ inputs.user }}' } }), { id: 'wait', type: 'sleep', duration: '5m' }, { id: 'ok', type: 'approval', timeout: '1h' }, task('d', { join: { atLeast: 2 }, inputs: { y: 'first: {{ nodes.a.output }}' } })],
      [
        { from: 'a', to: 'b', when: 'nodes.a.output.x > 1' },
        { from: 'a', to: 'wait' },
        { from: 'wait', to: 'ok' },
        { from: 'b', to: 'd', when: "nodes.a.status == 'complete' && nodes.b.output" },
        { from: 'ok', to: 'd' },
        { from: 'a', to: 'd' },
      ],
    );
    assert.deepEqual(validate(d), []);
    assert.deepEqual(parseDefinition(d), { ok: true, definition: d });
  });

  it('duplicate_node names the id once', () => {
    assert.deepEqual(only(validate(def([task('a'), task('b'), task('a'), task('a')])), 'duplicate_node'), [{ nodes: ['a'], message: 'node id "a" is used more than once' }]);
  });

  it('cycle lists the nodes in edge order, from the first defined', () => {
    const errors = validate(def([task('x'), task('b'), task('c'), task('a')], [{ from: 'x', to: 'a' }, { from: 'a', to: 'b' }, { from: 'b', to: 'c' }, { from: 'c', to: 'a' }]));
    assert.deepEqual(only(errors, 'cycle'), [{ nodes: ['b', 'c', 'a'], message: 'cycle: b → c → a → b' }]);
    const two = validate(def([task('a'), task('b'), task('c'), task('d')], [{ from: 'a', to: 'a' }, { from: 'b', to: 'c' }, { from: 'c', to: 'd' }, { from: 'd', to: 'b' }]));
    assert.deepEqual(only(two, 'cycle').map((e) => e.nodes), [['a'], ['b', 'c', 'd']]);
    assert.throws(() => topologicalOrder(def([task('a'), task('b')], [{ from: 'a', to: 'b' }, { from: 'b', to: 'a' }])), /cycle: a → b → a/);
  });

  it('finds a cycle in a 20,000-node chain without overflowing the stack', () => {
    const n = 20_000;
    const nodes = Array.from({ length: n }, (_, i) => task(`n${i}`));
    const edges = Array.from({ length: n - 1 }, (_, i) => ({ from: `n${i}`, to: `n${i + 1}` }));
    assert.deepEqual(validate(def(nodes, edges)), []);
    const cycle = only(validate(def(nodes, [...edges, { from: `n${n - 1}`, to: 'n0' }])), 'cycle');
    assert.equal(cycle.length, 1);
    assert.equal(cycle[0].nodes.length, n);
    assert.deepEqual(cycle[0].nodes.slice(0, 3), ['n0', 'n1', 'n2']);
  });

  it('unknown_task names the node', () => {
    assert.deepEqual(only(validate(def([task('a'), { id: 'b', task: 'nope' }])), 'unknown_task'), [{ nodes: ['b'], message: 'node b: no task "nope" is registered' }]);
  });

  it('missing_node names the missing end(s) of an edge', () => {
    const errors = validate(def([task('a')], [{ from: 'a', to: 'ghost' }, { from: 'x', to: 'y' }]));
    assert.deepEqual(
      only(errors, 'missing_node').map((e) => e.nodes),
      [['ghost'], ['x', 'y']],
    );
  });

  it('duplicate_edge names both ends', () => {
    assert.deepEqual(only(validate(def([task('a'), task('b')], [{ from: 'a', to: 'b' }, { from: 'a', to: 'b', when: 'true' }])), 'duplicate_edge').map((e) => e.nodes), [['a', 'b']]);
  });

  it('bad_reference: templates may read only upstream nodes', () => {
    const errors = validate(
      def(
        [task('a'), task('b', { inputs: { x: '{{ nodes.c.output }}', y: ['{{ nodes.ghost.output }}'], z: '{{ nodes.b.output }}', ok: '{{ nodes.a.output }}' } }), task('c')],
        [{ from: 'a', to: 'b' }, { from: 'b', to: 'c' }],
      ),
    );
    assert.deepEqual(
      only(errors, 'bad_reference').map((e) => e.nodes),
      [['b', 'c'], ['b', 'ghost'], ['b', 'b']],
    );
    assert.match(only(errors, 'bad_reference')[0].message, /"c" is not upstream of b/);
  });

  it('bad_reference: conditions may read the edge source and its upstream nodes', () => {
    const d = def([task('a'), task('side'), task('b'), task('c')], [
      { from: 'a', to: 'b' },
      { from: 'b', to: 'c', when: 'nodes.a.output.ok && nodes.b.output.ok' },
      { from: 'side', to: 'c', when: 'nodes.b.output.ok' },
      { from: 'a', to: 'side', when: 'nodes.nope.status == "complete"' },
    ]);
    assert.deepEqual(
      only(validate(d), 'bad_reference').map((e) => e.nodes),
      [['side', 'c', 'b'], ['a', 'side', 'nope']],
    );
  });

  it('bad_reference: inputs a closed input schema does not declare', () => {
    const d = def([task('a', { inputs: { u: '{{ inputs.user.id }}', v: '{{ inputs.other }}' } })], [], { input: { type: 'object', properties: { user: {} }, additionalProperties: false } });
    assert.deepEqual(only(validate(d), 'bad_reference'), [{ nodes: ['a'], message: "node a: inputs read inputs.other, which the workflow's input schema does not allow" }]);
  });

  it('invalid_condition and invalid_template name the node(s) and the column', () => {
    const errors = validate(def([task('a'), task('b', { inputs: { x: 'id {{ inputs.__proto__ }}' } })], [{ from: 'a', to: 'b', when: 'nodes.a.output.x = 1' }]));
    assert.deepEqual(only(errors, 'invalid_condition'), [{ nodes: ['a', 'b'], message: "condition on edge a → b: '=' is not an operator (assignment is not supported; compare with ==) at column 18" }]);
    assert.deepEqual(only(errors, 'invalid_template').map((e) => e.nodes), [['b']]);
    assert.match(only(errors, 'invalid_template')[0].message, /inputs\.x: invalid template .*'__proto__' cannot be read/);
  });

  it('impossible_join: atLeast beyond the in-degree or below 1, or a join on a root', () => {
    const errors = validate(
      def(
        [task('a'), task('b'), task('c', { join: { atLeast: 3 } }), task('d', { join: { atLeast: 0 } }), task('root', { join: 'any' }), task('e', { join: { atLeast: 2 } })],
        [{ from: 'a', to: 'c' }, { from: 'b', to: 'c' }, { from: 'a', to: 'd' }, { from: 'a', to: 'e' }, { from: 'b', to: 'e' }],
      ),
    );
    assert.deepEqual(only(errors, 'impossible_join'), [
      { nodes: ['c'], message: 'node c: join {atLeast: 3} cannot be met: it has only 2 incoming edges' },
      { nodes: ['d'], message: 'node d: join {atLeast: 0} cannot be met: atLeast must be at least 1' },
      { nodes: ['root'], message: 'node root: join "any" cannot be met: it has no incoming edges' },
    ]);
  });

  it('invalid_node: wrong shapes per node kind', () => {
    const nodes = [
      { id: 'both', task: 't', type: 'sleep', duration: '1s' },
      { id: 'neither' },
      { id: 'nap', type: 'sleep' },
      { id: 'badnap', type: 'sleep', duration: 'soon' },
      { id: 'ask', type: 'approval', duration: '1s' },
      { id: 'weird', type: 'party' },
      { id: 'retry', type: 'sleep', duration: 5, retry: { maxAttempts: 2 } },
      { id: '1bad', task: 't' },
      { id: 'constructor', task: 't' },
    ] as unknown as DagNode[];
    const errors = only(validate(def(nodes)), 'invalid_node');
    const byNode = (id: string) => errors.filter((e) => e.nodes[0] === id).map((e) => e.message);
    assert.match(byNode('both')[0], /either `task` or `type`, not both/);
    assert.match(byNode('neither')[0], /needs `task`/);
    assert.match(byNode('nap')[0], /sleep node needs `duration`/);
    assert.match(byNode('badnap')[0], /`duration` must be milliseconds/);
    assert.match(byNode('ask')[0], /`duration` applies to sleep nodes only/);
    assert.match(byNode('weird')[0], /`type` must be "sleep" or "approval"/);
    assert.match(byNode('retry')[0], /`retry` applies to task nodes only/);
    assert.match(byNode('1bad')[0], /must start with a letter/);
    assert.match(byNode('constructor')[0], /reserved/);
  });

  it('parseDefinition reports shape errors by node, and limits size', () => {
    const bad = parseDefinition({ slug: 'wf', nodes: [{ id: 'a', task: 't' }, { id: 'b', type: 'sleep' }, { id: 'c', task: 't', extra: 1 }], edges: [{ from: 'a' }] });
    assert.equal(bad.ok, false);
    const errors = bad.ok ? [] : bad.errors;
    assert.ok(errors.some((e) => e.code === 'invalid_node' && e.nodes[0] === 'b' && /sleep node needs `duration`/.test(e.message)));
    assert.ok(errors.some((e) => e.code === 'invalid_node' && e.nodes[0] === 'c'));
    assert.ok(errors.some((e) => e.code === 'invalid_definition' && /^edges\.0\.to/.test(e.message)));
    const huge = parseDefinition({ slug: 'wf', nodes: Array.from({ length: 20_001 }, (_, i) => ({ id: `n${i}`, task: 't' })) });
    assert.ok(!huge.ok && huge.errors.some((e) => /at most 20000 nodes/.test(e.message)));
    const max = parseDefinition({ slug: 'wf', nodes: Array.from({ length: 20_000 }, (_, i) => ({ id: `n${i}`, task: 't' })) });
    assert.ok(max.ok);
    assert.deepEqual(max.ok && max.definition.edges, []);
  });

  it('topologicalOrder puts every node after its upstream nodes', () => {
    const order = topologicalOrder(def([task('d'), task('c'), task('b'), task('a')], [{ from: 'a', to: 'b' }, { from: 'a', to: 'c' }, { from: 'b', to: 'd' }, { from: 'c', to: 'd' }]));
    assert.deepEqual(order, ['a', 'b', 'c', 'd'], 'ties in edge order');
  });

  it('checks a node\'s retry and timeout overrides, merged with its task\'s policy, against the shared rules', () => {
    const base = { maxAttempts: 3, initialDelayMs: 1_000, backoffFactor: 2, maxDelayMs: 60_000, attemptTimeoutMs: 600_000, heartbeatTimeoutMs: 30_000 };
    const withPolicy = (d: DagDefinition) => validateDefinition(d, { taskExists: (slug) => TASKS.has(slug), taskPolicy: (slug) => (TASKS.has(slug) ? base : undefined) });
    const bad = def([task('a', { retry: { backoffFactor: 0.5 } }), task('b', { timeout: { attempt: 0 } }), task('c', { retry: { initialDelay: '2m' } }), task('ok', { retry: { maxAttempts: 5, maxDelay: '2m' } })]);
    assert.deepEqual(
      only(withPolicy(bad), 'invalid_node'),
      [
        { nodes: ['a'], message: 'node a: retry.backoffFactor: must be a number of at least 1' },
        { nodes: ['b'], message: 'node b: timeout.attempt: must be a duration greater than 0 and at most 10 years' },
        { nodes: ['c'], message: 'node c: retry.maxDelay: must be at least the initial delay (120000 ms)' },
      ],
    );
  });
});
