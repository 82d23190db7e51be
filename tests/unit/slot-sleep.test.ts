// How many releases a waiter for a concurrency slot may sleep through: never one that could
// have let it in (it would then wait for a lease lapse), checked against a simulated line.
import assert from 'node:assert/strict';
import { releasesToSleepThrough } from '../../src/activities/concurrency-slot.js';

describe('releasesToSleepThrough', () => {
  it('is zero near the front of the line, and for a limit other than the one hit', () => {
    assert.equal(releasesToSleepThrough({ position: 1, byKey: false }, { limit: 5 }), 0);
    assert.equal(releasesToSleepThrough({ position: 6, byKey: false }, { limit: 5 }), 0);
    assert.equal(releasesToSleepThrough({ position: 7, byKey: false }, { limit: 5 }), 1);
    assert.equal(releasesToSleepThrough({ position: 45, byKey: false }, { limit: 5 }), 39);
    assert.equal(releasesToSleepThrough({ position: 4, byKey: true }, { limit: 10, perKey: 1 }), 2);
    assert.equal(releasesToSleepThrough({ position: 9, byKey: true }, { limit: 5 }), 0, 'no perKey: no guess');
  });

  it('never sleeps through a release after which the waiter could be granted (simulated lines)', () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    for (let trial = 0; trial < 2_000; trial++) {
      const limit = 1 + Math.floor(random() * 6);
      let held = Math.floor(random() * (limit + 1));
      let ahead = Math.max(0, limit - held) + Math.floor(random() * 30); // over the limit: it waits
      if (held + ahead < limit) continue;
      const skip = releasesToSleepThrough({ position: ahead + 1, byKey: false }, { limit });
      // Each release frees a holder's slot (a waiter ahead may take it) or a waiter ahead leaves;
      // newcomers of a higher priority may join ahead. Until `skip` releases have passed, no grant.
      for (let released = 1; released <= skip; released++) {
        if (random() < 0.2) ahead++;
        if (held > 0 && random() < 0.6) {
          held--;
          if (ahead > 0 && random() < 0.9) {
            ahead--;
            held++;
          }
        } else if (ahead > 0) ahead--;
        else held--;
        assert.ok(held + ahead >= limit, `granted after ${released} of ${skip} releases (limit ${limit})`);
      }
    }
  });
});
