import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';

type Db = Kysely<Database>;

export interface StoredDefinition {
  slug: string;
  version: number;
  definition: unknown;
  createdAt: Date;
  active: boolean;
}

/**
 * Stores `definition` as the next version of `slug` (1 for a new slug) in one statement;
 * `expectNew` refuses a slug that exists. Returns undefined when the slug's existence
 * does not match what the caller expected (or a concurrent writer took the version).
 */
export async function insertDefinitionVersion(db: Db, slug: string, definition: unknown, expectNew: boolean): Promise<number | undefined> {
  const row = await sql<{ version: number }>`
    INSERT INTO workflow_definitions (slug, version, definition)
    SELECT ${slug}, coalesce(max(version), 0) + 1, ${JSON.stringify(definition)}::jsonb
    FROM workflow_definitions WHERE slug = ${slug}
    HAVING (count(*) = 0) = ${expectNew}
    ON CONFLICT (slug, version) DO NOTHING
    RETURNING version`.execute(db);
  return row.rows[0]?.version;
}

/** One version, or the latest when `version` is omitted. */
export async function findDefinition(db: Db, slug: string, version?: number): Promise<StoredDefinition | undefined> {
  let query = db
    .selectFrom('workflow_definitions as d')
    .leftJoin('workflow_active_versions as a', (join) => join.onRef('a.slug', '=', 'd.slug').onRef('a.version', '=', 'd.version'))
    .select(['d.slug', 'd.version', 'd.definition', 'd.created_at', 'a.version as active_version'])
    .where('d.slug', '=', slug);
  query = version === undefined ? query.orderBy('d.version', 'desc').limit(1) : query.where('d.version', '=', version);
  const row = await query.executeTakeFirst();
  return row && { slug: row.slug, version: row.version, definition: row.definition, createdAt: row.created_at, active: row.active_version !== null };
}

/** The version of `slug` that executes, if one is active. */
export async function findActiveDefinition(db: Db, slug: string): Promise<StoredDefinition | undefined> {
  const active = await db.selectFrom('workflow_active_versions').select('version').where('slug', '=', slug).executeTakeFirst();
  return active ? findDefinition(db, slug, active.version) : undefined;
}

export interface WorkflowSummary {
  slug: string;
  latestVersion: number;
  activeVersion: number | null;
  name: string | null;
}

export async function listWorkflows(db: Db): Promise<WorkflowSummary[]> {
  const rows = await db
    .selectFrom('workflow_definitions as d')
    .leftJoin('workflow_active_versions as a', 'a.slug', 'd.slug')
    .select((eb) => ['d.slug', eb.fn.max('d.version').as('latest'), eb.fn.max('a.version').as('active')])
    .select(sql<string | null>`(array_agg(d.definition->>'name' ORDER BY d.version DESC))[1]`.as('name'))
    .groupBy('d.slug')
    .orderBy('d.slug')
    .execute();
  return rows.map((r) => ({ slug: r.slug, latestVersion: Number(r.latest), activeVersion: r.active === null ? null : Number(r.active), name: r.name }));
}

export async function versionsOf(db: Db, slug: string): Promise<number[]> {
  const rows = await db.selectFrom('workflow_definitions').select('version').where('slug', '=', slug).orderBy('version').execute();
  return rows.map((r) => r.version);
}

/** Makes `version` the one that executes; runs already started stay on theirs. */
export async function activateVersion(db: Db, slug: string, version: number): Promise<void> {
  await db
    .insertInto('workflow_active_versions')
    .values({ slug, version })
    .onConflict((oc) => oc.column('slug').doUpdateSet({ version, activated_at: sql`now()` }))
    .execute();
}

/** Every workflow whose active version limits its runs or its nodes (`concurrency` on either), with those configs (GET /api/queues). */
export async function limitedWorkflows(db: Db): Promise<Array<{ slug: string; concurrency: unknown; nodes: Array<{ id: string; concurrency: unknown }> }>> {
  const { rows } = await sql<{ slug: string; concurrency: unknown; nodes: Array<{ id: string; concurrency: unknown }> }>`
    SELECT d.slug, d.definition->'concurrency' AS concurrency,
           (SELECT coalesce(jsonb_agg(jsonb_build_object('id', n->>'id', 'concurrency', n->'concurrency')), '[]'::jsonb)
              FROM jsonb_array_elements(d.definition->'nodes') n WHERE n ? 'concurrency') AS nodes
      FROM workflow_active_versions a JOIN workflow_definitions d ON d.slug = a.slug AND d.version = a.version
     WHERE d.definition ? 'concurrency' OR jsonb_path_exists(d.definition, '$.nodes[*].concurrency')
     ORDER BY d.slug`.execute(db);
  return rows;
}
