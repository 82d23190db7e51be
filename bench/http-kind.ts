// bench:http-kind — the cost of an `http` kind call (guard, redirects handled by us, logging
// with redaction, body cap, JSON parse) against a raw `fetch` to the same local server, and a
// plain keep-alive node:http request (no guard) to tell the guard's share from node:http's.
// Sequential calls, in alternating rounds so drift (GC, other load) hits every method alike.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { executeHttp, httpSpecSchema } from '../src/kinds/http.js';
import type { KindContext } from '../src/kinds/types.js';
import { fmt, percentile, runBenchmark, table, watchdog } from './infra.js';

const CALLS = Number(process.env.BENCH_HTTP_CALLS ?? 500);
const ROUNDS = Number(process.env.BENCH_HTTP_ROUNDS ?? 4);
const BODY = JSON.stringify({ ok: true, items: [1, 2, 3], note: 'a small JSON reply' });

async function main(): Promise<void> {
  watchdog(300_000);
  const server = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(BODY));
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/item?id=7`;
  let logLines = 0;
  const ctx: KindContext = { log: () => void logLines++, signal: new AbortController().signal, heartbeat: () => undefined, env: { CONVEYOR_HTTP_ALLOW: '127.0.0.1' } };
  const spec = httpSpecSchema.parse({ method: 'GET', url, headers: { authorization: 'Bearer bench' } });
  const plainAgent = new http.Agent({ keepAlive: true });

  const methods: Record<string, () => Promise<unknown>> = {
    'raw fetch': async () => {
      const res = await fetch(url, { headers: { authorization: 'Bearer bench' } });
      return res.json();
    },
    'http kind': () => executeHttp(spec, ctx),
    'node:http, no guard': () =>
      new Promise((resolve, reject) => {
        http.get(url, { agent: plainAgent, headers: { authorization: 'Bearer bench' } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString())));
          res.on('error', reject);
        }).on('error', reject);
      }),
  };
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(methods).map((name) => [name, []]));
  for (const call of Object.values(methods)) for (let i = 0; i < 50; i++) await call(); // warm-up: JIT, pools
  const names = Object.keys(methods);
  for (let round = 0; round < ROUNDS; round++) {
    // Rotate the order each round, so no method always runs first.
    for (const name of [...names.slice(round % names.length), ...names.slice(0, round % names.length)]) {
      for (let i = 0; i < CALLS; i++) {
        const start = performance.now();
        await methods[name]();
        samples[name].push(performance.now() - start);
      }
    }
  }
  server.close();
  plainAgent.destroy();
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const fetchMean = mean(samples['raw fetch']);
  const rows = names.map((name) => {
    const sorted = [...samples[name]].sort((a, b) => a - b);
    const m = mean(sorted);
    return [name, fmt(sorted.length), fmt(m, 3), fmt(percentile(sorted, 50), 3), fmt(percentile(sorted, 99), 3), `${m >= fetchMean ? '+' : ''}${fmt(m - fetchMean, 3)}`];
  });
  console.log(`\n${ROUNDS} rounds × ${CALLS} sequential GETs per method to a local server (${BODY.length}-byte JSON reply), keep-alive everywhere`);
  console.log(table(['method', 'calls', 'mean ms', 'p50 ms', 'p99 ms', 'vs fetch ms'], rows));
  console.log(`(http kind wrote ${logLines} log lines: 2 per call, into a no-op context)`);
}

void runBenchmark(main);
