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
import { buildAction } from '../src/services/schedules.js';
import { activateVersion, insertDefinitionVersion } from '../src/db/workflows.repository.js';
import type { Database } from '../src/db/schema.js';
import { access } from 'node:fs/promises';

const OUT = path.resolve('tests/histories');
// `viaApi`: started as POST /api/tasks/:slug starts runs (options resolved, search attributes set).
// `timing` (ms from the start): `runAt` (delay), `expiresAt` (ttl), `rescheduleTo` (a reschedule signal a second in).
type Timing = { runAt?: number; expiresAt?: number; rescheduleTo?: number };
const SCENARIOS: { name: string; input: TaskRunInput; cancel?: 'signal' | 'cancel'; viaApi?: boolean; timing?: Timing }[] = [
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
  { name: 'api-delayed', input: { task: 'noop' }, viaApi: true, timing: { runAt: 1_500 } },
  { name: 'api-rescheduled', input: { task: 'noop' }, viaApi: true, timing: { runAt: 3_600_000, rescheduleTo: 500 } },
  // A ttl that passed before any worker took the run (here: before the workflow's first task).
  { name: 'api-expired', input: { task: 'noop' }, viaApi: true, timing: { expiresAt: -1_000 } },
];

/** Exported as operators export histories: `temporal workflow show --output json`. */
async function saveHistory(cliPath: string, address: string, workflowId: string, file: string): Promise<void> {
  const { stdout } = await promisify(execFile)(cliPath, ['workflow', 'show', '--workflow-id', workflowId, '--output', 'json', '--address', address], { maxBuffer: 64 * 1024 * 1024 });
  await writeFile(file, stdout);
  console.log(`recorded ${file}`);
}

/** Starts a holder, then (once it holds the slot) the run to record, which waits in line; lets both end. */
async function whileQueued(db: Kysely<Database>, startHolder: () => Promise<{ result(): Promise<unknown> }>, startQueued: () => Promise<{ workflowId: string; result(): Promise<unknown> }>): Promise<string> {
  const holder = await startHolder();
  while (!(await db.selectFrom('concurrency_slots').select('run_id').where('held', '=', true).executeTakeFirst())) await new Promise((r) => setTimeout(r, 100));
  const queued = await startQueued();
  while (!(await db.selectFrom('concurrency_slots').select('run_id').where('run_id', '=', queued.workflowId).where('held', '=', false).executeTakeFirst())) {
    await new Promise((r) => setTimeout(r, 100));
  }
  await Promise.all([holder.result(), queued.result()]);
  return queued.workflowId;
}

const iso = (msFromNow: number) => new Date(Date.now() + msFromNow).toISOString();
const timed = (timing: Timing | undefined): Partial<TaskRunInput> => ({
  ...(timing?.runAt !== undefined ? { runAt: iso(timing.runAt) } : {}),
  ...(timing?.expiresAt !== undefined ? { expiresAt: iso(timing.expiresAt) } : {}),
});

/** A run a Temporal Schedule started, with the action Conveyor's schedules API builds (no options: prepareRun resolves them). */
async function recordScheduledRun(client: Client, cliPath: string, address: string): Promise<void> {
  const file = path.join(OUT, 'taskRun-schedule-started.json');
  if (await access(file).then(() => true, () => false)) return;
  const scheduleId = 'history-schedule';
  const schedule = await client.schedule.create({
    scheduleId, spec: { intervals: [{ every: '1h' }] }, state: { paused: true },
    action: buildAction({ taskQueue: 'conveyor' }, scheduleId, { task: 'echo' }, { message: 'scheduled', count: 1 }),
  });
  await schedule.trigger();
  let workflowId: string | undefined;
  while (!workflowId) {
    await new Promise((r) => setTimeout(r, 200));
    workflowId = (await schedule.describe()).info.recentActions[0]?.action.workflow.workflowId;
  }
  await client.workflow.getHandle(workflowId).result();
  await schedule.delete();
  await saveHistory(cliPath, address, workflowId, file);
}

/**
 * A run that waited for a concurrency slot (`queued`) while another run held it, then completed:
 * started as the API starts runs, with a priority and a concurrency key. Its worker serves the
 * concurrency fixtures on a queue of their own (the queue is not part of the history's replay).
 */
async function recordQueuedRun(client: Client, connection: NativeConnection, db: Kysely<Database>, cliPath: string, address: string): Promise<void> {
  const file = path.join(OUT, 'taskRun-api-queued.json');
  if (await access(file).then(() => true, () => false)) return;
  const registry = await loadTasks('tests/fixtures/concurrency-tasks');
  const task = registry.get('single')!;
  const taskQueue = 'conveyor-concurrency';
  const worker = await createConveyorWorker({ connection, namespace: 'default', taskQueue, db, logger: createLogger('silent'), registry, heartbeatIntervalMs: 200 });
  await worker.runUntil(async () => {
    const start = (workflowId: string, input: Partial<TaskRunInput>) =>
      client.workflow.start('taskRun', {
        workflowId, taskQueue,
        args: [{ task: 'single', triggeredBy: 'api', options: taskOptions(task), ...input }],
        typedSearchAttributes: [{ key: ConveyorTask, value: 'single' }, { key: ConveyorTriggeredBy, value: 'api' as const }],
      });
    const queued = await whileQueued(db, () => start('history-queued-holder', { inputs: { ms: 3_000 } }), () => start('history-api-queued', { inputs: { ms: 10 }, priority: 1, concurrencyKey: 'recorded' }));
    await saveHistory(cliPath, address, queued, file);
  });
}

/**
 * A DAG run of a workflow with its own `concurrency` (limit 1) that waited (`queued`) while
 * another run of the workflow held the slot, then ran: started as the API starts DAG runs,
 * with a priority and a concurrency key. Its worker serves the concurrency fixtures.
 */
async function recordQueuedDagRun(client: Client, connection: NativeConnection, db: Kysely<Database>, cliPath: string, address: string): Promise<void> {
  const file = path.join(OUT, 'dagRun-queued.json');
  if (await access(file).then(() => true, () => false)) return;
  const registry = await loadTasks('tests/fixtures/concurrency-tasks');
  const taskQueue = 'conveyor-concurrency';
  const slug = 'history-queued';
  await insertDefinitionVersion(db, slug, { slug, concurrency: { limit: 1, key: 'inputs.customer' }, nodes: [{ id: 'work', task: 'nap', inputs: { ms: '{{ inputs.ms }}' } }], edges: [] }, true);
  await activateVersion(db, slug, 1);
  const worker = await createConveyorWorker({ connection, namespace: 'default', taskQueue, db, logger: createLogger('silent'), registry, heartbeatIntervalMs: 200 });
  await worker.runUntil(async () => {
    const start = (workflowId: string, input: object) =>
      client.workflow.start('dagRun', {
        workflowId, taskQueue,
        args: [{ workflow: slug, version: 1, triggeredBy: 'api', ...input }],
        typedSearchAttributes: [{ key: ConveyorTask, value: slug }, { key: ConveyorTriggeredBy, value: 'api' as const }],
      });
    const queued = await whileQueued(db, () => start('history-dag-queued-holder', { inputs: { ms: 3_000, customer: 'recorded' } }), () => start('history-dag-queued', { inputs: { ms: 10, customer: 'other' }, priority: 1, concurrencyKey: 'recorded' }));
    await saveHistory(cliPath, address, queued, file);
  });
}

// dagRun: each definition is stored (version 1) before its run starts.
const chain = Array.from({ length: 12 }, (_, i) => ({ id: `n${i}`, task: 'noop' }));
// `signals`: sent in order, each `afterMs` after the previous step; `cancelAfterMs`: a Temporal cancel request;
// `input`: more of dagRun's input (a re-run's snapshot).
type DagSignal = { afterMs: number; name: string; arg?: unknown };
const waitingChain = Array.from({ length: 8 }, (_, i) => ({ id: `c${i}`, task: 'noop' }));
const DAG_SCENARIOS: {
  name: string; definition: object; inputs?: unknown; approve?: string; historyLimit?: number; signals?: DagSignal[]; cancelAfterMs?: number; input?: object;
}[] = [
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
  {
    name: 'pause-resume',
    signals: [{ afterMs: 0, name: 'pause' }, { afterMs: 1_500, name: 'resume' }],
    definition: { nodes: [{ id: 'first', type: 'sleep', duration: '500ms' }, { id: 'second', task: 'noop' }], edges: [{ from: 'first', to: 'second' }] },
  },
  {
    name: 'cancelled-by-signal',
    signals: [{ afterMs: 1_000, name: 'cancel', arg: { reason: 'recorded' } }],
    definition: { nodes: [{ id: 'nap', type: 'sleep', duration: '1m' }, { id: 'busy', task: 'sleepy', inputs: { ms: 60_000 } }, { id: 'after', task: 'noop' }], edges: [{ from: 'nap', to: 'after' }] },
  },
  {
    name: 'cancelled-by-request',
    cancelAfterMs: 1_000,
    definition: { nodes: [{ id: 'nap', type: 'sleep', duration: '1m' }, { id: 'busy', task: 'sleepy', inputs: { ms: 60_000 } }], edges: [] },
  },
  {
    name: 'rerun-from-node',
    input: { rerunOf: 'history-dag-original', snapshot: { statuses: ['complete', 'pending'], outputs: { a: { message: 'from a', count: 0 } }, failedNodes: [], paused: false } },
    definition: { nodes: [{ id: 'a', task: 'echo', inputs: { message: 'from a', count: 0 } }, { id: 'b', task: 'echo', inputs: { message: '{{ nodes.a.output.message }}', count: 0 } }], edges: [{ from: 'a', to: 'b' }] },
  },
  {
    // Continues as new while `gate` waits; `early` is approved before it waits. The last execution is recorded.
    name: 'continue-as-new-waiting',
    historyLimit: 20,
    signals: [{ afterMs: 0, name: 'approve', arg: { nodeId: 'early', approved: true } }, { afterMs: 3_000, name: 'approve', arg: { nodeId: 'gate', approved: true } }],
    definition: {
      nodes: [{ id: 'gate', type: 'approval', timeout: '1h' }, { id: 'nap', type: 'sleep', duration: '2s' }, ...waitingChain, { id: 'early', type: 'approval' }],
      edges: [...waitingChain.slice(1).map((n, i) => ({ from: `c${i}`, to: n.id })), { from: 'c7', to: 'early' }],
    },
  },
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
      args: [{ workflow: slug, version: 1, inputs: scenario.inputs ?? {}, ...(scenario.historyLimit ? { historyLimit: scenario.historyLimit } : {}), ...scenario.input }],
    });
    for (const signal of scenario.signals ?? []) {
      await new Promise((r) => setTimeout(r, signal.afterMs));
      await handle.signal(signal.name, ...(signal.arg === undefined ? [] : [signal.arg]));
    }
    if (scenario.cancelAfterMs !== undefined) {
      await new Promise((r) => setTimeout(r, scenario.cancelAfterMs));
      await handle.cancel();
    }
    if (scenario.approve) {
      await new Promise((r) => setTimeout(r, 1_000));
      await handle.signal('approve', { nodeId: scenario.approve, approved: true, comment: 'recorded' });
    }
    await handle.result().catch(() => undefined);
    await saveHistory(cliPath, address, handle.workflowId, file);
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
          args: [{ ...(scenario.viaApi && task ? { ...scenario.input, triggeredBy: 'api', options: taskOptions(task) } : scenario.input), ...timed(scenario.timing) }],
          ...(scenario.viaApi
            ? { typedSearchAttributes: [{ key: ConveyorTask, value: scenario.input.task }, { key: ConveyorTriggeredBy, value: 'api' as const }] }
            : {}),
        });
        if (scenario.cancel) {
          await new Promise((r) => setTimeout(r, 1_000));
          if (scenario.cancel === 'signal') await handle.signal('cancel', { reason: 'recorded' });
          else await handle.cancel();
        }
        if (scenario.timing?.rescheduleTo !== undefined) {
          await new Promise((r) => setTimeout(r, 1_000));
          await handle.signal('reschedule', { runAt: iso(scenario.timing.rescheduleTo) });
        }
        await handle.result().catch(() => undefined);
        await saveHistory(cliPath, server.address, handle.workflowId, file);
      }
      await recordScheduledRun(client, cliPath, server.address);
      await recordDagRuns(client, db, cliPath, server.address);
    });
    await recordQueuedRun(client, connection, db, cliPath, server.address);
    await recordQueuedDagRun(client, connection, db, cliPath, server.address);
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
