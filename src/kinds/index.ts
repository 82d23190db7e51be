// The built-in task kinds by name, and the one validator of a kind's fields used by task
// files (src/tasks/task-file.ts), DAG nodes (API validation and the node activity) and
// kinds run from code: zod errors naming the field, and the CONVEYOR_ALLOW_COMMANDS gate.
import type { z } from 'zod';
import { commandKind } from './command.js';
import { aiKind } from './ai.js';
import { httpKind } from './http.js';
import { webhookKind } from './webhook.js';
import { scriptKind } from './script.js';
import { KindError, type KindContext, type TaskKind } from './types.js';

export * from './types.js';

/** The setting that turns on the kinds that run processes (`command`, `script`); off by default. */
export const ALLOW_COMMANDS = 'CONVEYOR_ALLOW_COMMANDS';

// Each kind checks its own spec with its schema before execute sees it (parseKindSpec): widening is safe.
const widen = <Spec>(kind: TaskKind<Spec>) => kind as unknown as TaskKind<unknown>;
const registered = [widen(httpKind), widen(webhookKind), widen(commandKind), widen(scriptKind), widen(aiKind)];
export const KINDS: ReadonlyMap<string, TaskKind<unknown>> = new Map(registered.map((k) => [k.kind, k]));

export function findKind(name: string): TaskKind<unknown> | undefined {
  return KINDS.get(name);
}

export function commandsAllowed(env: KindContext['env']): boolean {
  return env[ALLOW_COMMANDS] === 'true';
}

/** "command: Invalid input; args.0: expected string" — each issue naming its field. */
function describeIssues(issues: readonly z.core.$ZodIssue[], prefix: string): string[] {
  return issues.map((issue) => {
    const field = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    return field ? `${field}: ${issue.message}` : issue.message;
  });
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

const hasTemplate = (value: unknown): boolean => typeof value === 'string' && value.includes('{{');

export interface SpecCheckOptions {
  /** The settings in force (CONVEYOR_ALLOW_COMMANDS). */
  env: KindContext['env'];
  /** Definitions: a field holding a `{{ … }}` template is checked once rendered, at run time. */
  allowTemplates?: boolean;
  /** Prefixed to field names in messages (a task file's fields sit at its top level: none). */
  prefix?: string;
}

/** Everything wrong with a kind's fields, each naming its field; empty when they may run. */
export function kindSpecProblems(kindName: string, spec: unknown, options: SpecCheckOptions): string[] {
  const kind = findKind(kindName);
  if (!kind) return [`kind: unknown kind ${JSON.stringify(kindName)} (known: ${[...KINDS.keys()].join(', ')})`];
  if (kind.requiresCommands && !commandsAllowed(options.env)) {
    return [`kind: "${kind.kind}" runs processes on the worker and is off; set ${ALLOW_COMMANDS}=true to allow it`];
  }
  const parsed = kind.schema.safeParse(spec);
  if (parsed.success) return [];
  const issues = options.allowTemplates ? parsed.error.issues.filter((issue) => !hasTemplate(valueAt(spec, issue.path))) : parsed.error.issues;
  return describeIssues(issues, options.prefix ?? '');
}

/** A kind's fields checked and parsed (defaults applied) for execution; a KindError (permanent) names the field. */
export function parseKindSpec(kindName: string, spec: unknown, env: KindContext['env']): { kind: TaskKind<unknown>; spec: unknown } {
  const problems = kindSpecProblems(kindName, spec, { env });
  if (problems.length > 0) throw new KindError(`invalid ${kindName} spec: ${problems.join('; ')}`, 'permanent', { type: 'InvalidSpec' });
  const kind = findKind(kindName)!;
  return { kind, spec: kind.schema.parse(spec) };
}
