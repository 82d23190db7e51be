import { sql, type Kysely } from 'kysely';

/** A webhook starts a task run or a DAG workflow run; `task` holds the target's slug. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE webhooks ADD COLUMN target text NOT NULL DEFAULT 'task' CHECK (target IN ('task', 'workflow'))`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE webhooks DROP COLUMN target`.execute(db);
}
