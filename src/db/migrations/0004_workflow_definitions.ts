import { sql, type Kysely } from 'kysely';

/** Versioned DAG workflow definitions and the version of each slug that executes. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE workflow_definitions (
      slug text NOT NULL CHECK (slug ~ '^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$'),
      version integer NOT NULL CHECK (version >= 1),
      definition jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (slug, version)
    )`.execute(db);
  await sql`
    CREATE TABLE workflow_active_versions (
      slug text PRIMARY KEY,
      version integer NOT NULL,
      activated_at timestamptz NOT NULL DEFAULT now(),
      FOREIGN KEY (slug, version) REFERENCES workflow_definitions (slug, version)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE workflow_active_versions`.execute(db);
  await sql`DROP TABLE workflow_definitions`.execute(db);
}
