// Runs one child process for the `command` and `script` kinds: spawned without a shell in its
// own process group, its environment built from an allow-list, stdout/stderr streamed into
// the run's log line by line, and the whole group killed on cancel or timeout.
import { stat } from 'node:fs/promises';
import { KindError, type KindContext } from './types.js';
import { LineSplitter, OutputTail } from './process-output.js';
import { spawnGroup } from './process-group.js';

/** How much of stdout and stderr a result (and an error) keeps: the last 64 KB of each. */
export const OUTPUT_TAIL_BYTES = 64 * 1024;
/** Stderr lines quoted in the message of a failed command. */
export const ERROR_STDERR_LINES = 20;
/** The setting naming the worker's environment variables a command may see besides PATH. */
export const COMMAND_ENV_ALLOW = 'CONVEYOR_COMMAND_ENV_ALLOW';

export interface ProcessSpec {
  file: string;
  args: readonly string[];
  cwd?: string;
  env?: Readonly<Record<string, string>>;
  timeoutMs?: number;
  /** How the process is named in messages (`command "ls"`, `python3 script`). */
  label: string;
}

export interface ProcessOutcome {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The last stderr lines, for an error message. */
  stderrLines: string[];
}

/**
 * The child's environment: PATH and the names `CONVEYOR_COMMAND_ENV_ALLOW` lists (comma or
 * space separated) from the worker's own environment, then the spec's `env`. Nothing else of
 * the worker's environment (its database URL, its API keys) reaches the child.
 */
export function childEnvironment(spec: Readonly<Record<string, string>> | undefined, settings: KindContext['env'], parent: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  const names = ['PATH', ...(settings[COMMAND_ENV_ALLOW] ?? '').split(/[\s,]+/).filter(Boolean)];
  for (const name of names) {
    const value = parent[name];
    if (value !== undefined) env[name] = value;
  }
  return { ...env, ...spec };
}

async function checkCwd(cwd: string | undefined): Promise<void> {
  if (cwd === undefined) return;
  const info = await stat(cwd).catch(() => undefined);
  if (!info?.isDirectory()) throw new KindError(`cwd ${JSON.stringify(cwd)} is not a directory`, 'permanent', { type: 'InvalidCwd' });
}

/** Runs the process to its end; throws KindError when it cannot start, times out or is cancelled. */
export async function runProcess(spec: ProcessSpec, ctx: KindContext): Promise<ProcessOutcome> {
  await checkCwd(spec.cwd);
  if (ctx.signal.aborted) throw new KindError(`${spec.label} cancelled before it started`, 'transient', { type: 'Cancelled' });
  const group = spawnGroup(spec.file, spec.args, { cwd: spec.cwd, env: childEnvironment(spec.env, ctx.env) });
  const tails = { stdout: new OutputTail(OUTPUT_TAIL_BYTES), stderr: new OutputTail(OUTPUT_TAIL_BYTES) };
  const stdoutLines = new LineSplitter((line) => ctx.log('info', line));
  const stderrLines = new LineSplitter((line) => ctx.log('warn', line));
  group.child.stdout!.on('data', (chunk: Buffer) => {
    tails.stdout.push(chunk);
    stdoutLines.push(chunk);
  });
  group.child.stderr!.on('data', (chunk: Buffer) => {
    tails.stderr.push(chunk);
    stderrLines.push(chunk);
  });

  let stopped: 'timeout' | 'cancelled' | undefined;
  const stop = (why: 'timeout' | 'cancelled') => {
    stopped ??= why;
    group.terminate();
  };
  const onAbort = () => stop('cancelled');
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  const timer = spec.timeoutMs === undefined ? undefined : setTimeout(() => stop('timeout'), spec.timeoutMs);
  let ended: { code: number | null; signal: NodeJS.Signals | null };
  try {
    ended = await group.closed;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'not found' : code === 'EACCES' ? 'not executable' : (error as Error).message;
    throw new KindError(`${spec.label} could not start: ${JSON.stringify(spec.file)} ${reason}`, 'permanent', { type: 'SpawnError' });
  } finally {
    clearTimeout(timer);
    ctx.signal.removeEventListener('abort', onAbort);
  }
  stdoutLines.end();
  stderrLines.end();
  if (stopped === 'timeout') {
    throw new KindError(`${spec.label} timed out after ${spec.timeoutMs} ms; its process group was killed`, 'transient', { type: 'CommandTimeout' });
  }
  if (stopped === 'cancelled') throw new KindError(`${spec.label} cancelled; its process group was killed`, 'transient', { type: 'Cancelled' });
  return {
    exitCode: ended.code,
    signal: ended.signal,
    stdout: tails.stdout.text(),
    stderr: tails.stderr.text(),
    stderrLines: tails.stderr.lastLines(ERROR_STDERR_LINES),
  };
}
