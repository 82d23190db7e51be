// The `command` kind: runs one executable with an argument list (never a shell), in its own
// process group, with an allow-listed environment; its output streams into the run's log.
import { z } from 'zod';
import { durationMsSchema } from '../tasks/duration-schema.js';
import { KindError, type KindContext, type TaskKind } from './types.js';
import { runProcess, type ProcessOutcome } from './process-run.js';

/** Environment variable names a spec may set (no `=` or NUL, which cannot be passed). */
const envName = z.string().regex(/^[^=\0]+$/, 'an environment variable name holds no "=" or NUL');

/** The fields every process-running kind (command, script) shares. */
export const processFields = {
  args: z.array(z.string()).default([]),
  cwd: z.string().min(1).optional(),
  env: z.record(envName, z.string()).optional(),
  timeout: durationMsSchema('timeout', 1).optional(),
  /** A non-zero exit returns `{exitCode, stdout, stderr}` instead of failing the attempt. */
  allowFailure: z.boolean().default(false),
  /** Exit codes that fail the attempt as `transient` (retried); any other non-zero exit is `permanent`. */
  retryExitCodes: z.array(z.number().int()).optional(),
};

export const commandSpecSchema = z.strictObject({
  command: z.string().min(1, 'command must name an executable'),
  ...processFields,
});
export type CommandSpec = z.output<typeof commandSpecSchema>;

export interface ProcessResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The result of a finished process, or the KindError its exit means: a non-zero exit is
 * `permanent` (running the same command again rarely helps) unless `retryExitCodes` lists it;
 * a death by a signal nobody here sent (the OOM killer) is `transient`.
 */
export function processResult(outcome: ProcessOutcome, label: string, options: { allowFailure: boolean; retryExitCodes?: readonly number[] }): ProcessResult {
  const result = { exitCode: outcome.exitCode, stdout: outcome.stdout, stderr: outcome.stderr };
  if (outcome.exitCode === 0 || options.allowFailure) return result;
  const stderr = outcome.stderrLines.length > 0 ? `; last stderr lines:\n${outcome.stderrLines.join('\n')}` : '; no stderr output';
  if (outcome.exitCode === null) {
    throw new KindError(`${label} was killed by ${outcome.signal ?? 'a signal'}${stderr}`, 'transient', { type: 'CommandKilled' });
  }
  const errorClass = options.retryExitCodes?.includes(outcome.exitCode) ? 'transient' : 'permanent';
  throw new KindError(`${label} exited with code ${outcome.exitCode}${stderr}`, errorClass, { type: 'CommandFailed' });
}

export const commandKind: TaskKind<CommandSpec> = {
  kind: 'command',
  schema: commandSpecSchema,
  requiresCommands: true,
  async execute(spec: CommandSpec, ctx: KindContext) {
    const label = `command ${JSON.stringify(spec.command)}`;
    const outcome = await runProcess({ file: spec.command, args: spec.args, cwd: spec.cwd, env: spec.env, timeoutMs: spec.timeout, label }, ctx);
    return processResult(outcome, label, spec);
  },
};
