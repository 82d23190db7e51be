import { sql, type Kysely } from 'kysely';

/** The reconciler walks every open run in id order, a page at a time; this keeps each page an index range. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX runs_open_id_idx ON runs (id) WHERE status IN ('pending', 'running', 'retrying')`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX runs_open_id_idx`.execute(db);
}
