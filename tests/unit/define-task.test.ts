import assert from 'node:assert/strict';
import { defineTask, isTask, TASK_DEFAULTS } from '../../src/tasks/define.js';
import { z } from 'zod';
import { concurrencyKeyOf } from '../../src/tasks/concurrency.js';

describe('defineTask', () => {
  it('fills the documented defaults', () => {
    const task = defineTask({ slug: 'x', fn: async () => 1 });
    assert.ok(isTask(task));
    assert.equal(task.name, 'x');
    assert.deepEqual(task.retry, { maxAttempts: 3, initialDelayMs: 1_000, backoffFactor: 2, maxDelayMs: 60_000 });
    assert.deepEqual(task.timeout, { attemptMs: 600_000, runMs: undefined });
    assert.equal(task.heartbeatTimeoutMs, 30_000);
    assert.equal(TASK_DEFAULTS.retry.maxAttempts, 3);
  });

  it('keeps what the task says', () => {
    const task = defineTask({
      slug: 'y',
      name: 'Why',
      input: z.object({ a: z.string() }),
      retry: { maxAttempts: 7, initialDelay: '2s' },
      timeout: { attempt: '1m', run: '1h' },
      heartbeatTimeout: 5_000,
      fn: async () => null,
    });
    assert.equal(task.retry.maxAttempts, 7);
    assert.equal(task.retry.initialDelayMs, 2_000);
    assert.equal(task.retry.backoffFactor, 2);
    assert.deepEqual(task.timeout, { attemptMs: 60_000, runMs: 3_600_000 });
    assert.equal(task.heartbeatTimeoutMs, 5_000);
  });

  it('rejects invalid definitions, naming the field', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ slug: 'has space', fn: async () => 1 }, /slug/],
      [{ slug: 'ok' }, /fn/],
      [{ slug: 'ok', fn: async () => 1, retry: { maxAttempts: 0 } }, /retry.maxAttempts/],
      [{ slug: 'ok', fn: async () => 1, timeout: { attempt: 'forever' } }, /timeout.attempt/],
      [{ slug: 'ok', fn: async () => 1, input: { not: 'zod' } }, /input/],
      [{ slug: 'ok', fn: async () => 1, retries: 3 }, /retries|unrecognized/i],
      [{ slug: 'ok', fn: async () => 1, concurrency: {} }, /concurrency: concurrency needs limit or perKey/],
      [{ slug: 'ok', fn: async () => 1, concurrency: { limit: 0 } }, /concurrency.limit/],
      [{ slug: 'ok', fn: async () => 1, concurrency: { limit: 1.5 } }, /concurrency.limit/],
      [{ slug: 'ok', fn: async () => 1, concurrency: { limit: 2, perKey: 3 } }, /perKey may not exceed limit/],
      [{ slug: 'ok', fn: async () => 1, concurrency: { perKey: 1, key: 'inputs.' } }, /concurrency.key/],
      [{ slug: 'ok', fn: async () => 1, concurrency: { limit: 1, onLimit: 'drop' } }, /concurrency.onLimit/],
      [{ slug: 'ok', fn: async () => 1, concurrency: { limit: 1, max: 2 } }, /concurrency|unrecognized/i],
    ];
    for (const [config, message] of cases) {
      assert.throws(() => defineTask(config as never), message, JSON.stringify(Object.keys(config)));
    }
  });

  it('normalises concurrency, and computes the key from the inputs or the trigger', () => {
    const unlimited = defineTask({ slug: 'free', fn: async () => 1 });
    assert.equal(unlimited.concurrency, undefined, 'an unlimited task carries nothing');
    const task = defineTask({ slug: 'keyed', fn: async () => 1, concurrency: { limit: 4, perKey: 1, key: 'inputs.customer.id' } });
    assert.equal(task.concurrency?.limit, 4);
    assert.equal(task.concurrency?.perKey, 1);
    assert.equal(task.concurrency?.onLimit, 'queue');
    assert.equal(concurrencyKeyOf(task.concurrency!, { customer: { id: 'c-1' } }), 'c-1');
    assert.equal(concurrencyKeyOf(task.concurrency!, { customer: { id: 7 } }), '7');
    assert.equal(concurrencyKeyOf(task.concurrency!, {}), '', 'a missing key is the shared one');
    assert.equal(concurrencyKeyOf(task.concurrency!, { customer: { id: 'c-1' } }, 'override'), 'override');
  });
});
