// Shared, lazily started infrastructure for the whole test run: one real Temporal
// dev server, one migrated template database, one workflow bundle.
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { Kysely } from 'kysely';
import pg from 'pg';
import { createDb } from '../../src/db/connect.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { ensureTemporalCli } from '../../src/infra/temporal-cli.js';
import { startDevServer, type DevServer } from '../../src/infra/temporal-dev-server.js';
import { installRuntime, WORKFLOWS_PATH } from '../../src/worker-runtime.js';

export const ADMIN_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface Suite {
  cliPath: string;
  temporalAddress: string;
  workflowBundle: { code: string };
  templateDatabase: string;
}

let started: Promise<Suite> | undefined;
let devServer: DevServer | undefined;
const createdDatabases: string[] = [];
let databaseCounter = 0;

export function databaseUrl(name: string): string {
  const url = new URL(ADMIN_DATABASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function adminQuery(text: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  await client.connect();
  try {
    return await client.query(text);
  } finally {
    await client.end();
  }
}

async function setUp(): Promise<Suite> {
  installRuntime('ERROR');
  const cliPath = await ensureTemporalCli({ explicitPath: process.env.TEMPORAL_CLI_PATH });
  const templateDatabase = `conveyor_template_${process.pid}`;
  const [server, bundle] = await Promise.all([
    startDevServer({ cliPath, headless: true }),
    bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('WARN') }),
    (async () => {
      // Migrations run once, into a template; each test file clones it.
      await adminQuery(`DROP DATABASE IF EXISTS ${templateDatabase} WITH (FORCE)`);
      await adminQuery(`CREATE DATABASE ${templateDatabase}`);
      const db = createDb({ url: databaseUrl(templateDatabase), max: 1 });
      await migrateToLatest(db as unknown as Kysely<unknown>);
      await db.destroy();
    })(),
  ]);
  devServer = server;
  return { cliPath, temporalAddress: server.address, workflowBundle: bundle, templateDatabase };
}

export function suite(): Promise<Suite> {
  started ??= setUp();
  return started;
}

/** A fresh database cloned from the migrated template. */
export async function cloneDatabase(): Promise<string> {
  const { templateDatabase } = await suite();
  const name = `conveyor_test_${process.pid}_${++databaseCounter}`;
  await adminQuery(`CREATE DATABASE ${name} TEMPLATE ${templateDatabase}`);
  createdDatabases.push(name);
  return name;
}

export async function tearDown(): Promise<void> {
  if (!started) return;
  const { templateDatabase } = await started;
  await devServer?.stop();
  for (const name of [...createdDatabases, templateDatabase]) await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}
