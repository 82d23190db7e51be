// The zod schema of a workflow definition: what the API accepts as JSON. It checks
// shape only; graph rules (cycles, references, joins, known tasks) are validate.ts.
// This module uses zod, so workflow (sandbox) code must only `import type` from it.
import { z } from 'zod';
import { durationSchema } from '../tasks/duration-schema.js';
import { isKindNodeType } from './kind-node.js';
import { nodeProblems } from './node-rules.js';
import { concurrencySchema, type ConcurrencyConfig } from '../tasks/concurrency.js';
import { ExpressionError, parseExpression, referencedNodes } from './expression.js';
import { SLUG_PATTERN, SLUG_RULE } from '../runs/slug.js';
import { MAX_EDGES, MAX_NODES, type DagDefinition, type DagError, type DagNode } from './types.js';

export type * from './types.js';

const duration = durationSchema;
const nodeId = z.string().min(1).max(64);

const retrySchema = z.strictObject({
  maxAttempts: z.number().int().min(1).max(1000).optional(),
  initialDelay: duration.optional(),
  backoffFactor: z.number().min(1).optional(),
  maxDelay: duration.optional(),
});

// One object with every field any node kind may have; which fields go with which kind
// is decided by nodeProblems, shared with validate.ts so both report the same words.
// A kind node (`"type": "http"`, …) also carries its kind's fields, checked by the kind's
// schema at validation (validate.ts `kindProblems`); any other node has only these keys.
const NODE_KEYS = ['id', 'task', 'type', 'inputs', 'retry', 'timeout', 'join', 'duration', 'concurrency'];
const nodeSchema = z
  .looseObject({
    id: nodeId,
    task: z.string().optional(),
    type: z.string().optional(),
    inputs: z.record(z.string(), z.json()).optional(),
    retry: retrySchema.optional(),
    // Any string: a kind node's timeout may be a template; nodeProblems says which form each node takes.
    timeout: z.union([duration, z.string(), z.strictObject({ attempt: duration.optional(), run: duration.optional() })]).optional(),
    join: z.union([z.literal('all'), z.literal('any'), z.strictObject({ atLeast: z.number().int() })]).optional(),
    duration: duration.optional(),
    concurrency: concurrencySchema.optional(),
  })
  .superRefine((node, ctx) => {
    const unknown = isKindNodeType(node.type) ? [] : Object.keys(node).filter((key) => !NODE_KEYS.includes(key));
    if (unknown.length > 0) {
      const keys = unknown.map((key) => JSON.stringify(key)).join(', ');
      ctx.addIssue({ code: 'unrecognized_keys', keys: unknown, message: `Unrecognized key${unknown.length > 1 ? 's' : ''}: ${keys}` });
    }
    for (const message of nodeProblems(node)) ctx.addIssue({ code: 'custom', message });
    for (const message of nodeConcurrencyProblems(node.concurrency)) ctx.addIssue({ code: 'custom', message, path: ['concurrency'] });
  })
  .transform((node) => node as DagNode);

/** A node's limits: its key must parse; replacing another run's node (`cancel-in-progress`) is a task run's option only. */
function nodeConcurrencyProblems(concurrency: ConcurrencyConfig | undefined): string[] {
  if (!concurrency) return [];
  const problems: string[] = [];
  if (concurrency.onLimit === 'cancel-in-progress') problems.push('onLimit cancel-in-progress applies to task runs, not to DAG nodes');
  if (concurrency.key !== undefined) {
    try {
      parseExpression(concurrency.key);
    } catch (error) {
      if (!(error instanceof ExpressionError)) throw error;
      problems.push(`key: ${error.message}`);
    }
  }
  return problems;
}

/** A workflow's own limit counts whole runs: its key is read from the run's inputs, before any node has run. */
function workflowConcurrencyProblems(concurrency: ConcurrencyConfig | undefined): string[] {
  if (concurrency?.key === undefined) return [];
  try {
    const nodes = referencedNodes(parseExpression(concurrency.key));
    return nodes.length ? [`a workflow's key reads only \`inputs\` (it is evaluated before any node runs), not nodes.${nodes[0]}`] : [];
  } catch (error) {
    if (!(error instanceof ExpressionError)) throw error;
    return [error.message];
  }
}

const edgeSchema = z.strictObject({
  from: nodeId,
  to: nodeId,
  when: z.string().min(1).max(2_000).optional(),
});

export const definitionSchema = z.strictObject({
  slug: z.string().regex(SLUG_PATTERN, SLUG_RULE),
  name: z.string().min(1).max(200).optional(),
  input: z.record(z.string(), z.unknown()).optional(),
  nodes: z.array(nodeSchema).min(1, 'a workflow needs at least one node').max(MAX_NODES, `a workflow has at most ${MAX_NODES} nodes`),
  edges: z.array(edgeSchema).max(MAX_EDGES, `a workflow has at most ${MAX_EDGES} edges`).default([]),
  onFailure: z.enum(['fail_fast', 'continue']).optional(),
  maxParallel: z.number().int().min(1).optional(),
  /** Limits whole runs of this workflow (every version), like a task's `concurrency`. */
  concurrency: concurrencySchema
    .superRefine((c, ctx) => {
      for (const message of workflowConcurrencyProblems(c)) ctx.addIssue({ code: 'custom', message, path: ['key'] });
    })
    .optional(),
});

export type ParseResult = { ok: true; definition: DagDefinition } | { ok: false; errors: DagError[] };

/**
 * Checks the shape of a definition received as JSON. Errors use the same form as
 * validateDefinition (code `invalid_definition`, or `invalid_node` naming the node),
 * so the API can report both kinds the same way.
 */
export function parseDefinition(json: unknown): ParseResult {
  const parsed = definitionSchema.safeParse(json);
  if (parsed.success) return { ok: true, definition: parsed.data as DagDefinition };
  const errors = parsed.error.issues.map((issue): DagError => {
    const where = issue.path.join('.');
    const [top, index] = issue.path;
    if (top === 'nodes' && typeof index === 'number') {
      const raw = (json as { nodes: unknown[] }).nodes[index] as { id?: unknown } | null;
      const id = typeof raw?.id === 'string' ? raw.id : `#${index}`;
      return { code: 'invalid_node', message: `node ${id} (${where}): ${issue.message}`, nodes: [id] };
    }
    return { code: 'invalid_definition', message: where ? `${where}: ${issue.message}` : issue.message, nodes: [] };
  });
  return { ok: false, errors };
}
