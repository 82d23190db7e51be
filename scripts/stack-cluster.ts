// `npm run stack:cluster [-- --workers N --apis N]`: the full Temporal server on the local
// Postgres (built and set up on first use), with separate worker and API processes against it.
// Ctrl-C stops everything (APIs, then workers after they drain, then the server).
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.js';
import { redactUrl } from '../src/logger.js';
import { startCluster } from '../src/infra/cluster/stack.js';

const { values } = parseArgs({ options: { workers: { type: 'string', default: '2' }, apis: { type: 'string', default: '2' } }, strict: true });
const count = (name: string, value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 16) throw new Error(`--${name} must be a whole number from 0 to 16`);
  return n;
};

async function main(): Promise<void> {
  const config = loadConfig();
  const postgresUrl = process.env.CONVEYOR_CLUSTER_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const dir = path.join(config.dataDir, 'cluster');
  const started = Date.now();
  const cluster = await startCluster({
    postgresUrl,
    temporalDatabases: { temporal: 'conveyor_cluster_temporal', visibility: 'conveyor_cluster_visibility' },
    conveyorDatabase: 'conveyor_cluster',
    dir,
    workers: count('workers', values.workers!),
    apis: count('apis', values.apis!),
    tasksDir: config.tasksDir,
    taskQueue: config.temporal.taskQueue,
    namespace: config.temporal.namespace,
    frontendPort: process.env.TEMPORAL_PORT ? config.devPorts.temporal : undefined,
    print: (line) => console.log(line),
  });
  console.log(`\nCluster up in ${Math.round((Date.now() - started) / 1000)} s${cluster.buildMs ? ` (server build ${Math.round(cluster.buildMs / 1000)} s)` : ''}:`);
  console.log(`  Temporal frontend  ${cluster.temporalAddress}`);
  console.log(`  Conveyor database  ${redactUrl(cluster.databaseUrl)}`);
  for (const p of [...cluster.workers, ...cluster.apis]) console.log(`  ${p.name.padEnd(18)} pid ${p.pid}${p.url ? `  ${p.url}` : ''}  (log: ${p.logFile})`);
  console.log('Ctrl-C stops everything.');

  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      console.log('\nStopping: APIs, then workers (draining), then the Temporal server…');
      cluster.stop().then(
        () => process.exit(0),
        (error: unknown) => {
          console.error(error instanceof Error ? error.message : error);
          process.exit(1);
        },
      );
    });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
