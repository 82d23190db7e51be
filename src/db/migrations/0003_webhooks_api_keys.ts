import { sql, type Kysely } from 'kysely';

/** API keys (only a SHA-256 hash of each key is kept) and signed webhooks that start runs of one task. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE api_keys (
      id text PRIMARY KEY,
      name text NOT NULL,
      key_hash text NOT NULL UNIQUE,
      prefix text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      last_used_at timestamptz
    )`.execute(db);
  // The webhook's secret is kept as is: verifying an HMAC needs the secret itself, not a hash of it.
  await sql`
    CREATE TABLE webhooks (
      id text PRIMARY KEY,
      task text NOT NULL,
      secret text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE webhooks, api_keys`.execute(db);
}
