// bench:dag — time per node of DAG runs of 1,000 and 10,000 no-op task nodes (100 parallel
// lanes, maxParallel 100, so the run goes through continue-as-new several times at 10k),
// and the history length of the largest single execution in each run's chain.
import { activateVersion, insertDefinitionVersion } from '../src/db/workflows.repository.js';
import { runBenchmark, fmt, table, verdict, watchdog } from './infra.js';
import { startBenchStack } from './stack.js';

const LANES = 100;
const SIZES = (process.env.BENCH_DAG_SIZES ?? '1000,10000').split(',').map(Number);
const TARGET_RATIO = 1.5;

function lanes(slug: string, size: number) {
  const nodes = Array.from({ length: size }, (_, i) => ({ id: `n${i}`, task: 'noop' }));
  const edges = nodes.slice(LANES).map((node, i) => ({ from: `n${i}`, to: node.id }));
  return { slug, nodes, edges, maxParallel: LANES };
}

async function main(): Promise<void> {
  watchdog(1_500_000);
  const { db, client } = await startBenchStack('bench-dag');

  const rows: string[][] = [];
  const perNode: number[] = [];
  for (const size of SIZES) {
    const slug = `lanes-${size}`;
    await insertDefinitionVersion(db, slug, lanes(slug, size), true);
    await activateVersion(db, slug, 1);
    const id = `run_bench_dag_${size}_${Date.now()}`;
    const started = performance.now();
    const handle = await client.workflow.start('dagRun', { workflowId: id, taskQueue: 'bench-dag', args: [{ workflow: slug, version: 1, inputs: {} }] });
    const result = await handle.result();
    const seconds = (performance.now() - started) / 1000;
    let executions = 0;
    let largest = 0;
    for await (const execution of client.workflow.list({ query: `WorkflowId = '${id}'` })) {
      executions++;
      largest = Math.max(largest, (await client.workflow.getHandle(id, execution.runId).describe()).historyLength);
    }
    const complete = await db.selectFrom('run_steps').select((eb) => eb.fn.countAll<string>().as('n')).where('run_id', '=', id).where('status', '=', 'complete').executeTakeFirstOrThrow();
    perNode.push((seconds * 1000) / size);
    rows.push([fmt(size), JSON.stringify(result), fmt(Number(complete.n)), fmt(seconds, 1), fmt((seconds * 1000) / size, 2), fmt(executions), fmt(largest)]);
  }
  console.log(`\nbench:dag — no-op task nodes in ${LANES} parallel lanes (maxParallel ${LANES}), dev server on a persistent SQLite file\n`);
  console.log(table(['nodes', 'result', 'steps complete', 'seconds', 'ms per node', 'executions (continue-as-new chain)', 'largest history (events)'], rows));
  if (perNode.length >= 2) {
    const ratio = perNode[perNode.length - 1] / perNode[0];
    console.log('');
    console.log(table(['check', 'measured', 'target', 'result'], [[`per-node time ${fmt(SIZES[SIZES.length - 1])} / ${fmt(SIZES[0])}`, `${fmt(ratio, 2)}×`, `≤ ${TARGET_RATIO}×`, verdict(ratio <= TARGET_RATIO)]]));
    if (ratio > TARGET_RATIO) process.exitCode = 1;
  }
}

await runBenchmark(main);
