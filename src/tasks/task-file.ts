// Declarative task files: `<name>.task.json` or `.task.yaml` in the tasks folder, a task that
// runs a built-in kind (src/kinds) without code:
//   {slug, name?, description?, kind, input? (JSON Schema), retry?, timeout?, heartbeatTimeout?,
//    concurrency?, …the kind's fields}
// `timeout` is the task's `{attempt?, run?}` as in code, or a duration: the kind's own timeout
// (a command's, a request's), the attempt then getting that plus a margin to clean up.
import { readFile } from 'node:fs/promises';
import { load as loadYaml } from 'js-yaml';
import { z } from 'zod';
import { ExpressionError } from '../dag/expression.js';
import { templateReferences } from '../dag/template.js';
import { kindSpecProblems, type KindContext } from '../kinds/index.js';
import { KILL_GRACE_MS } from '../kinds/process-group.js';
import { TASK_DEFAULTS, type Task } from './define.js';
import { isDuration, toMs, type Duration } from './duration.js';
import { TaskDefinitionError } from './errors.js';
import { kindTask } from './kind-task.js';

export const TASK_FILE_PATTERN = /^[^._][^/]*\.task\.(json|ya?ml)$/;

/** The fields that are the task's, not the kind's. */
const TASK_FIELDS = ['slug', 'name', 'description', 'kind', 'input', 'retry', 'timeout', 'heartbeatTimeout', 'concurrency'] as const;

const headerSchema = z.looseObject({
  kind: z.string({ error: 'required: a built-in kind such as "command" or "http"' }),
  input: z.record(z.string(), z.unknown()).optional(),
});

/** The attempt timeout of a kind given its own timeout: that plus a kill's grace and a margin. */
export function attemptTimeoutFor(kindTimeout: Duration): number {
  return Math.max(toMs(TASK_DEFAULTS.timeout.attempt), toMs(kindTimeout) + KILL_GRACE_MS + 10_000);
}

function fail(file: string, field: string | undefined, message: string): never {
  throw new TaskDefinitionError(`${file}: ${field ? `${field}: ` : ''}${message}`);
}

async function readTaskFile(file: string): Promise<Record<string, unknown>> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => fail(file, undefined, `cannot be read: ${error.code ?? error.message}`));
  const yaml = !file.endsWith('.json');
  let value: unknown;
  try {
    value = yaml ? loadYaml(text) : JSON.parse(text);
  } catch (error) {
    fail(file, undefined, `is not valid ${yaml ? 'YAML' : 'JSON'}: ${(error as Error).message.split('\n')[0]}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(file, undefined, 'a task file holds an object: {slug, kind, …}');
  return value as Record<string, unknown>;
}

/** The input schema of a task file: its JSON Schema as zod, checked like a code task's. */
function inputSchema(file: string, schema: Record<string, unknown> | undefined): z.ZodType | undefined {
  if (schema === undefined) return undefined;
  try {
    return z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
  } catch (error) {
    return fail(file, 'input', `not a usable JSON Schema (${(error as Error).message})`);
  }
}

/** Loads one task file; any problem throws a TaskDefinitionError naming the file and the field. */
export async function loadTaskFile(file: string, env: KindContext['env']): Promise<Task> {
  const raw = await readTaskFile(file);
  const header = headerSchema.safeParse(raw);
  if (!header.success) {
    const issue = header.error.issues[0];
    fail(file, issue.path.map(String).join('.') || undefined, issue.message);
  }
  const fields: Record<string, unknown> = Object.fromEntries(Object.entries(raw).filter(([key]) => !(TASK_FIELDS as readonly string[]).includes(key)));
  const kindTimeout = typeof raw.timeout === 'object' ? undefined : raw.timeout;
  if (kindTimeout !== undefined) fields.timeout = kindTimeout;

  const problems = kindSpecProblems(header.data.kind, fields, { env, allowTemplates: true });
  if (problems.length > 0) fail(file, undefined, problems.join('; '));
  try {
    const refs = templateReferences(fields, header.data.kind);
    if (refs.nodes.length > 0) fail(file, undefined, `templates may read inputs only; nodes.${refs.nodes[0]} exists in DAG workflows`);
  } catch (error) {
    if (!(error instanceof ExpressionError)) throw error;
    fail(file, undefined, error.message);
  }

  // A templated kind timeout is known only at run time: the attempt keeps the default then.
  const policyTimeout = typeof raw.timeout === 'object' && raw.timeout !== null ? raw.timeout : isDuration(kindTimeout) ? { attempt: attemptTimeoutFor(kindTimeout) } : undefined;
  const input = inputSchema(file, header.data.input);
  try {
    return kindTask({
      slug: raw.slug as string,
      name: raw.name as string | undefined,
      description: raw.description as string | undefined,
      input,
      // Checked by defineTask, which names the field.
      retry: raw.retry as never,
      timeout: policyTimeout as never,
      heartbeatTimeout: raw.heartbeatTimeout as never,
      concurrency: raw.concurrency as never,
      kind: header.data.kind,
      fields,
      env,
    });
  } catch (error) {
    if (error instanceof TaskDefinitionError) fail(file, undefined, error.message);
    throw error;
  }
}
