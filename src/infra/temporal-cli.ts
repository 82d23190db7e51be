import { spawn, spawnSync } from 'node:child_process';
import { access, mkdir } from 'node:fs/promises';
import { constants } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';

export interface EnsureCliOptions {
  /** TEMPORAL_CLI_PATH, if set: used as is. */
  explicitPath?: string;
  /** Where a built binary is kept, outside the clone so every clone shares it. */
  cacheDir?: string;
  print?: (line: string) => void;
}

const isExecutable = (file: string) => access(file, constants.X_OK).then(() => true, () => false);

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    const probe = spawnSync(candidate, ['--version'], { stdio: 'ignore' });
    if (probe.status === 0) return candidate;
  }
  return undefined;
}

export function defaultCacheDir(): string {
  return path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'conveyor', 'bin');
}

/**
 * Finds the `temporal` CLI: TEMPORAL_CLI_PATH, then PATH, then the cache; else
 * builds it once with `go install` (a few minutes), printing progress.
 */
export async function ensureTemporalCli({ explicitPath, cacheDir = defaultCacheDir(), print = console.log }: EnsureCliOptions = {}): Promise<string> {
  if (explicitPath) {
    if (await isExecutable(explicitPath)) return explicitPath;
    throw new Error(`TEMPORAL_CLI_PATH=${explicitPath} is not an executable file`);
  }
  const cached = path.join(cacheDir, 'temporal');
  if (await isExecutable(cached)) return cached;
  const found = onPath('temporal');
  if (found) return found;

  const go = onPath('go') ?? (await isExecutable('/usr/local/go/bin/go').then((ok) => (ok ? '/usr/local/go/bin/go' : undefined)));
  if (!go) {
    throw new Error(
      'The Temporal CLI was not found. Install it (https://docs.temporal.io/cli), put `temporal` on PATH or set TEMPORAL_CLI_PATH; ' +
        `or install Go and Conveyor builds it with: go install ${TEMPORAL_CLI_MODULE}`,
    );
  }
  await mkdir(cacheDir, { recursive: true });
  print(`Building the Temporal CLI once into ${cacheDir} (go install ${TEMPORAL_CLI_MODULE}); this takes a few minutes…`);
  const started = Date.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(go, ['install', TEMPORAL_CLI_MODULE], { env: { ...process.env, GOBIN: cacheDir }, stdio: ['ignore', 'pipe', 'pipe'] });
    let downloads = 0;
    let tail = '';
    const onOutput = (chunk: Buffer) => {
      tail = (tail + chunk.toString()).slice(-4000);
      downloads += (chunk.toString().match(/go: downloading/g) ?? []).length;
    };
    child.stdout.on('data', onOutput);
    child.stderr.on('data', onOutput);
    const ticker = setInterval(() => print(`  … still building the Temporal CLI (${Math.round((Date.now() - started) / 1000)} s, ${downloads} modules downloaded)`), 15_000);
    child.on('error', (error) => {
      clearInterval(ticker);
      reject(error);
    });
    child.on('exit', (code) => {
      clearInterval(ticker);
      if (code === 0) resolve();
      else reject(new Error(`go install ${TEMPORAL_CLI_MODULE} failed (exit ${code}):\n${tail}`));
    });
  });
  print(`Temporal CLI built in ${Math.round((Date.now() - started) / 1000)} s: ${cached}`);
  return cached;
}
