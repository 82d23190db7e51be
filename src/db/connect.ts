import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';

export interface DbOptions {
  url: string;
  /** Pool size; the API and the worker each hold one pool. */
  max?: number;
  /** Called once per query sent (benchmarks count round trips with it). */
  onQuery?: () => void;
}

export function createDb({ url, max = 20, onQuery }: DbOptions): Kysely<Database> {
  const pool = new pg.Pool({ connectionString: url, max, connectionTimeoutMillis: 5_000, idleTimeoutMillis: 30_000 });
  // A dropped idle connection (database restart) must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  // A connection dropped during a query rejects that query, and pg also emits 'error' on the
  // client, which the pool does not listen to while the client is checked out: without a
  // listener that emit would be an uncaught exception that kills the process.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }), ...(onQuery ? { log: (event) => { if (event.level === 'query') onQuery(); } } : {}) });
}
