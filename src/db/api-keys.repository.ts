import { createHash, randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { ApiKey, Database } from './schema.js';

// Repository functions take `db` so they also work inside a transaction.
type Db = Kysely<Database>;

const KEY_PREFIX = 'cvk_';
/** Enough of the key to tell keys apart in a listing, far too little to guess the rest (32 random bytes). */
const VISIBLE_CHARS = KEY_PREFIX.length + 6;

/** SHA-256 is enough here: keys are 256 random bits, so there is nothing to brute-force, unlike passwords. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export interface CreatedApiKey {
  /** The key itself: shown once, never stored. */
  key: string;
  apiKey: ApiKey;
}

export async function createApiKey(db: Db, name: string): Promise<CreatedApiKey> {
  const key = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { key, apiKey: await insertApiKey(db, name, key) };
}

/** An operator's own key (not `cvk_…`) shows only its first characters: most of it must stay unknown. */
function visiblePrefix(key: string): string {
  return key.startsWith(KEY_PREFIX) ? key.slice(0, VISIBLE_CHARS) : key.slice(0, 4);
}

function insertApiKey(db: Db, name: string, key: string): Promise<ApiKey> {
  return db
    .insertInto('api_keys')
    .values({ id: `key_${randomBytes(8).toString('hex')}`, name, key_hash: hashApiKey(key), prefix: visiblePrefix(key) })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * Stores `key` (hashed) only while no API key exists at all, under a transaction-scoped advisory
 * lock, so API replicas starting at once store it once. Once any key exists it does nothing, so a
 * revoked bootstrap key stays revoked across restarts. Returns the stored row, or undefined.
 */
export async function storeFirstApiKey(db: Db, name: string, key: string): Promise<ApiKey | undefined> {
  return db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(hashtext('conveyor_first_api_key'))`.execute(trx);
    if (await anyApiKeyExists(trx)) return undefined;
    return insertApiKey(trx, name, key);
  });
}

/** A revoked key is never found: it stops working on the very next request. */
export async function findApiKeyByHash(db: Db, keyHash: string): Promise<ApiKey | undefined> {
  return db.selectFrom('api_keys').selectAll().where('key_hash', '=', keyHash).where('revoked_at', 'is', null).executeTakeFirst();
}

/** Every key, revoked ones included, oldest first. */
export async function listApiKeys(db: Db): Promise<ApiKey[]> {
  return db.selectFrom('api_keys').selectAll().orderBy('created_at').orderBy('id').execute();
}

/** Marks a key revoked (the row stays, so enforcement never turns off); undefined for an unknown id. */
export async function revokeApiKey(db: Db, id: string): Promise<ApiKey | undefined> {
  return db
    .updateTable('api_keys')
    .set({ revoked_at: sql<Date>`coalesce(revoked_at, now())` })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

export async function anyApiKeyExists(db: Db): Promise<boolean> {
  const row = await db.selectFrom('api_keys').select('id').limit(1).executeTakeFirst();
  return row !== undefined;
}

/** At most one write per key and minute: a busy client must not turn every request into an UPDATE. */
export async function touchApiKey(db: Db, id: string): Promise<void> {
  await db
    .updateTable('api_keys')
    .set({ last_used_at: sql<Date>`now()` })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', sql<Date>`now() - interval '1 minute'`)]))
    .execute();
}
