// Temporal's own databases on Postgres (persistence and visibility), created if missing and
// brought to the schema of the server build with its SQL tool: `setup-schema -v 0.0` (version
// tables only) then `update-schema` from the schemas embedded in the tool. Both are idempotent.
import { spawn } from 'node:child_process';
import pg from 'pg';

export interface TemporalDatabases {
  /** Persistence: executions, history, task queues. */
  temporal: string;
  visibility: string;
}

const EMBEDDED_SCHEMA: Record<keyof TemporalDatabases, string> = {
  temporal: 'postgresql/v12/temporal',
  visibility: 'postgresql/v12/visibility',
};

const DATABASE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Creates each database on the server of `adminUrl` when missing. */
export async function createDatabases(adminUrl: string, names: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    for (const name of names) {
      if (!DATABASE_NAME.test(name)) throw new Error(`database name ${JSON.stringify(name)}: lower-case letters, digits and _ only`);
      const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (rowCount) continue;
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`).catch((error: { code?: string }) => {
        if (error.code !== '42P04') throw error; // created meanwhile by a concurrent set-up
      });
    }
  } finally {
    await client.end();
  }
}

/** Runs the SQL tool for both databases; the password goes through the environment, not argv. */
export async function setUpTemporalSchema(sqlTool: string, adminUrl: string, databases: TemporalDatabases): Promise<void> {
  const url = new URL(adminUrl);
  const env = { ...process.env, SQL_PASSWORD: decodeURIComponent(url.password) };
  const connection = ['--plugin', 'postgres12', '--ep', url.hostname, '-p', url.port || '5432', '-u', decodeURIComponent(url.username) || 'postgres'];
  for (const kind of ['temporal', 'visibility'] as const) {
    const database = ['--db', databases[kind]];
    await runTool(sqlTool, [...connection, ...database, 'setup-schema', '-v', '0.0'], env);
    await runTool(sqlTool, [...connection, ...database, 'update-schema', '--schema-name', EMBEDDED_SCHEMA[kind]], env);
  }
}

function runTool(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`temporal-sql-tool ${args.slice(-3).join(' ')} failed (exit ${code}):\n${output}`))));
  });
}
