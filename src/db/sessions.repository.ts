import { createHash, randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';

type Db = Kysely<Database>;

/** Tokens are 256 random bits: SHA-256 is enough, there is nothing to brute-force. */
export const hashSessionToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

export interface CreatedSession {
  /** The cookie's value: given to the browser once, never stored. */
  token: string;
  expiresAt: Date;
}

/** Opens a session for an API key; sessions expired for a day are swept on the way (indexed, so cheap). */
export async function createSession(db: Db, apiKeyId: string, ttlMs: number): Promise<CreatedSession> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + ttlMs);
  await db.deleteFrom('sessions').where('expires_at', '<', sql<Date>`now() - interval '1 day'`).execute();
  await db.insertInto('sessions').values({ token_hash: hashSessionToken(token), api_key_id: apiKeyId, expires_at: expiresAt }).execute();
  return { token, expiresAt };
}

/** The key a live session belongs to: not expired, not revoked, and its key not revoked either. */
export async function findLiveSession(db: Db, token: string): Promise<{ apiKeyId: string } | undefined> {
  const row = await db
    .selectFrom('sessions as s')
    .innerJoin('api_keys as k', 'k.id', 's.api_key_id')
    .select('s.api_key_id')
    .where('s.token_hash', '=', hashSessionToken(token))
    .where('s.revoked_at', 'is', null)
    .where('s.expires_at', '>', sql<Date>`now()`)
    .where('k.revoked_at', 'is', null)
    .executeTakeFirst();
  return row && { apiKeyId: row.api_key_id };
}

export async function revokeSession(db: Db, token: string): Promise<void> {
  await db.updateTable('sessions').set({ revoked_at: sql<Date>`coalesce(revoked_at, now())` }).where('token_hash', '=', hashSessionToken(token)).execute();
}
