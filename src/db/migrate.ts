import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import * as m0001 from './migrations/0001_runs.js';
import * as m0002 from './migrations/0002_run_api.js';
import * as m0003 from './migrations/0003_webhooks_api_keys.js';
import * as m0004 from './migrations/0004_workflow_definitions.js';
import * as m0005 from './migrations/0005_dag_runs.js';
import * as m0006 from './migrations/0006_webhook_targets.js';
import * as m0007 from './migrations/0007_workers.js';
import * as m0008 from './migrations/0008_log_order.js';
import * as m0009 from './migrations/0009_open_runs_by_id.js';
import * as m0010 from './migrations/0010_run_events.js';
import * as m0011 from './migrations/0011_concurrency.js';
import * as m0012 from './migrations/0012_sessions.js';
import * as m0013 from './migrations/0013_workflow_concurrency.js';

/** Append-only: add new files at the end, never edit a released one. */
const MIGRATIONS: Record<string, Migration> = {
  '0001_runs': m0001,
  '0002_run_api': m0002,
  '0003_webhooks_api_keys': m0003,
  '0004_workflow_definitions': m0004,
  '0005_dag_runs': m0005,
  '0006_webhook_targets': m0006,
  '0007_workers': m0007,
  '0008_log_order': m0008,
  '0009_open_runs_by_id': m0009,
  '0010_run_events': m0010,
  '0011_concurrency': m0011,
  '0012_sessions': m0012,
  '0013_workflow_concurrency': m0013,
};

const provider: MigrationProvider = { getMigrations: () => Promise.resolve(MIGRATIONS) };

export class MigrationError extends Error {
  override name = 'MigrationError';
}

/** Brings the schema up to date; a failure names the migration and the database's error. */
export async function migrateToLatest(db: Kysely<unknown>): Promise<string[]> {
  const migrator = new Migrator({ db, provider, migrationTableName: 'conveyor_migrations', migrationLockTableName: 'conveyor_migrations_lock' });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error) {
    const failed = results.find((r) => r.status === 'Error');
    const cause = error instanceof Error ? error.message : String(error);
    throw new MigrationError(`migration ${failed?.migrationName ?? '(before any migration ran)'} failed: ${cause}`);
  }
  return results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
