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
});
