import type { Kysely } from 'kysely';
import { createDb } from '../src/db/connect.js'; import { migrateToLatest } from '../src/db/migrate.js';
const db = createDb({ url: process.argv[2], max: 1 }); await migrateToLatest(db as unknown as Kysely<unknown>); await db.destroy();
