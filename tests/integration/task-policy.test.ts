// A task's policy as Temporal applies it: the retry policy and timeouts the activity is
// scheduled with, the `retrying` state between attempts (and its attempt guard), and a
// heartbeat timeout ending an attempt so the next one runs.
import assert from 'node:assert/strict';
import { encodeTimeoutType, tsToMs } from '@temporalio/common';
import { sql } from 'kysely';
import { createRun, findRun, markAttemptStarted, markRetrying } from '../../src/db/runs.repository.js';
import { taskOptions } from '../../src/tasks/task-options.js';
import { useHarness } from '../support/harness.js';

describe('task policy as Temporal applies it', function () {
  this.timeout(60_000);
  const h = useHarness();

  async function trigger(slug: string): Promise<string> {
    const res = await h.request('POST', `/api/tasks/${slug}`, {});
    assert.equal(res.status, 202, JSON.stringify(res.body));
    return res.body.id as string;
  }

  async function activityEvents(id: string) {
    const { events } = await h.client.workflow.getHandle(id).fetchHistory();
    return {
      scheduled: events!.flatMap((e) => (e.activityTaskScheduledEventAttributes?.activityType?.name === 'executeTask' ? [e.activityTaskScheduledEventAttributes] : [])),
      started: events!.flatMap((e) => (e.activityTaskStartedEventAttributes ? [e.activityTaskStartedEventAttributes] : [])),
    };
  }

  before(async () => {
    // Every change of a run's status or attempt, in commit order: what a poller could miss.
    await sql`CREATE TABLE test_run_changes (seq serial PRIMARY KEY, run_id text NOT NULL, status text NOT NULL, attempt int NOT NULL)`.execute(h.directDb);
    await sql`
      CREATE FUNCTION test_record_run_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.status IS DISTINCT FROM OLD.status OR NEW.attempt IS DISTINCT FROM OLD.attempt THEN
          INSERT INTO test_run_changes (run_id, status, attempt) VALUES (NEW.id, NEW.status, NEW.attempt);
        END IF;
        RETURN NEW;
      END $$`.execute(h.directDb);
    await sql`CREATE TRIGGER test_record_run_change AFTER UPDATE ON runs FOR EACH ROW EXECUTE FUNCTION test_record_run_change()`.execute(h.directDb);
  });

  const changesOf = async (id: string) =>
    (await sql<{ status: string; attempt: number }>`SELECT status, attempt FROM test_run_changes WHERE run_id = ${id} ORDER BY seq`.execute(h.directDb)).rows.map((r) => `${r.status}:${r.attempt}`);

  it('schedules the activity with the task\'s own retry policy and timeouts (backoff 3, a maxDelay)', async () => {
    const id = await trigger('backoff-policy');
    const run = await h.waitForRun(id);
    assert.equal(run.status, 'complete');
    assert.deepEqual(run.result, { attempt: 4 });
    const { scheduled, started } = await activityEvents(id);
    assert.equal(scheduled.length, 1, 'one activity; Temporal retried it');
    const [activity] = scheduled;
    const retry = activity!.retryPolicy!;
    assert.equal(retry.backoffCoefficient, 3);
    assert.equal(tsToMs(retry.initialInterval), 100);
    assert.equal(tsToMs(retry.maximumInterval), 250);
    assert.equal(retry.maximumAttempts, 4);
    assert.equal(tsToMs(activity!.startToCloseTimeout), 7_000);
    assert.equal(tsToMs(activity!.heartbeatTimeout), 4_000);
    assert.equal(tsToMs(activity!.scheduleToCloseTimeout), 50_000);
    assert.equal(started.at(-1)?.attempt, 4, 'the attempt that completed was the fourth');
  });

  it('moves the row running → retrying → running between attempts, with their numbers, then complete', async () => {
    const id = await trigger('flaky');
    assert.equal((await h.waitForRun(id)).status, 'complete');
    assert.deepEqual(await changesOf(id), ['running:1', 'retrying:1', 'running:2', 'retrying:2', 'running:3', 'complete:3']);
  });

  it('a stale attempt cannot mark the run retrying once a later attempt runs (attempt guard)', async () => {
    const id = `run_guard_${Date.now()}`;
    await createRun(h.directDb, { id, task: 'flaky', status: 'pending', triggered_by: 'api', inputs: null });
    assert.ok(await markAttemptStarted(h.directDb, id, 2));
    assert.equal(await markRetrying(h.directDb, id, 1, { type: 'Error', message: 'stale attempt 1' }), false);
    const row = await findRun(h.directDb, id);
    assert.equal(row?.status, 'running');
    assert.equal(row?.attempt, 2);
    assert.equal(row?.error, null);
  });

  it('a run whose options break the policy rules ends failed with the reason, not pending (zero durations)', async () => {
    const id = `run_zero_${Date.now()}`;
    await createRun(h.directDb, { id, task: 'noop', status: 'pending', triggered_by: 'api', inputs: null });
    const options = { ...taskOptions(h.registry.get('noop')!), initialDelayMs: 0 };
    await h.client.workflow.start('taskRun', { workflowId: id, taskQueue: h.taskQueue, args: [{ task: 'noop', triggeredBy: 'api', options }] });
    const run = await h.waitForRun(id);
    assert.equal(run.status, 'failed');
    assert.equal(run.error?.type, 'InvalidWorkflowInput');
    assert.match(run.error?.message ?? '', /retry\.initialDelay/);
  });

  it('a heartbeat timeout ends an attempt that stops heartbeating, and the next attempt runs', async () => {
    const id = await trigger('stops-heartbeating');
    const run = await h.waitForRun(id, undefined, 60_000);
    assert.equal(run.status, 'complete');
    const { attempt } = run.result as { attempt: number };
    assert.ok(attempt >= 2, 'attempt 1 did not complete');
    const { started } = await activityEvents(id);
    const last = started.at(-1)!;
    assert.equal(last.attempt, attempt);
    // Temporal hands the next attempt the failure that ended the previous one (a heartbeat timeout: only attempt 1 stops heartbeating).
    assert.equal(last.lastFailure?.timeoutFailureInfo?.timeoutType, encodeTimeoutType('HEARTBEAT'), JSON.stringify(last.lastFailure));
    assert.deepEqual((await changesOf(id)).slice(0, 1), ['running:1']);
    assert.equal((await changesOf(id)).at(-1), `complete:${attempt}`);
  });
});
