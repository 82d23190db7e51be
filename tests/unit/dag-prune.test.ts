import assert from 'node:assert/strict';
import { planDag } from '../../src/dag/plan.js';
import { pruneSnapshot } from '../../src/dag/prune.js';
import type { DagDefinition } from '../../src/dag/types.js';

describe('dag snapshot pruning (continue-as-new)', () => {
  const def: DagDefinition = {
    slug: 'p',
    nodes: [
      { id: 'a', task: 't' },
      { id: 'b', task: 't' },
      { id: 'c', task: 't', inputs: { x: '{{ nodes.a.output.value }}' } },
      { id: 'd', task: 't' },
      { id: 'e', task: 't' },
    ],
    edges: [
      { from: 'a', to: 'b' },
      { from: 'b', to: 'c' },
      { from: 'b', to: 'd', when: 'nodes.b.output.ok == true' },
      { from: 'a', to: 'e' },
    ],
  };

  it('keeps only the outputs an unsettled node reads, through a template or a condition', () => {
    const snapshot = {
      statuses: ['complete', 'complete', 'pending', 'pending', 'complete'] as const,
      outputs: { a: { value: 1 }, b: { ok: true }, e: { big: 'x'.repeat(1000) } },
      failedNodes: [],
      paused: true,
    };
    const pruned = pruneSnapshot({ ...snapshot, statuses: [...snapshot.statuses] }, planDag(def), def.nodes);
    assert.deepEqual(pruned.outputs, { a: { value: 1 }, b: { ok: true } });
    assert.deepEqual(pruned.statuses, [...snapshot.statuses]);
    assert.equal(pruned.paused, true);
  });

  it('carries no outputs once every node is settled', () => {
    const pruned = pruneSnapshot({ statuses: ['complete', 'complete', 'complete', 'skipped', 'complete'], outputs: { a: 1, b: 2, c: 3, e: 5 }, failedNodes: [], paused: false }, planDag(def), def.nodes);
    assert.deepEqual(pruned.outputs, {});
  });
});
