// Item 13 (issue 8): defineTask and the taskRun workflow agree on what a valid policy is,
// because both apply policyProblems. A policy defineTask accepts always runs; one the
// workflow (or Temporal) would refuse stops start-up, naming the field.
import assert from 'node:assert/strict';
import { defineTask } from '../../src/tasks/define.js';
import { policyProblems } from '../../src/tasks/policy-rules.js';
import { taskOptions } from '../../src/tasks/task-options.js';
import type { TaskOptions } from '../../src/runs/contract.js';

const valid: TaskOptions = { maxAttempts: 3, initialDelayMs: 1_000, backoffFactor: 2, maxDelayMs: 60_000, attemptTimeoutMs: 600_000, heartbeatTimeoutMs: 30_000 };
const fn = async () => 1;

describe('task policy rules (shared by defineTask and taskRun)', () => {
  it('accepts a valid policy, with or without a run timeout', () => {
    assert.deepEqual(policyProblems(valid), []);
    assert.deepEqual(policyProblems({ ...valid, runTimeoutMs: 1 }), []);
  });

  it('names every option that breaks a rule, including those Temporal enforces', () => {
    const cases: [Partial<TaskOptions>, keyof TaskOptions][] = [
      [{ initialDelayMs: 0 }, 'initialDelayMs'],
      [{ maxDelayMs: 0 }, 'maxDelayMs'],
      [{ attemptTimeoutMs: 0 }, 'attemptTimeoutMs'],
      [{ heartbeatTimeoutMs: 0 }, 'heartbeatTimeoutMs'],
      [{ runTimeoutMs: 0 }, 'runTimeoutMs'],
      [{ backoffFactor: 0.5 }, 'backoffFactor'],
      [{ maxAttempts: 0 }, 'maxAttempts'],
      [{ maxAttempts: 1.5 }, 'maxAttempts'],
      [{ initialDelayMs: 5_000, maxDelayMs: 1_000 }, 'maxDelayMs'],
      [{ attemptTimeoutMs: Number.POSITIVE_INFINITY }, 'attemptTimeoutMs'],
    ];
    for (const [change, option] of cases) {
      assert.deepEqual(policyProblems({ ...valid, ...change }).map((p) => p.option), [option], JSON.stringify(change));
    }
  });

  it('defineTask rejects every zero duration the workflow would refuse, naming the field', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ retry: { initialDelay: 0 } }, /retry\.initialDelay/],
      [{ retry: { initialDelay: '0s' } }, /retry\.initialDelay/],
      [{ retry: { maxDelay: '0ms' } }, /retry\.maxDelay/],
      [{ timeout: { attempt: 0 } }, /timeout\.attempt/],
      [{ timeout: { run: '0m' } }, /timeout\.run/],
      [{ heartbeatTimeout: 0 }, /heartbeatTimeout/],
      [{ retry: { initialDelay: '10s', maxDelay: '5s' } }, /retry\.maxDelay/],
    ];
    for (const [config, message] of cases) {
      assert.throws(() => defineTask({ slug: 'zero', fn, ...config } as never), message, JSON.stringify(config));
    }
  });

  it('every task defineTask accepts has options the workflow accepts', () => {
    const configs = [
      {},
      { retry: { initialDelay: '2m' } }, // longer than the default maxDelay: the maximum follows it
      { retry: { maxAttempts: 1, initialDelay: 1, backoffFactor: 1, maxDelay: 1 }, timeout: { attempt: 1, run: 1 }, heartbeatTimeout: 1 },
    ];
    for (const config of configs) {
      const task = defineTask({ slug: 'ok', fn, ...config } as never);
      assert.deepEqual(policyProblems(taskOptions(task)), [], JSON.stringify(config));
    }
  });
});
