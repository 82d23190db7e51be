// Embedded Postgres when running as root (`npm start` from /root or a 0700 directory): Postgres refuses to
// run as root, and the unprivileged `postgres` user it runs as may not traverse the project's directories.
// So its binaries are copied once, and its data kept, under <tmpdir>/conveyor-<hash of the project path>/.
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { access, chmod, chown, cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { lastLine, spawnUntilReady, type LocalPostgres } from './embedded-postgres.js';

const run = promisify(execFile);
const exists = (file: string) => access(file).then(() => true, () => false);

/** The folder kept for one project (clone) as root: the same path gives the same folder, so data persists across starts. */
export function rootClusterDir(projectDir: string): string {
  const hash = createHash('sha256').update(path.resolve(projectDir)).digest('hex').slice(0, 12);
  return path.join(os.tmpdir(), `conveyor-${hash}`);
}

async function postgresIds(): Promise<{ uid: number; gid: number }> {
  const ids = async () => ({ uid: Number((await run('id', ['-u', 'postgres'])).stdout), gid: Number((await run('id', ['-g', 'postgres'])).stdout) });
  try {
    return await ids();
  } catch {
    await run('groupadd', ['-f', 'postgres']);
    await run('useradd', ['-g', 'postgres', '-M', '-s', '/usr/sbin/nologin', 'postgres']).catch(() => undefined);
    return ids().catch(() => {
      throw new Error('running as root, Postgres needs an unprivileged `postgres` user, and creating it failed (groupadd/useradd)');
    });
  }
}

/** The package's native folder (bin, lib, share), copied where every user may read and execute it. */
async function reachableBinaries(base: string): Promise<string> {
  // The binaries package of this platform (`exports` hides its package.json): <package>/dist/index.js.
  const packageDir = path.dirname(path.dirname(createRequire(import.meta.url).resolve(`@embedded-postgres/${process.platform}-${process.arch}`)));
  const { version } = JSON.parse(await readFile(path.join(packageDir, 'package.json'), 'utf8')) as { version: string };
  const target = path.join(base, `postgres-${version}`);
  if (!(await exists(path.join(target, '.complete')))) {
    await rm(target, { recursive: true, force: true });
    await cp(path.join(packageDir, 'native'), target, { recursive: true, verbatimSymlinks: true });
    await chmod(path.join(target, 'bin', 'postgres'), 0o755);
    await chmod(path.join(target, 'bin', 'initdb'), 0o755);
    await writeFile(path.join(target, '.complete'), '');
  }
  return path.join(target, 'bin');
}

function initdb(bin: string, dataDir: string, passwordFile: string, ids: { uid: number; gid: number }): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(bin, 'initdb'), [`--pgdata=${dataDir}`, '--auth=password', '--username=conveyor', `--pwfile=${passwordFile}`, '--encoding=UTF8'], { ...ids, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => void (stderr = (stderr + chunk.toString()).slice(-4000)));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`initdb failed for ${dataDir} (exit ${code}): ${lastLine(stderr)}`))));
  });
}

export async function startRootCluster(projectDir: string, port: number): Promise<Omit<LocalPostgres, 'url'>> {
  const ids = await postgresIds();
  const base = rootClusterDir(projectDir);
  await mkdir(base, { recursive: true, mode: 0o755 });
  await chmod(base, 0o755);
  const bin = await reachableBinaries(base);
  const dataDir = path.join(base, 'data');
  if (!(await exists(path.join(dataDir, 'PG_VERSION')))) {
    await rm(dataDir, { recursive: true, force: true });
    await mkdir(dataDir, { mode: 0o700 });
    await chown(dataDir, ids.uid, ids.gid);
    const passwordFile = path.join(base, `pwfile-${process.pid}`);
    await writeFile(passwordFile, 'conveyor\n', { mode: 0o600 });
    await chown(passwordFile, ids.uid, ids.gid);
    try {
      await initdb(bin, dataDir, passwordFile, ids);
    } finally {
      await rm(passwordFile, { force: true });
    }
  }
  const child = await spawnUntilReady(path.join(bin, 'postgres'), ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='], ids);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    dataDir,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGINT'); // fast shutdown
      await exited;
    },
  };
}
