import { Client, Connection } from '@temporalio/client';
import type { Kysely } from 'kysely';
import { createDb } from './db/connect.js';
import { migrateToLatest } from './db/migrate.js';
import type { Database } from './db/schema.js';
import type { Config } from './config.js';
import type { Logger } from './logger.js';

/** Connects to Postgres and brings the schema up to date; a failed migration stops start-up. */
export async function openDatabase(url: string, logger: Logger, poolSize?: number): Promise<Kysely<Database>> {
  const db = createDb({ url, max: poolSize });
  try {
    const applied = await migrateToLatest(db as unknown as Kysely<unknown>);
    if (applied.length) logger.info({ applied }, 'database migrated');
    return db;
  } catch (error) {
    await db.destroy();
    throw error;
  }
}

export async function connectClient(config: Config, address: string): Promise<Client> {
  const connection = await Connection.connect({ address });
  return new Client({ connection, namespace: config.temporal.namespace });
}

export function requireEnv(value: string | undefined, name: string, why: string): string {
  if (!value) throw new Error(`${name} is not set: ${why}`);
  return value;
}
