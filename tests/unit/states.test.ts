import assert from 'node:assert/strict';
import { allowedPredecessors, canTransition, isTerminal, RUN_STATES, TERMINAL_STATES } from '../../src/runs/states.js';

describe('run state machine', () => {
  it('follows pending → running → (retrying ↔ running) → terminal', () => {
    assert.ok(canTransition('pending', 'running'));
    assert.ok(canTransition('running', 'retrying'));
    assert.ok(canTransition('retrying', 'running'));
    for (const end of TERMINAL_STATES) assert.ok(canTransition(end === 'expired' ? 'pending' : 'running', end), end);
  });

  it('never leaves a terminal state', () => {
    for (const end of TERMINAL_STATES) {
      assert.ok(isTerminal(end));
      for (const to of RUN_STATES) assert.equal(canTransition(end, to), false, `${end} → ${to}`);
    }
  });

  it('does not complete a run that never ran or is between attempts', () => {
    assert.equal(canTransition('pending', 'complete'), false);
    assert.equal(canTransition('retrying', 'complete'), false);
    assert.equal(canTransition('pending', 'retrying'), false);
  });

  it('lets a run wait for a concurrency slot before any attempt, and cancel or expire while it waits', () => {
    assert.deepEqual(allowedPredecessors('queued'), ['pending', 'running', 'retrying']);
    for (const to of ['running', 'cancelled', 'expired', 'failed', 'timeout'] as const) assert.ok(canTransition('queued', to), to);
    assert.equal(canTransition('queued', 'complete'), false, 'a queued run never ran');
    assert.equal(canTransition('queued', 'retrying'), false);
  });

  it('derives the predecessors used by conditional updates', () => {
    assert.deepEqual(allowedPredecessors('running'), ['pending', 'queued', 'running', 'retrying']);
    assert.deepEqual(allowedPredecessors('complete'), ['running']);
    assert.deepEqual(allowedPredecessors('pending'), []);
  });
});
