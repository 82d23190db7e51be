// bench:concurrency — what a concurrency limit costs. No-op task runs through the HTTP API
// (trigger to complete), with and without a limit, in alternating rounds on one stack:
//   1. contended: 500 runs of a task limited to 5, 50 in flight, against the same no-op unlimited;
//   2. uncontended: a limit of 1,000 (never reached) against unlimited, at 1 and at 50 in flight;
//   3. Postgres queries per run (every query the API and the worker send, counted at the pool).
import { runBenchmark, fmt, percentile, table, verdict, watchdog } from './infra.js';
import { call, listenApi, startBenchStack } from './stack.js';

const TOTAL = Number(process.env.BENCH_CONCURRENCY_RUNS ?? 500);
const SERIAL = Number(process.env.BENCH_CONCURRENCY_SERIAL ?? 200);
const ROUNDS = 4;
const WARMUP = 40;
/** The bar: at most one extra round trip at attempt start and one at its end. */
const MAX_EXTRA_QUERIES_UNCONTENDED = 2;

interface Result {
  runs: number;
  wallMs: number;
  latencies: number[];
  queries: number;
}

let queries = 0;

async function closedLoop(total: number, inFlight: number, one: () => Promise<void>): Promise<Result> {
  const latencies: number[] = [];
  let next = 0;
  const queriesBefore = queries;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next++ < total) {
        const t0 = performance.now();
        await one();
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return { runs: total, wallMs: performance.now() - started, latencies, queries: queries - queriesBefore };
}

function combine(rounds: Result[]) {
  const latencies = rounds.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const runs = rounds.reduce((n, r) => n + r.runs, 0);
  const wallMs = rounds.reduce((n, r) => n + r.wallMs, 0);
  const perRound = rounds.map((r) => (r.runs / r.wallMs) * 1000).sort((a, b) => a - b);
  return {
    runs, perSecond: (runs / wallMs) * 1000, spread: `${fmt(perRound[0]!, 1)}–${fmt(perRound[perRound.length - 1]!, 1)}`,
    p50: percentile(latencies, 50), p99: percentile(latencies, 99), queriesPerRun: rounds.reduce((n, r) => n + r.queries, 0) / runs,
  };
}

async function main(): Promise<void> {
  watchdog(600_000);
  const stack = await startBenchStack('bench-concurrency', { onQuery: () => queries++ });
  const apiUrl = await listenApi(stack, 10_000);
  const run = (slug: string) => async () => {
    const res = await call('POST', `${apiUrl}/api/tasks/${slug}`, '{"inputs":{}}');
    if (res.status !== 202) throw new Error(`trigger answered ${res.status}: ${res.body}`);
    const { id } = JSON.parse(res.body) as { id: string };
    const result = (await stack.client.workflow.getHandle(id).result()) as { ok?: boolean } | undefined;
    if (result?.ok !== true) throw new Error(`run ${id} ended with ${JSON.stringify(result)}`);
  };
  for (const slug of ['noop', 'noop-limit-5', 'noop-limit-1000']) await closedLoop(WARMUP, 8, run(slug));

  const rows: string[][] = [];
  const measured: Record<string, ReturnType<typeof combine>> = {};
  const points = [
    { name: 'contended', inFlight: 50, total: TOTAL, paths: ['noop', 'noop-limit-5'] },
    { name: 'uncontended', inFlight: 1, total: SERIAL, paths: ['noop', 'noop-limit-1000'] },
    { name: 'uncontended', inFlight: 50, total: TOTAL, paths: ['noop', 'noop-limit-1000'] },
  ];
  for (const point of points) {
    const rounds: Record<string, Result[]> = Object.fromEntries(point.paths.map((p) => [p, []]));
    // Alternate the paths round by round, so drift hits both alike.
    for (let round = 0; round < ROUNDS; round++) {
      for (const path of point.paths) rounds[path]!.push(await closedLoop(Math.ceil(point.total / ROUNDS), point.inFlight, run(path)));
    }
    for (const path of point.paths) {
      const r = combine(rounds[path]!);
      // Keyed by case too: the unlimited no-op runs at 50 in flight in both cases, each beside its own limited path.
      measured[`${point.name} ${path}@${point.inFlight}`] = r;
      rows.push([point.name, path, String(point.inFlight), fmt(r.runs), fmt(r.perSecond, 1), r.spread, fmt(r.p50, 1), fmt(r.p99, 1), fmt(r.queriesPerRun, 2)]);
    }
  }
  const free = measured['uncontended noop@1']!;
  const limited = measured['uncontended noop-limit-1000@1']!;
  const extraQueries = limited.queriesPerRun - free.queriesPerRun;
  console.log('\nbench:concurrency — trigger-to-complete of no-op runs through the API, dev server on a persistent SQLite file\n');
  console.log(table(['case', 'task', 'in flight', 'runs', 'runs/s', 'runs/s per round', 'p50 (ms)', 'p99 (ms)', 'queries/run'], rows));
  console.log('');
  console.log(table(['check', 'measured', 'target', 'result'], [
    ['slot overhead, p50 @1 (limit 1,000 vs none)', `${fmt(limited.p50 - free.p50, 1)} ms`, 'reported', ''],
    ['throughput @50, limit 1,000 vs none', `${fmt(measured['uncontended noop-limit-1000@50']!.perSecond / measured['uncontended noop@50']!.perSecond, 2)}×`, 'reported', ''],
    ['extra queries per run, uncontended', fmt(extraQueries, 2), `≤ ${MAX_EXTRA_QUERIES_UNCONTENDED}`, verdict(extraQueries <= MAX_EXTRA_QUERIES_UNCONTENDED + 0.05)],
    ['limit 5 @50: runs/s vs unlimited', `${fmt(measured['contended noop-limit-5@50']!.perSecond / measured['contended noop@50']!.perSecond, 2)}×`, 'reported', ''],
  ]));
}

await runBenchmark(main);
