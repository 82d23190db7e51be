// DAG workflow definitions: versioned, validated on create and on activate. (Executing
// them — the dagRun interpreter — is the next step of issue 5.)
import { Router } from 'express';
import { z } from 'zod';
import { parseDefinition, type DagDefinition, type DagError } from '../../dag/definition.js';
import { validateDefinition } from '../../dag/validate.js';
import { taskOptions } from '../../tasks/task-options.js';
import { kindSettings } from '../../config.js';
import { kindSpecProblems } from '../../kinds/index.js';
import { activateVersion, findDefinition, insertDefinitionVersion, listWorkflows, versionsOf, type StoredDefinition } from '../../db/workflows.repository.js';
import type { ApiDeps } from '../deps.js';
import { ApiError, notFound } from '../../services/errors.js';
import { parseBody } from '../../services/validate.js';

const versionQuery = z.strictObject({ version: z.coerce.number().int().min(1).optional() });
const activateBody = z.strictObject({ version: z.number().int().min(1) });

const invalid = (errors: DagError[]) =>
  new ApiError(400, 'invalid_workflow', errors.map((e) => e.message).join('; '), errors.map((e) => ({ code: e.code, message: e.message, nodes: e.nodes })));

function view(stored: StoredDefinition, versions?: number[]) {
  return {
    slug: stored.slug,
    version: stored.version,
    status: stored.active ? 'active' : 'draft',
    definition: stored.definition,
    createdAt: stored.createdAt.toISOString(),
    ...(versions ? { versions } : {}),
  };
}

export function workflowRoutes(deps: ApiDeps): Router {
  const { db, registry } = deps;
  const kindEnv = deps.kindEnv ?? kindSettings(process.env);
  const router = Router();

  /** Shape, then graph rules (cycles, references, joins, known tasks); a 400 names the nodes. */
  const checked = (body: unknown): DagDefinition => {
    const parsed = parseDefinition(body);
    if (!parsed.ok) throw invalid(parsed.errors);
    const errors = validateDefinition(parsed.definition, {
      taskExists: (slug) => registry.get(slug) !== undefined,
      taskPolicy: (slug) => {
        const task = registry.get(slug);
        return task && taskOptions(task);
      },
      kindProblems: (type, fields) => kindSpecProblems(type, fields, { env: kindEnv, allowTemplates: true }),
    });
    if (parsed.definition.input) {
      try {
        z.fromJSONSchema(parsed.definition.input as Parameters<typeof z.fromJSONSchema>[0]);
      } catch (error) {
        errors.push({ code: 'invalid_definition', message: `input: not a usable JSON Schema (${(error as Error).message})`, nodes: [] });
      }
    }
    if (errors.length) throw invalid(errors);
    return parsed.definition;
  };
  const store = async (definition: DagDefinition, expectNew: boolean) => {
    const version = await insertDefinitionVersion(db, definition.slug, definition, expectNew);
    if (version === undefined) {
      if (expectNew) throw new ApiError(409, 'workflow_exists', `workflow ${JSON.stringify(definition.slug)} exists; PUT /api/workflows/${definition.slug} adds a version`);
      throw notFound('workflow', definition.slug);
    }
    return (await findDefinition(db, definition.slug, version))!;
  };

  router.post('/api/workflows', async (req, res) => {
    res.status(201).json(view(await store(checked(req.body), true)));
  });

  router.put('/api/workflows/:slug', async (req, res) => {
    const definition = checked({ ...((req.body ?? {}) as object), slug: (req.body as { slug?: unknown })?.slug ?? req.params.slug });
    if (definition.slug !== req.params.slug) throw new ApiError(400, 'invalid_workflow', `the body's slug ${JSON.stringify(definition.slug)} differs from the path's`);
    res.status(201).json(view(await store(definition, false)));
  });

  router.get('/api/workflows', async (_req, res) => {
    res.json({ workflows: await listWorkflows(db) });
  });

  router.get('/api/workflows/:slug', async (req, res) => {
    const { version } = parseBody(versionQuery, req.query, 'invalid_query');
    const stored = await findDefinition(db, req.params.slug, version);
    if (!stored) throw notFound('workflow', version ? `${req.params.slug}@${version}` : req.params.slug);
    res.json(view(stored, await versionsOf(db, stored.slug)));
  });

  router.post('/api/workflows/:slug/activate', async (req, res) => {
    const { version } = parseBody(activateBody, req.body ?? {});
    const stored = await findDefinition(db, req.params.slug, version);
    if (!stored) throw notFound('workflow', `${req.params.slug}@${version}`);
    // Tasks may have gone since the version was stored: validate again.
    checked(stored.definition);
    await activateVersion(db, stored.slug, stored.version);
    res.json(view({ ...stored, active: true }));
  });
  return router;
}
