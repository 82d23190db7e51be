// Spawns the real `conveyor` CLI (src/cli/main.ts through tsx) as a child process, asynchronously:
// the API under test runs in this process and must keep answering while the CLI waits.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';

export const CLI_MAIN = path.resolve('src/cli/main.ts');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliRun {
  pid: number;
  result: Promise<CliResult>;
  /** What the process has printed so far. */
  output(): { stdout: string; stderr: string };
  /** Resolves once stdout matches (for a test that acts mid-run); rejects if the process ends first. */
  waitForStdout(pattern: RegExp): Promise<string>;
}

export function startCli(args: string[], options: { apiUrl?: string; stdin?: string; env?: Record<string, string | undefined>; timeoutMs?: number } = {}): CliRun {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, CONVEYOR_API_KEY: undefined, ...options.env };
  if (options.apiUrl) env.CONVEYOR_API_URL = options.apiUrl;
  const child = spawn(process.execPath, ['--import', 'tsx', CLI_MAIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(options.stdin ?? '');
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  const result = new Promise<CliResult>((resolve) =>
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
  const output = () => ({ stdout, stderr });
  const waitForStdout = async (pattern: RegExp) => {
    let ended = false;
    void result.then(() => (ended = true));
    while (!pattern.test(stdout)) {
      if (ended) throw new Error(`the CLI ended before printing ${pattern}; stdout: ${stdout}; stderr: ${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    return stdout;
  };
  return { pid: child.pid!, result, output, waitForStdout };
}

export const cli = (args: string[], options: Parameters<typeof startCli>[1] = {}) => startCli(args, options).result;

/** `run` (any outcome) and `ok` (asserts exit 0, returns stdout) against the API at `apiUrl()`. */
export function cliFor(apiUrl: () => string) {
  const run = (args: string[], options: Parameters<typeof startCli>[1] = {}) => cli(args, { apiUrl: apiUrl(), ...options });
  const ok = async (args: string[]) => {
    const out = await run(args);
    assert.equal(out.code, 0, `conveyor ${args.join(' ')}: ${out.stderr}`);
    return out.stdout;
  };
  return { run, ok };
}
