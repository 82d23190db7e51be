// Records `taskRun` histories for the replay test (tests/integration/replay.test.ts).
// `npm run histories:record` records the scenarios that have no file yet; existing files
// are never overwritten: they are what older workers wrote, and every later version of
// the workflow must still replay them (a change that cannot breaks running workflows).
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import { createDb } from '../src/db/connect.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { ensureTemporalCli } from '../src/infra/temporal-cli.js';
import { startDevServer } from '../src/infra/temporal-dev-server.js';
import { createLogger } from '../src/logger.js';
import { loadTasks } from '../src/tasks/registry.js';
import { createConveyorWorker, installRuntime } from '../src/worker-runtime.js';
import { adminQuery, databaseUrl } from '../tests/support/suite.js';
import { ConveyorTask, ConveyorTriggeredBy, type TaskRunInput } from '../src/runs/contract.js';
import { taskOptions } from '../src/tasks/task-options.js';
import { activateVersion, insertDefinitionVersion } from '../src/db/workflows.repository.js';
import type { Database } from '../src/db/schema.js';
import { access } from 'node:fs/promises';

const OUT = path.resolve('tests/histories');
// `viaApi`: started as POST /api/tasks/:slug starts runs (options resolved, search attributes set).
const SCENARIOS: { name: string; input: TaskRunInput; cancel?: 'signal' | 'cancel'; viaApi?: boolean }[] = [
  { name: 'complete', input: { task: 'echo', inputs: { message: 'hi', count: 2 } } },
  { name: 'retried-then-complete', input: { task: 'flaky' } },
  { name: 'permanent-failure', input: { task: 'permanent', inputs: { via: 'fail' } } },
  { name: 'invalid-inputs', input: { task: 'echo', inputs: { message: 1 } } },
  { name: 'unknown-task', input: { task: 'does-not-exist' } },
  { name: 'attempt-timeout', input: { task: 'attempt-timeout' } },
  { name: 'cancelled-by-signal', input: { task: 'sleepy', inputs: { ms: 60_000 } }, cancel: 'signal' },
  { name: 'cancelled-by-request', input: { task: 'sleepy', inputs: { ms: 60_000 } }, cancel: 'cancel' },
  { name: 'api-complete', input: { task: 'echo', inputs: { message: 'hi', count: 2 } }, viaApi: true },
  { name: 'api-retried-then-complete', input: { task: 'flaky' }, viaApi: true },
  { name: 'api-cancelled-by-signal', input: { task: 'sleepy', inputs: { ms: 60_000 } }, cancel: 'signal', viaApi: true },
];

// dagRun: each definition is stored (version 1) before its run starts.
const chain = Array.from({ length: 12 }, (_, i) => ({ id: `n${i}`, task: 'noop' }));
const DAG_SCENARIOS: { name: string; definition: object; inputs?: unknown; approve?: string; historyLimit?: number }[] = [
  {
    name: 'diamond',
    inputs: { word: 'hi' },
    definition: {
      nodes: [
        { id: 'fetch', task: 'echo', inputs: { message: '{{ inputs.word }}' } }, { id: 'left', task: 'noop' }, { id: 'right', task: 'noop', join: 'any' },
        { id: 'join', task: 'echo', inputs: { message: '{{ nodes.fetch.output.message }}' } },
      ],
      edges: [{ from: 'fetch', to: 'left', when: 'inputs.word == "hi"' }, { from: 'fetch', to: 'right' }, { from: 'left', to: 'join' }, { from: 'right', to: 'join' }],
    },
  },
  { name: 'approval', approve: 'gate', definition: { nodes: [{ id: 'gate', type: 'approval' }, { id: 'nap', type: 'sleep', duration: '100ms' }, { id: 'after', task: 'noop' }], edges: [{ from: 'gate', to: 'after' }, { from: 'nap', to: 'after' }] } },
  { name: 'fail-fast', definition: { nodes: [{ id: 'slow', task: 'sleepy', inputs: { ms: 30_000 } }, { id: 'bad', task: 'permanent', inputs: {} }], edges: [] } },
  { name: 'continue-as-new', historyLimit: 20, definition: { nodes: chain, edges: chain.slice(1).map((n, i) => ({ from: `n${i}`, to: n.id })) } },
];

async function recordDagRuns(client: Client, db: Kysely<Database>, cliPath: string, address: string): Promise<void> {
  for (const scenario of DAG_SCENARIOS) {
    const file = path.join(OUT, `dagRun-${scenario.name}.json`);
    if (await access(file).then(() => true, () => false)) continue;
    const slug = `history-${scenario.name}`;
    await insertDefinitionVersion(db, slug, { slug, ...scenario.definition }, true);
    await activateVersion(db, slug, 1);
    const handle = await client.workflow.start('dagRun', {
      workflowId: `history-dag-${scenario.name}`, taskQueue: 'conveyor',
      args: [{ workflow: slug, version: 1, inputs: scenario.inputs ?? {}, ...(scenario.historyLimit ? { historyLimit: scenario.historyLimit } : {}) }],
    });
    if (scenario.approve) {
      await new Promise((r) => setTimeout(r, 1_000));
      await handle.signal('approve', { nodeId: scenario.approve, approved: true, comment: 'recorded' });
    }
    await handle.result().catch(() => undefined);
    const { stdout } = await promisify(execFile)(cliPath, ['workflow', 'show', '--workflow-id', handle.workflowId, '--output', 'json', '--address', address], { maxBuffer: 64 * 1024 * 1024 });
    await writeFile(file, stdout);
    console.log(`recorded ${file}`);
  }
}

async function main(): Promise<void> {
  installRuntime('ERROR');
  const cliPath = await ensureTemporalCli({ explicitPath: process.env.TEMPORAL_CLI_PATH });
  const server = await startDevServer({ cliPath, headless: true });
  const dbName = `conveyor_histories_${process.pid}`;
  await adminQuery(`CREATE DATABASE ${dbName}`);
  const db = createDb({ url: databaseUrl(dbName), max: 5 });
  const connection = await NativeConnection.connect({ address: server.address });
  const client = new Client({ connection: await Connection.connect({ address: server.address }) });
  try {
    await migrateToLatest(db as unknown as Kysely<unknown>);
    const registry = await loadTasks('tests/fixtures/tasks');
    const worker = await createConveyorWorker({
      connection, namespace: 'default', taskQueue: 'conveyor', db, logger: createLogger('silent'), registry, heartbeatIntervalMs: 200,
    });
    await worker.runUntil(async () => {
      await mkdir(OUT, { recursive: true });
      for (const scenario of SCENARIOS) {
        const file = path.join(OUT, `taskRun-${scenario.name}.json`);
        if (await access(file).then(() => true, () => false)) continue;
        const task = registry.get(scenario.input.task);
        const handle = await client.workflow.start('taskRun', {
          workflowId: `history-${scenario.name}`,
          taskQueue: 'conveyor',
          args: [scenario.viaApi && task ? { ...scenario.input, triggeredBy: 'api', options: taskOptions(task) } : scenario.input],
          ...(scenario.viaApi
            ? { typedSearchAttributes: [{ key: ConveyorTask, value: scenario.input.task }, { key: ConveyorTriggeredBy, value: 'api' as const }] }
            : {}),
        });
        if (scenario.cancel) {
          await new Promise((r) => setTimeout(r, 1_000));
          if (scenario.cancel === 'signal') await handle.signal('cancel', { reason: 'recorded' });
          else await handle.cancel();
        }
        await handle.result().catch(() => undefined);
        // Exported as operators export histories: `temporal workflow show --output json`.
        const { stdout } = await promisify(execFile)(cliPath, ['workflow', 'show', '--workflow-id', handle.workflowId, '--output', 'json', '--address', server.address], { maxBuffer: 64 * 1024 * 1024 });
        await writeFile(file, stdout);
        console.log(`recorded ${file}`);
      }
      await recordDagRuns(client, db, cliPath, server.address);
    });
  } finally {
    await client.connection.close();
    await connection.close();
    await db.destroy();
    await adminQuery(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
