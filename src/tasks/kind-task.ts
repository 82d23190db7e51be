// A task that runs a built-in kind (src/kinds): what a task file declares, and what a DAG
// kind node executes. It has a code task's policy, logs, retries and cancellation; its run
// renders `{{ inputs.x }}` templates in the kind's fields (task files), checks them with the
// kind's schema and calls the kind.
import type { z } from 'zod';
import { resolveTemplates } from '../dag/template.js';
import { kindContextFromMl } from '../kinds/ml-context.js';
import { parseKindSpec, type KindContext } from '../kinds/index.js';
import { defineTask, type Task, type TaskConfig } from './define.js';

export interface KindTaskConfig extends Omit<TaskConfig, 'fn' | 'input'> {
  kind: string;
  /** The kind's fields as written, templates included. */
  fields: Record<string, unknown>;
  input?: z.ZodType;
  env: KindContext['env'];
}

/** Runs `kind` with `fields` (already rendered) for a task's `ml`. */
export async function runKind(ml: Parameters<Task['fn']>[0], kindName: string, fields: unknown, env: KindContext['env']): Promise<unknown> {
  const { kind, spec } = parseKindSpec(kindName, fields, env);
  return (await kind.execute(spec, kindContextFromMl(ml, env))) ?? null;
}

export function kindTask({ kind, fields, env, ...config }: KindTaskConfig): Task {
  return defineTask({
    ...config,
    fn: (ml, inputs) => runKind(ml, kind, resolveTemplates(fields, { inputs, nodes: {} }, kind), env),
  });
}
