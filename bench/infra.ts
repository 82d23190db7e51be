// Shared set-up for the benchmarks: a fresh, migrated Postgres database (dropped
// at the end), a Temporal dev server on a persistent SQLite file in a temp dir,
// a watchdog that bounds the run, and small table/percentile helpers.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { createDb } from '../src/db/connect.js';
import { migrateToLatest } from '../src/db/migrate.js';
import type { Database } from '../src/db/schema.js';
import { ensureTemporalCli } from '../src/infra/temporal-cli.js';
import { startDevServer, type DevServer } from '../src/infra/temporal-dev-server.js';

export const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const cleanups: (() => Promise<void>)[] = [];

/** Runs every registered clean-up, newest first; failures are reported, not thrown. */
export async function cleanUp(): Promise<void> {
  while (cleanups.length > 0) {
    const step = cleanups.pop()!;
    await step().catch((error: unknown) => console.error('clean-up step failed:', error));
  }
}

export function onCleanUp(step: () => Promise<void>): void {
  cleanups.push(step);
}

/** Runs a benchmark: an error fails the process (exit code 1); clean-up always runs. */
export async function runBenchmark(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    console.error(error);
    process.exitCode = 1;
  } finally {
    await cleanUp();
  }
}

/** Fails the run (after cleaning up) if it takes longer than `ms`. */
export function watchdog(ms: number): void {
  setTimeout(() => {
    console.error(`benchmark exceeded its ${ms / 1000} s bound; stopping`);
    void cleanUp().finally(() => process.exit(1));
  }, ms).unref();
}

async function admin(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** Creates and migrates conveyor_bench_<pid>; it is dropped by cleanUp(). */
export async function createBenchDatabase(): Promise<string> {
  const name = `conveyor_bench_${process.pid}`;
  await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin(`CREATE DATABASE ${name}`);
  onCleanUp(() => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const db = createDb({ url: url.toString(), max: 1 });
  try {
    await migrateToLatest(db as unknown as Kysely<unknown>);
  } finally {
    await db.destroy();
  }
  return url.toString();
}

/** A pool on the bench database, destroyed by cleanUp(). */
export function openDb(url: string, max: number, onQuery?: () => void): Kysely<Database> {
  const db = createDb({ url, max, onQuery });
  onCleanUp(() => db.destroy());
  return db;
}

/** A headless dev server with production's persistent SQLite storage in a temp dir (removed by cleanUp()). */
export async function startBenchDevServer(): Promise<DevServer> {
  const cliPath = await ensureTemporalCli({ explicitPath: process.env.TEMPORAL_CLI_PATH });
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'conveyor-bench-'));
  onCleanUp(() => rm(dataDir, { recursive: true, force: true }));
  const server = await startDevServer({ cliPath, dataDir, headless: true });
  onCleanUp(() => server.stop());
  return server;
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
export const verdict = (ok: boolean): string => (ok ? 'met' : 'NOT met');
