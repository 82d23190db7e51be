import type { Kysely } from 'kysely';
import type { Database, Webhook } from './schema.js';

// Repository functions take `db` so they also work inside a transaction.
type Db = Kysely<Database>;

/** What may be shown: everything but the secret. */
export type WebhookSummary = Omit<Webhook, 'secret'>;

export async function insertWebhook(db: Db, hook: { id: string; task: string; target: 'task' | 'workflow'; secret: string }): Promise<Webhook> {
  return db.insertInto('webhooks').values(hook).returningAll().executeTakeFirstOrThrow();
}

/** With the secret: only for verifying a delivery's signature. */
export async function findWebhook(db: Db, id: string): Promise<Webhook | undefined> {
  return db.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listWebhooks(db: Db): Promise<WebhookSummary[]> {
  return db.selectFrom('webhooks').select(['id', 'task', 'target', 'created_at']).orderBy('created_at', 'desc').orderBy('id').execute();
}

export async function deleteWebhook(db: Db, id: string): Promise<boolean> {
  const result = await db.deleteFrom('webhooks').where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}
