// The `script` kind: source text run by an interpreter. The source goes to a private temp
// file (a 0700 directory of its own, the file 0600), runs like a command, and is removed
// afterwards, whatever the outcome.
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { processFields, processResult } from './command.js';
import { runProcess } from './process-run.js';
import type { KindContext, TaskKind } from './types.js';

export const INTERPRETERS = { node: '.mjs', bash: '.sh', python3: '.py' } as const;
type Interpreter = keyof typeof INTERPRETERS;

export const scriptSpecSchema = z.strictObject({
  interpreter: z.enum(Object.keys(INTERPRETERS) as [Interpreter, ...Interpreter[]]),
  source: z.string().min(1, 'source must not be empty'),
  ...processFields,
});
export type ScriptSpec = z.output<typeof scriptSpecSchema>;

/** Where a script's file is written: a fresh directory only this user can enter. */
async function writeScript(spec: ScriptSpec): Promise<{ dir: string; file: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'conveyor-script-'));
  await chmod(dir, 0o700);
  const file = path.join(dir, `script${INTERPRETERS[spec.interpreter]}`);
  try {
    await writeFile(file, spec.source, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return { dir, file };
}

export const scriptKind: TaskKind<ScriptSpec> = {
  kind: 'script',
  schema: scriptSpecSchema,
  requiresCommands: true,
  async execute(spec: ScriptSpec, ctx: KindContext) {
    const { dir, file } = await writeScript(spec);
    const label = `${spec.interpreter} script`;
    ctx.log('system', `${label} written to ${file}`);
    try {
      const outcome = await runProcess({ file: spec.interpreter, args: [file, ...spec.args], cwd: spec.cwd, env: spec.env, timeoutMs: spec.timeout, label }, ctx);
      return processResult(outcome, label, spec);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};
