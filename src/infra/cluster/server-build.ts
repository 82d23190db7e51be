// The full Temporal server and its SQL schema tool, built once with Go into the same cache as
// the CLI (`~/.cache/conveyor/bin`), under versioned names so an upgrade builds again.
import { rename } from 'node:fs/promises';
import path from 'node:path';
import { defaultCacheDir, findGo, goInstall, isExecutable } from '../go-install.js';

export const TEMPORAL_SERVER_VERSION = 'v1.29.1';
const SERVER_PACKAGE = 'go.temporal.io/server/cmd/server';
const SQL_TOOL_PACKAGE = 'go.temporal.io/server/cmd/tools/sql';

export interface TemporalServerBinaries {
  /** `temporal-server-<version>` (go install names it `server`). */
  server: string;
  /** `temporal-sql-tool-<version>` (go install names it `sql`); its schemas are embedded (`--schema-name`). */
  sqlTool: string;
  /** How long this call spent building; 0 when both were cached. */
  buildMs: number;
}

export async function ensureTemporalServer({ cacheDir = defaultCacheDir(), print = console.log }: { cacheDir?: string; print?: (line: string) => void } = {}): Promise<TemporalServerBinaries> {
  const server = path.join(cacheDir, `temporal-server-${TEMPORAL_SERVER_VERSION}`);
  const sqlTool = path.join(cacheDir, `temporal-sql-tool-${TEMPORAL_SERVER_VERSION}`);
  if ((await isExecutable(server)) && (await isExecutable(sqlTool))) return { server, sqlTool, buildMs: 0 };
  const go = await findGo();
  if (!go) throw new Error(`The Temporal server is built with Go (go install ${SERVER_PACKAGE}@${TEMPORAL_SERVER_VERSION}); install Go first`);
  const buildMs = await goInstall({
    go,
    packages: [`${SERVER_PACKAGE}@${TEMPORAL_SERVER_VERSION}`, `${SQL_TOOL_PACKAGE}@${TEMPORAL_SERVER_VERSION}`],
    cacheDir,
    label: `the Temporal server ${TEMPORAL_SERVER_VERSION}`,
    print,
  });
  await moveInto(path.join(cacheDir, 'server'), server);
  await moveInto(path.join(cacheDir, 'sql'), sqlTool);
  return { server, sqlTool, buildMs };
}

/** A concurrent build may have moved it already: then the target exists and that is fine. */
async function moveInto(built: string, target: string): Promise<void> {
  await rename(built, target).catch(async (error: unknown) => {
    if (!(await isExecutable(target))) throw error;
  });
}
