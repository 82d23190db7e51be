// bench:api — (1) GET /api/runs/:id latency at a fixed 500 requests/s (open loop: latency is
// measured from each request's scheduled time, so a stall is not hidden), against GET /health
// at the same rate as the HTTP floor; (2) 1,000 triggers at once, single and as one batch:
// runs accepted, started, completed, lost and duplicated.
import { sql } from 'kysely';
import { runBenchmark, fmt, percentile, table, verdict, watchdog } from './infra.js';
import { call, listenApi, startBenchStack } from './stack.js';

const RATE = Number(process.env.BENCH_API_RATE ?? 500);
const SECONDS = Number(process.env.BENCH_API_SECONDS ?? 10);
const BURST = 1_000;

/** Fires `rate` requests a second for `seconds`; latency from each request's scheduled send time. */
async function fixedRate(url: string, rate: number, seconds: number) {
  const total = rate * seconds;
  const latencies: number[] = [];
  let errors = 0;
  const inFlight: Promise<void>[] = [];
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const scheduled = start + (i * 1000) / rate;
    const wait = scheduled - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    inFlight.push(call('GET', url).then((res) => {
      if (res.status !== 200) errors++;
      latencies.push(performance.now() - scheduled);
    }, () => void errors++));
  }
  await Promise.all(inFlight);
  const achieved = total / ((performance.now() - start) / 1000);
  latencies.sort((a, b) => a - b);
  return { total, errors, achieved, p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies[latencies.length - 1] };
}

async function main(): Promise<void> {
  watchdog(400_000);
  const stack = await startBenchStack('bench-api');
  const { db } = stack;
  const base = await listenApi(stack, 2_000);

  // (1) Latency at a fixed rate.
  const { id } = JSON.parse((await call('POST', `${base}/api/tasks/noop?wait=10s`, '{}')).body) as { id: string };
  await fixedRate(`${base}/api/runs/${id}`, RATE, 2); // warm-up
  const floor = await fixedRate(`${base}/health`, RATE, SECONDS);
  const get = await fixedRate(`${base}/api/runs/${id}`, RATE, SECONDS);
  console.log(`\nbench:api — GET at ${RATE} requests/s for ${SECONDS} s (open loop, loopback)\n`);
  console.log(table(['endpoint', 'requests', 'errors', 'achieved/s', 'p50 (ms)', 'p99 (ms)', 'max (ms)'], [floor, get].map((r, i) => [
    i === 0 ? 'baseline: GET /health' : 'GET /api/runs/:id', fmt(r.total), fmt(r.errors), fmt(r.achieved, 0), fmt(r.p50, 2), fmt(r.p99, 2), fmt(r.max, 1),
  ])));

  // (2) 1,000 triggers at once, as single requests and as one batch.
  const burst = async (name: string, tag: string) => {
    const started = performance.now();
    const responses = name === 'single'
      ? await Promise.all(Array.from({ length: BURST }, () => call('POST', `${base}/api/tasks/noop`, JSON.stringify({ tags: [tag] })).catch(() => ({ status: 0, body: '' }))))
      : [await call('POST', `${base}/api/tasks/noop/batch`, JSON.stringify({ items: Array.from({ length: BURST }, () => ({ tags: [tag] })) }))];
    const ids = name === 'single'
      ? responses.filter((r) => r.status === 202).map((r) => (JSON.parse(r.body) as { id: string }).id)
      : ((JSON.parse(responses[0].body) as { runs?: { id?: string }[] }).runs ?? []).flatMap((r) => (r.id ? [r.id] : []));
    const refused = name === 'single' ? responses.filter((r) => r.status === 429 || r.status === 503).length : BURST - ids.length;
    const silent = name === 'single' ? responses.filter((r) => ![202, 429, 503].includes(r.status)).length : 0;
    const tagged = sql<boolean>`tags @> ${[tag]}::text[]`;
    const deadline = Date.now() + 180_000;
    let rows: { id: string; status: string }[];
    do {
      await new Promise((r) => setTimeout(r, 500));
      rows = await db.selectFrom('runs').select(['id', 'status']).where(tagged).execute();
    } while (rows.some((r) => r.status !== 'complete') && Date.now() < deadline);
    const seconds = (performance.now() - started) / 1000;
    const rowIds = new Set(rows.map((r) => r.id));
    const lost = ids.filter((i) => !rowIds.has(i)).length + rows.filter((r) => r.status !== 'complete').length;
    const duplicates = rows.length - new Set(rows.map((r) => r.id)).size + (rows.length - ids.length > 0 ? rows.length - ids.length : 0);
    return [name, fmt(BURST), fmt(ids.length), fmt(refused), fmt(silent), fmt(rows.length), fmt(rows.filter((r) => r.status === 'complete').length), fmt(lost), fmt(duplicates), fmt(seconds, 1)];
  };
  const bursts = [await burst('single', 'burst-single'), await burst('batch', 'burst-batch')];
  console.log(`\n${fmt(BURST)} triggers at once\n`);
  console.log(table(['how', 'sent', 'accepted', 'refused (429/503)', 'other', 'runs', 'completed', 'lost', 'duplicates', 'seconds'], bursts));
  const ok = get.p99 <= 10 && bursts.every((b) => b[7] === '0' && b[8] === '0' && b[4] === '0');
  console.log('');
  console.log(table(['check', 'measured', 'target', 'result'], [
    ['GET /api/runs/:id p99', `${fmt(get.p99, 2)} ms`, '≤ 10 ms', verdict(get.p99 <= 10)],
    ['p99 over the /health floor', `${fmt(get.p99 / floor.p99, 2)}×`, '(ratio)', '—'],
    ['runs lost', bursts.map((b) => b[7]).join(' / '), '0', verdict(bursts.every((b) => b[7] === '0'))],
    ['duplicate runs', bursts.map((b) => b[8]).join(' / '), '0', verdict(bursts.every((b) => b[8] === '0'))],
  ]));
  if (!ok) process.exitCode = 1;
}

await runBenchmark(main);
