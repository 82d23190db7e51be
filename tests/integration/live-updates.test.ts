// Live updates without polling: one LISTEN connection per API process fans run events and
// log/step NOTIFYs out to every SSE stream.
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { createApp } from '../../src/api/app.js';
import { createLiveHub, type LiveHub } from '../../src/api/live/hub.js';
import { insertLogs } from '../../src/db/logs.repository.js';
import { finishRun } from '../../src/db/runs.repository.js';
import type { Database } from '../../src/db/schema.js';
import { logger, useHarness } from '../support/harness.js';
import { openSse, type SseReader } from './support/sse.js';

describe('live updates (LISTEN/NOTIFY hub, SSE)', function () {
  this.timeout(90_000);
  const h = useHarness();
  const streams: SseReader[] = [];
  const open = async (url: string, headers?: Record<string, string>) => {
    const stream = await openSse(url, headers);
    streams.push(stream);
    return stream;
  };
  afterEach(() => streams.splice(0).forEach((s) => s.close()));

  it('GET /api/runs/events: new runs and status changes; ?id= keeps one run only', async () => {
    const all = await open(`${h.apiUrl}/api/runs/events`);
    await all.next((e) => e.event === 'ready');
    const started = await h.request('POST', '/api/tasks/sleepy', { inputs: { ms: 60_000 }, tags: ['live'] });
    const id: string = started.body.id;
    const pending = await all.next((e) => e.event === 'run' && e.data.id === id && e.data.status === 'pending', 'pending');
    assert.equal(pending.data.task, 'sleepy');
    assert.equal(pending.data.triggeredBy, 'api');
    assert.deepEqual(pending.data.tags, ['live']);
    await all.next((e) => e.event === 'run' && e.data.id === id && e.data.status === 'running', 'running');

    const one = await open(`${h.apiUrl}/api/runs/events?id=${id}`);
    await one.next((e) => e.event === 'ready');
    const other = await h.request('POST', '/api/tasks/noop', {});
    await all.next((e) => e.event === 'run' && e.data.id === other.body.id && e.data.status === 'complete', 'the other run completing');
    assert.equal((await h.request('POST', `/api/runs/${id}/cancel`, { reason: 'live test' })).status, 202);
    const cancelled = await one.next((e) => e.event === 'run' && e.data.status === 'cancelled', 'cancelled');
    assert.equal(cancelled.data.previousStatus, 'running');
    assert.match(cancelled.data.errorMessage, /live test/);
    assert.ok(one.events.filter((e) => e.event === 'run').every((e) => e.data.id === id), 'only the run asked for');
    assert.equal((await h.request('GET', '/api/runs/events?id=not%20an%20id')).status, 400);
  });

  it('the run page stream: live lines, a status event when the run changes, then end', async () => {
    const started = await h.request('POST', '/api/tasks/sleepy', { inputs: { ms: 60_000 } });
    const id: string = started.body.id;
    const stream = await open(`${h.apiUrl}/api/runs/${id}/logs/stream`);
    await stream.next((e) => e.event === 'log' && e.data.message === 'sleeping', 'the first line');
    await h.request('POST', `/api/runs/${id}/cancel`, { reason: 'from the page' });
    const status = await stream.next((e) => e.event === 'status' && e.data.status === 'cancelled', 'status cancelled');
    assert.equal(status.data.id, id);
    assert.equal(status.data.temporal.workflowId, id, 'the same body as GET /api/runs/:id');
    assert.equal(typeof status.data.waitingForWorker, 'boolean');
    await stream.next((e) => e.event === 'end', 'end');
    await stream.ended;
    const lines = stream.events.filter((e) => e.event === 'log');
    assert.ok(lines.some((e) => e.data.message === 'signal aborted'), 'every line is sent before end');
    assert.deepEqual(lines.map((e) => Number(e.id)), lines.map((e) => e.data.seq), 'id = seq');
  });

  it('a NOTIFY lost anyway is caught by the slow safety re-check (one query for every watched run)', async () => {
    const runId = `run_safety_${process.pid}`;
    await h.directDb.insertInto('runs').values({ id: runId, task: 'sleepy', status: 'pending', triggered_by: 'api' }).execute();
    let rechecks = 0;
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: h.databaseUrl, max: 1 }) }), log: (event) => void (event.level === 'query' && rechecks++) });
    const hub = createLiveHub({ db, databaseUrl: h.databaseUrl, logger, safetyIntervalMs: 200 });
    try {
      const changes: string[] = [];
      let woken: () => void = () => undefined;
      const stop = hub.watchRun(runId, (change) => {
        changes.push(change);
        if (change === 'resync') woken();
      });
      assert.ok(await hub.ready());
      // Let one re-check (the hub's only query) see the run as it is, then change it without a NOTIFY.
      const seen = rechecks;
      while (rechecks === seen) await new Promise((resolve) => setTimeout(resolve, 50));
      changes.length = 0;
      const wokenByRecheck = new Promise<void>((resolve) => (woken = resolve));
      await h.directDb.transaction().execute(async (trx) => {
        await sql`SET LOCAL session_replication_role = replica`.execute(trx);
        await insertLogs(trx, [{ run_id: runId, attempt: 1, line: 0, level: 'info', message: 'quiet', created_at: new Date() }]);
      });
      await wokenByRecheck;
      assert.ok(!changes.includes('logs'), 'no NOTIFY was sent');
      stop();
    } finally {
      await hub.close();
      await db.destroy();
    }
  });

  it('a lost LISTEN connection reconnects, tells every subscriber to re-read, and delivers events again', async () => {
    const hub = createLiveHub({ db: h.directDb, databaseUrl: h.databaseUrl, logger });
    try {
      const events: string[] = [];
      let resyncs = 0;
      let onResync: () => void = () => undefined;
      const unsubscribe = hub.subscribeRunEvents({ event: (e) => events.push(`${e.id}:${e.status}`), resync: () => (resyncs++, onResync()), closed: () => undefined });
      assert.ok(await hub.ready());
      const firstResyncs = resyncs;
      const resynced = new Promise<void>((resolve) => (onResync = resolve));
      await sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN conveyor_run_events%'`.execute(h.directDb);
      await resynced;
      assert.ok(resyncs > firstResyncs);
      assert.ok(await hub.ready(), 'listening again');
      const id = `run_reconnect_${process.pid}`;
      await h.directDb.insertInto('runs').values({ id, task: 'noop', status: 'pending', triggered_by: 'api' }).execute();
      while (!events.includes(`${id}:pending`)) await new Promise((resolve) => setTimeout(resolve, 50));
      unsubscribe();
    } finally {
      await hub.close();
    }
  });

  describe('woken by NOTIFY, not by a timer', () => {
    let queries = 0;
    let counted: Kysely<Database>;
    let hub: LiveHub;
    let server: Server;
    let base = '';
    const runId = `run_live_${process.pid}`;
    const line = (n: number) => ({ run_id: runId, attempt: 1, line: n, level: 'info' as const, message: `line ${n}`, created_at: new Date() });
    const listeners = async () => {
      const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN conveyor_run_events%'`.execute(h.directDb);
      return rows[0].n;
    };

    before(async () => {
      // The API's pool counts every query it sends; the hub's safety re-check is pushed out of the test's way.
      counted = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: h.databaseUrl, max: 4 }) }), log: (event) => void (event.level === 'query' && queries++) });
      hub = createLiveHub({ db: counted, databaseUrl: h.databaseUrl, logger, safetyIntervalMs: 3_600_000 });
      const app = createApp({ db: counted, live: hub, client: h.client, registry: h.registry, logger, namespace: 'default', taskQueue: h.taskQueue, temporalUiUrl: 'http://ui', maxPendingTriggers: 10 });
      server = app.listen(0, '127.0.0.1');
      await new Promise((resolve) => server.once('listening', resolve));
      base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      await h.directDb.insertInto('runs').values({ id: runId, task: 'sleepy', status: 'pending', triggered_by: 'api' }).execute();
      await h.directDb.updateTable('runs').set({ status: 'running', attempt: 1 }).where('id', '=', runId).execute();
    });
    after(async () => {
      await hub?.close();
      await new Promise((resolve) => server?.close(resolve));
      await counted?.destroy();
    });

    it('one LISTEN connection for many streams; an idle stream sends no query until a NOTIFY wakes it; Last-Event-ID resumes', async () => {
      const before = await listeners();
      const page = await open(`${base}/api/runs/${runId}/logs/stream`);
      for (let i = 0; i < 4; i++) await open(`${base}/api/runs/${runId}/logs/stream`);
      assert.ok(await hub.ready());
      assert.equal(await listeners(), before + 1, 'five streams, one LISTEN connection');

      await insertLogs(h.directDb, [line(0), line(1)]); // the flush's trigger NOTIFYs conveyor_run_logs
      await page.next((e) => e.event === 'log' && e.data.message === 'line 1', 'line 1');
      for (const s of streams) await s.next((e) => e.event === 'log' && e.data.message === 'line 1', 'line 1 on every stream');

      // A barrier: NOTIFYs arrive in commit order on the one connection, so once every stream has
      // answered this one with a status event, no earlier wake-up is left to process.
      const statusSeen = streams.map((st) => st.events.filter((e) => e.event === 'status').length);
      await sql`SELECT pg_notify('conveyor_run_steps', ${runId})`.execute(h.directDb);
      await Promise.all(streams.map((st, i) => st.next(() => st.events.filter((e) => e.event === 'status').length > statusSeen[i], 'the barrier status event')));
      // A line written with triggers off (no NOTIFY): nothing reads it, whatever the wait...
      await h.directDb.transaction().execute(async (trx) => {
        await sql`SET LOCAL session_replication_role = replica`.execute(trx);
        await insertLogs(trx, [line(2)]);
      });
      const idleFrom = queries;
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      assert.equal(queries, idleFrom, 'idle streams sent no query (the old stream polled every 250 ms)');
      assert.equal(page.events.some((e) => e.data.message === 'line 2'), false);
      // ...until a NOTIFY for this run arrives.
      await sql`SELECT pg_notify('conveyor_run_logs', ${runId})`.execute(h.directDb);
      const two = await page.next((e) => e.event === 'log' && e.data.message === 'line 2', 'line 2 after the NOTIFY');
      for (const st of streams) await st.next((e) => e.event === 'log' && e.data.message === 'line 2', 'line 2 on every stream');
      assert.equal(queries - idleFrom, 2, 'five streams woken by one NOTIFY share one read: the run row and its new lines');

      const resumed = await open(`${base}/api/runs/${runId}/logs/stream`, { 'last-event-id': two.id! });
      await insertLogs(h.directDb, [line(3)]);
      await resumed.next((e) => e.event === 'log' && e.data.message === 'line 3', 'line 3');
      assert.deepEqual(resumed.events.filter((e) => e.event === 'log').map((e) => e.data.message), ['line 3'], 'resumed after Last-Event-ID');

      assert.ok(await finishRun(h.directDb, runId, { status: 'complete', result: { ok: true } }));
      const status = await page.next((e) => e.event === 'status' && e.data.status === 'complete', 'status complete');
      assert.deepEqual(status.data.result, { ok: true });
      await page.next((e) => e.event === 'end', 'end');
    });
  });
});
