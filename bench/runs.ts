// bench:runs — trigger-to-result of a no-op run, side by side in one run, on one tuned dev server
// (persistent SQLite, Conveyor's dynamic config):
//   raw        client.workflow.start of a one-activity workflow, client and worker in this process;
//   separate   Conveyor as `npm run api` + `npm run worker` (two processes);
//   single     Conveyor as `npm start`'s one process (eager workflow start on);
// Conveyor's runs are triggered with ?wait=60s: the API answers with the finished run, as its
// users get it (the workflows' closes are counted in each round's wall time, runs-setup.ts);
//   separate, Temporal result   the same processes, awaiting Temporal's workflow result instead
//              (1 in flight: what answering from Conveyor's record saves);
//   single, eager off   the same with CONVEYOR_EAGER_START=off (1 in flight: what eager start saves);
//   raw, out of the box the raw setup on a `temporal server start-dev` without any flag (1 in flight).
// Closed loop at each point, BENCH_ROUNDS alternating rounds (the order rotates every round, so
// drift hits every path alike); per path the median and min–max of the rounds.
// Env: BENCH_RUNS_1, BENCH_RUNS_10, BENCH_RUNS_50 (runs per round), BENCH_ROUNDS, BENCH_POINTS.
import { ensureTemporalCli } from '../src/infra/temporal-cli.js';
import { startDevServer } from '../src/infra/temporal-dev-server.js';
import { startSeparateProcesses, startSingleProcess } from './conveyor-processes.js';
import { createBenchDatabase, fmt, onCleanUp, runBenchmark, startBenchDevServer, table, verdict, watchdog } from './infra.js';
import { benchClient, closedLoop, conveyorPath, rawPath, type BenchPath, type RoundResult } from './runs-setup.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const POINTS = (process.env.BENCH_POINTS ?? '1,10,50').split(',').map(Number);
const RUNS_PER_ROUND = (inFlight: number) => Number(process.env[`BENCH_RUNS_${inFlight}`] ?? ({ 1: 30, 10: 120, 50: 200 } as Record<number, number>)[inFlight] ?? 20 * inFlight);
const TARGET = { throughputRatio: 0.8, p50ExtraMs: 5, outOfTheBoxFactor: 5 };

type PathName = 'raw' | 'separate' | 'single' | 'separate, Temporal result' | 'single, eager off' | 'raw, out of the box';
const ONLY_AT_ONE: PathName[] = ['separate, Temporal result', 'single, eager off', 'raw, out of the box'];

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const spread = (xs: number[], digits: number) => `${fmt(median(xs), digits)} (${fmt(Math.min(...xs), digits)}–${fmt(Math.max(...xs), digits)})`;

async function main(): Promise<void> {
  watchdog(Number(process.env.BENCH_TIMEOUT_S ?? 900) * 1000);
  const cliPath = await ensureTemporalCli({ explicitPath: process.env.TEMPORAL_CLI_PATH });
  const [server, outOfTheBox, databaseUrl] = await Promise.all([
    startBenchDevServer(),
    startDevServer({ cliPath, headless: true, tuning: false }),
    createBenchDatabase(),
  ]);
  onCleanUp(() => outOfTheBox.stop());
  const client = await benchClient(server.address);
  const ootbClient = await benchClient(outOfTheBox.address);
  const target = { temporalAddress: server.address, databaseUrl };
  const [separateUrl, singleUrl, lazyUrl] = await Promise.all([
    startSeparateProcesses({ ...target, taskQueue: 'bench-separate' }),
    startSingleProcess({ ...target, taskQueue: 'bench-single' }),
    startSingleProcess({ ...target, taskQueue: 'bench-single-lazy', env: { CONVEYOR_EAGER_START: 'off' } }, 'single-eager-off'),
  ]);
  const paths: Record<PathName, BenchPath> = {
    raw: await rawPath(server.address, client),
    separate: conveyorPath(separateUrl, client),
    single: conveyorPath(singleUrl, client),
    'separate, Temporal result': conveyorPath(separateUrl, client, 'temporal'),
    'single, eager off': conveyorPath(lazyUrl, client),
    'raw, out of the box': await rawPath(outOfTheBox.address, ootbClient),
  };

  // Warm-up: JIT, connections, workflow caches, the SQLite files.
  for (const one of Object.values(paths)) await closedLoop(40, 4, one);

  const results = new Map<string, RoundResult[]>();
  const rows: string[][] = [];
  for (const inFlight of POINTS) {
    const names = (Object.keys(paths) as PathName[]).filter((p) => inFlight === 1 || !ONLY_AT_ONE.includes(p));
    for (let round = 0; round < ROUNDS; round++) {
      const order = names.map((_, i) => names[(i + round) % names.length]);
      for (const name of order) {
        const result = await closedLoop(RUNS_PER_ROUND(inFlight), inFlight, paths[name]);
        results.set(`${name}@${inFlight}`, [...(results.get(`${name}@${inFlight}`) ?? []), result]);
      }
    }
    for (const name of names) {
      const r = results.get(`${name}@${inFlight}`)!;
      rows.push([name, String(inFlight), `${ROUNDS}×${RUNS_PER_ROUND(inFlight)}`, spread(r.map((x) => x.perSecond), 1), spread(r.map((x) => x.p50), 1), spread(r.map((x) => x.p99), 1)]);
    }
  }
  const med = (name: PathName, inFlight: number, key: keyof RoundResult) => median((results.get(`${name}@${inFlight}`) ?? []).map((r) => r[key]));
  const checks: string[][] = [];
  let met = true;
  const check = (what: string, measured: string, goal: string, ok: boolean) => {
    met &&= ok;
    checks.push([what, measured, goal, verdict(ok)]);
  };
  for (const inFlight of POINTS.filter((p) => p >= 10)) {
    for (const name of ['separate', 'single'] as const) {
      const ratio = med(name, inFlight, 'perSecond') / med('raw', inFlight, 'perSecond');
      check(`${name} runs/s ÷ raw @${inFlight}`, `${fmt(ratio, 2)}×`, `≥ ${TARGET.throughputRatio}×`, ratio >= TARGET.throughputRatio);
    }
  }
  if (POINTS.includes(1)) {
    const raw = med('raw', 1, 'p50');
    const extra = med('separate', 1, 'p50') - raw;
    check('separate p50 − raw p50 @1', `${extra >= 0 ? '+' : ''}${fmt(extra, 1)} ms`, `≤ +${TARGET.p50ExtraMs} ms`, extra <= TARGET.p50ExtraMs);
    const single = med('single', 1, 'p50');
    check('single p50 vs raw p50 @1', `${fmt(single, 1)} vs ${fmt(raw, 1)} ms`, 'below raw', single < raw);
    const factor = med('raw, out of the box', 1, 'p50') / single;
    check('out-of-the-box raw p50 ÷ single p50 @1', `${fmt(factor, 1)}×`, `≥ ${TARGET.outOfTheBoxFactor}×`, factor >= TARGET.outOfTheBoxFactor);
    const saved = med('single, eager off', 1, 'p50') - single;
    checks.push(['eager start saves (p50 @1)', `${fmt(saved, 1)} ms`, 'measured', '']);
    const fromRecord = med('separate, Temporal result', 1, 'p50') - med('separate', 1, 'p50');
    checks.push(["answering from Conveyor's record saves (p50 @1)", `${fmt(fromRecord, 1)} ms`, 'measured', '']);
  }
  console.log(`\nbench:runs — trigger-to-result, one no-op activity; per path the median (min–max) of ${ROUNDS} alternating rounds\n`);
  console.log(table(['path', 'in flight', 'rounds×runs', 'runs/s', 'p50 ms', 'p99 ms'], rows));
  console.log('');
  console.log(table(['check', 'measured', 'target', 'result'], checks));
  console.log(met ? '\nall targets met' : '\nsome targets NOT met');
}

await runBenchmark(main);
