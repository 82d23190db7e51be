import assert from 'node:assert/strict';
import { toMs } from '../../src/tasks/duration.js';

describe('durations', () => {
  it('parses milliseconds and unit strings', () => {
    assert.equal(toMs(250), 250);
    assert.equal(toMs('500ms'), 500);
    assert.equal(toMs('1s'), 1_000);
    assert.equal(toMs('1.5 s'), 1_500);
    assert.equal(toMs('10m'), 600_000);
    assert.equal(toMs('2h'), 7_200_000);
    assert.equal(toMs('1d'), 86_400_000);
  });

  it('rejects anything else with a readable message', () => {
    for (const bad of ['', 'soon', '10 minutes', '-1s', -5, Number.NaN, null, {}]) {
      assert.throws(() => toMs(bad, 'retry.initialDelay'), /retry.initialDelay must be/, String(bad));
    }
  });
});
