import path from 'node:path';
import { defaultCacheDir, findGo, goInstall, isExecutable, onPath } from './go-install.js';

export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';

export interface EnsureCliOptions {
  /** TEMPORAL_CLI_PATH, if set: used as is. */
  explicitPath?: string;
  /** Where a built binary is kept, outside the clone so every clone shares it. */
  cacheDir?: string;
  print?: (line: string) => void;
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

  const go = await findGo();
  if (!go) {
    throw new Error(
      'The Temporal CLI was not found. Install it (https://docs.temporal.io/cli), put `temporal` on PATH or set TEMPORAL_CLI_PATH; ' +
        `or install Go and Conveyor builds it with: go install ${TEMPORAL_CLI_MODULE}`,
    );
  }
  await goInstall({ go, packages: [TEMPORAL_CLI_MODULE], cacheDir, label: 'the Temporal CLI', print });
  print(`Temporal CLI: ${cached}`);
  return cached;
}
