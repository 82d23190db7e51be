import { spawn, spawnSync } from 'node:child_process';
import { access, mkdir } from 'node:fs/promises';
import { constants } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const isExecutable = (file: string) => access(file, constants.X_OK).then(() => true, () => false);

/** The first `name` on PATH that answers `--version`. */
export function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    const probe = spawnSync(candidate, ['--version'], { stdio: 'ignore' });
    if (probe.status === 0) return candidate;
  }
  return undefined;
}

/** Where built Temporal binaries are kept, outside the clone so every clone shares them. */
export function defaultCacheDir(): string {
  return path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'conveyor', 'bin');
}

export async function findGo(): Promise<string | undefined> {
  return onPath('go') ?? ((await isExecutable('/usr/local/go/bin/go')) ? '/usr/local/go/bin/go' : undefined);
}

export interface GoInstallOptions {
  go: string;
  /** Packages at one version, e.g. `go.temporal.io/server/cmd/server@v1.29.1`. */
  packages: string[];
  cacheDir: string;
  /** What is being built, for the progress lines ("the Temporal CLI"). */
  label: string;
  print: (line: string) => void;
}

/** `GOBIN=<cacheDir> go install <packages…>`, printing progress every 15 s; returns the build time in ms. */
export async function goInstall({ go, packages, cacheDir, label, print }: GoInstallOptions): Promise<number> {
  await mkdir(cacheDir, { recursive: true });
  print(`Building ${label} once into ${cacheDir} (go install ${packages.join(' ')}); this takes a few minutes…`);
  const started = Date.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(go, ['install', ...packages], { env: { ...process.env, GOBIN: cacheDir }, stdio: ['ignore', 'pipe', 'pipe'] });
    let downloads = 0;
    let tail = '';
    const onOutput = (chunk: Buffer) => {
      tail = (tail + chunk.toString()).slice(-4000);
      downloads += (chunk.toString().match(/go: downloading/g) ?? []).length;
    };
    child.stdout.on('data', onOutput);
    child.stderr.on('data', onOutput);
    const ticker = setInterval(() => print(`  … still building ${label} (${Math.round((Date.now() - started) / 1000)} s, ${downloads} modules downloaded)`), 15_000);
    child.on('error', (error) => {
      clearInterval(ticker);
      reject(error);
    });
    child.on('exit', (code) => {
      clearInterval(ticker);
      if (code === 0) resolve();
      else reject(new Error(`go install ${packages.join(' ')} failed (exit ${code}):\n${tail}`));
    });
  });
  const elapsed = Date.now() - started;
  print(`${label} built in ${Math.round(elapsed / 1000)} s`);
  return elapsed;
}
