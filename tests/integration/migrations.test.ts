// Released migrations are frozen: they carry their own copies of the state lists. This test
// runs every migration on an empty database and checks that what the database enforces is
// what the live constants say, so a change to states.ts without a new migration fails here.
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import { NODE_STATUSES } from '../../src/dag/types.js';
import { createDb } from '../../src/db/connect.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { canTransition, RUN_STATES, TRIGGER_SOURCES } from '../../src/runs/states.js';
import { LOG_LEVELS } from '../../src/tasks/ml.types.js';
import { adminQuery, databaseUrl } from '../support/suite.js';

const MIGRATIONS_DIR = path.resolve('src/db/migrations');

describe('migrations', () => {
  const name = `conveyor_migrations_${process.pid}`;
  let db: Kysely<unknown>;

  before(async () => {
    await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await adminQuery(`CREATE DATABASE ${name}`);
    db = createDb({ url: databaseUrl(name), max: 2 }) as unknown as Kysely<unknown>;
    await migrateToLatest(db);
  });

  after(async () => {
    await db?.destroy();
    await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });

  /** Whether the database accepts a statement (rolled back either way). */
  const accepts = async (statement: (trx: Kysely<unknown>) => Promise<unknown>): Promise<boolean> => {
    const trx = await db.startTransaction().execute();
    try {
      await statement(trx);
      return true;
    } catch {
      return false;
    } finally {
      await trx.rollback().execute();
    }
  };
  const insertRun = (trx: Kysely<unknown>, id: string, status: string) =>
    sql`INSERT INTO runs (id, task, status, triggered_by) VALUES (${id}, 'noop', ${status}, 'api')`.execute(trx);

  it('never imports a live constant into a released migration', async () => {
    for (const file of (await readdir(MIGRATIONS_DIR)).filter((f) => f.endsWith('.ts'))) {
      const source = await readFile(path.join(MIGRATIONS_DIR, file), 'utf8');
      const imports = [...source.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
      for (const from of imports) assert.ok(from === 'kysely' || from === './state-sql.js', `${file} imports ${from}: copy the constant into the migration`);
    }
  });

  it('enforces exactly the run states and transitions of src/runs/states.ts', async () => {
    for (const status of RUN_STATES) assert.ok(await accepts((trx) => insertRun(trx, 'r', status)), `CHECK refuses ${status}`);
    assert.equal(await accepts((trx) => insertRun(trx, 'r', 'bogus')), false, 'CHECK accepts an unknown state');
    for (const from of RUN_STATES) {
      for (const to of RUN_STATES) {
        if (from === to) continue;
        const allowed = await accepts(async (trx) => {
          await insertRun(trx, 'r', from);
          await sql`UPDATE runs SET status = ${to} WHERE id = 'r'`.execute(trx);
        });
        assert.equal(allowed, canTransition(from, to), `${from} -> ${to}: the database ${allowed ? 'allows' : 'refuses'} it, states.ts ${canTransition(from, to) ? 'allows' : 'refuses'} it`);
      }
    }
  });

  it('enforces the trigger sources, log levels and node statuses of the code', async () => {
    for (const source of TRIGGER_SOURCES) assert.ok(await accepts((trx) => sql`INSERT INTO runs (id, task, status, triggered_by) VALUES ('r', 'noop', 'pending', ${source})`.execute(trx)), source);
    const withRun = (statement: (trx: Kysely<unknown>) => Promise<unknown>) => async (trx: Kysely<unknown>) => {
      await insertRun(trx, 'r', 'running');
      await statement(trx);
    };
    for (const level of LOG_LEVELS) {
      assert.ok(await accepts(withRun((trx) => sql`INSERT INTO run_logs (run_id, attempt, line, position, level, created_at) VALUES ('r', 1, 0, 1, ${level}, now())`.execute(trx))), level);
    }
    for (const status of NODE_STATUSES) assert.ok(await accepts(withRun((trx) => sql`INSERT INTO run_steps (run_id, node_id, status) VALUES ('r', 'n', ${status})`.execute(trx))), status);
    assert.equal(await accepts(withRun((trx) => sql`INSERT INTO run_steps (run_id, node_id, status) VALUES ('r', 'n', 'bogus')`.execute(trx))), false);
  });
});
