import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { insertLogs, listLogs } from '../../src/db/logs.repository.js';
import { finishRun, insertRun, markAttemptStarted, markRetrying } from '../../src/db/runs.repository.js';
import type { NewRunLog } from '../../src/db/schema.js';
import { useHarness } from '../support/harness.js';

describe('database guarantees', () => {
  const h = useHarness({ worker: false });
  let n = 0;
  const newRun = async () => (await insertRun(h.db, { id: `db-${++n}`, task: 'noop', inputs: null, triggeredBy: 'api' })).id;

  it('rejects an invalid transition in the database itself, not only in code', async () => {
    const id = await newRun();
    await sql`UPDATE runs SET status = 'running' WHERE id = ${id}`.execute(h.db);
    await sql`UPDATE runs SET status = 'complete' WHERE id = ${id}`.execute(h.db);
    await assert.rejects(sql`UPDATE runs SET status = 'running' WHERE id = ${id}`.execute(h.db), /invalid run transition complete -> running/);
    await assert.rejects(
      sql`INSERT INTO runs (id, task, status, triggered_by) VALUES ('bogus', 'noop', 'bogus', 'api')`.execute(h.db),
      /violates check constraint/,
    );
  });

  it('makes the repository updates conditional: a finished run stays finished', async () => {
    const id = await newRun();
    assert.ok(await markAttemptStarted(h.db, id, 1));
    assert.ok(await finishRun(h.db, id, { status: 'complete', result: { ok: 1 } }));
    assert.equal(await finishRun(h.db, id, { status: 'failed', error: { message: 'late', type: 'Error' } }), false);
    assert.equal(await markAttemptStarted(h.db, id, 2), undefined);
    assert.equal(await markRetrying(h.db, id, 1, { message: 'x', type: 'Error' }), false);
  });

  it('never moves a run back to an older attempt', async () => {
    const id = await newRun();
    assert.ok(await markAttemptStarted(h.db, id, 2));
    assert.equal(await markAttemptStarted(h.db, id, 1), undefined);
  });

  it('lets no stale attempt decide the outcome once a later attempt runs', async () => {
    const id = await newRun();
    assert.ok(await markAttemptStarted(h.db, id, 1));
    assert.ok(await markAttemptStarted(h.db, id, 2)); // attempt 1's worker was lost; attempt 2 runs
    assert.equal(await markRetrying(h.db, id, 1, { message: 'stale', type: 'Error' }), false);
    assert.equal(await finishRun(h.db, id, { status: 'failed', error: { message: 'stale', type: 'Error' }, attempt: 1 }), false);
    assert.equal(await finishRun(h.db, id, { status: 'complete', result: 'stale', attempt: 1 }), false);
    assert.ok(await finishRun(h.db, id, { status: 'complete', result: 'fresh', attempt: 2 }));
    const [row] = await sql<{ status: string; result: unknown; attempt: number }>`SELECT status, result, attempt FROM runs WHERE id = ${id}`.execute(h.db).then((r) => r.rows);
    assert.deepEqual(row, { status: 'complete', result: 'fresh', attempt: 2 });
  });

  it('writes no duplicate log line when a flush is retried', async () => {
    const id = await newRun();
    const lines: NewRunLog[] = Array.from({ length: 50 }, (_, line) => ({
      run_id: id,
      attempt: 1,
      line,
      level: 'log',
      message: `line ${line}`,
      data: null,
      created_at: new Date(),
    }));
    await insertLogs(h.db, lines.slice(0, 30));
    await insertLogs(h.db, lines); // the retry after an unknown outcome re-sends the first 30
    const stored = await listLogs(h.db, id, undefined, 1000);
    assert.equal(stored.length, 50);
    assert.deepEqual(stored.map((l) => l.line), lines.map((l) => l.line));
  });

  it('makes a run\'s log lines readable in order even when parallel flushes commit out of order', async () => {
    const id = await newRun();
    const line = (nodeId: string, message: string): NewRunLog => ({ run_id: id, node_id: nodeId, attempt: 1, line: 0, level: 'log', message, data: null, created_at: new Date() });
    // Node a's flush is inserted but not yet committed when node b's flush arrives.
    const first = await h.db.startTransaction().execute();
    await insertLogs(first, [line('a', 'from a')]);
    let waiting = false;
    const second = insertLogs(h.db, [line('b', 'from b')]);
    const lockWait = (async () => {
      for (let i = 0; i < 400 && !waiting; i++) {
        const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`.execute(h.db);
        if (rows[0].n > 0) return;
        await new Promise((r) => setTimeout(r, 25));
      }
    })();
    // Whichever happens first: b commits ahead of a, or b waits for a's lock.
    await Promise.race([second, lockWait]);
    waiting = true;
    const firstPage = await listLogs(h.db, id, undefined, 100);
    await first.commit().execute();
    await second;
    // A reader pages on from where it was: it must see every line exactly once.
    const rest = await listLogs(h.db, id, firstPage.length ? firstPage[firstPage.length - 1].position : undefined, 100);
    assert.deepEqual([...firstPage, ...rest].map((l) => l.message).sort(), ['from a', 'from b']);
    assert.deepEqual([...firstPage, ...rest].map((l) => Number(l.position)), [1, 2]);
  });
});
