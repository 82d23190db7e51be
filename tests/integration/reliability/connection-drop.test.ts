// Postgres going away in the middle of a query (a restart, a network cut) must fail that
// query, which the caller retries, and nothing else: not crash the API or worker process.
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createDb } from '../../../src/db/connect.js';
import { isConnectionError } from '../../../src/db/retry.js';
import { ADMIN_DATABASE_URL } from '../../support/suite.js';
import { startTcpProxy } from '../../support/tcp-proxy.js';

describe('reliability: a connection dropped during a query', () => {
  it('rejects the query with a connection error and raises no uncaught exception', async () => {
    const direct = new URL(ADMIN_DATABASE_URL);
    const proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
    const viaProxy = new URL(ADMIN_DATABASE_URL);
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    const db = createDb({ url: viaProxy.toString(), max: 1 });
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    // Mocha's own handler would fail the test on its own; record it too, to assert on it.
    process.on('uncaughtException', onUncaught);
    try {
      await sql`SELECT 1`.execute(db);
      const running = sql`SELECT pg_sleep(5)`.execute(db);
      await new Promise((r) => setTimeout(r, 300)); // the query is on the wire
      proxy.cut();
      const error = await running.then(() => undefined, (e: unknown) => e);
      assert.ok(error instanceof Error && isConnectionError(error), `a connection error, got ${String(error)}`);
      await new Promise((r) => setImmediate(r));
      assert.deepEqual(uncaught, []);
      proxy.restore();
      assert.deepEqual((await sql<{ one: number }>`SELECT 1 AS one`.execute(db)).rows, [{ one: 1 }], 'the pool recovers');
    } finally {
      process.off('uncaughtException', onUncaught);
      await db.destroy();
      await proxy.close();
    }
  });
});
