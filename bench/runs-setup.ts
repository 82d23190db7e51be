// What bench:runs and bench:profile compare: a raw one-activity workflow (client and worker in
// this process, the cheapest raw setup) and Conveyor's POST /api/tasks/noop through API
// processes the benchmark starts; each call is trigger-to-result, in a closed loop.
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { installRuntime } from '../src/worker-runtime.js';
import * as rawActivities from './raw/activities.js';
import { onCleanUp, percentile } from './infra.js';
import { call, runUntilCleanUp } from './stack.js';

export interface RoundResult {
  runs: number;
  perSecond: number;
  p50: number;
  p99: number;
}

/** One trigger-to-result call; `settle`, if any, ends the round's work (counted in its wall time). */
export type BenchPath = (() => Promise<void>) & { settle?: (inFlight: number) => Promise<void> };

/** Runs `total` calls of `one`, `inFlight` at a time; latency per call, throughput over the whole. */
export async function closedLoop(total: number, inFlight: number, one: BenchPath): Promise<RoundResult> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < total) {
        next++;
        const t0 = performance.now();
        await one();
        latencies.push(performance.now() - t0);
      }
    }),
  );
  await one.settle?.(inFlight);
  const wallMs = performance.now() - started;
  latencies.sort((a, b) => a - b);
  return { runs: total, perSecond: (total / wallMs) * 1000, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

/** A client for starting and awaiting workflows on `address` (a plain gRPC connection, as an application's). */
export async function benchClient(address: string): Promise<Client> {
  const client = new Client({ connection: await Connection.connect({ address }) });
  onCleanUp(() => client.connection.close());
  return client;
}

let rawCounter = 0;

/** A raw worker on `address` (this process) and the call that starts one `rawOneActivity` and awaits it. */
export async function rawPath(address: string, client: Client): Promise<() => Promise<void>> {
  installRuntime('ERROR');
  const native = await NativeConnection.connect({ address });
  onCleanUp(() => native.close());
  runUntilCleanUp(await Worker.create({
    connection: native, taskQueue: 'bench-raw', activities: rawActivities,
    workflowsPath: fileURLToPath(new URL('./raw/workflow.ts', import.meta.url)),
  }));
  return async () => {
    const handle = await client.workflow.start('rawOneActivity', { taskQueue: 'bench-raw', workflowId: `raw-${++rawCounter}-${Date.now()}` });
    await handle.result();
  };
}

/**
 * The call that triggers the no-op task through the API at `apiUrl` with `?wait=60s`, so the API
 * answers with the finished run: trigger to result as a Conveyor user gets it. The answer comes
 * once Conveyor has recorded the result, a moment before Temporal closes the workflow; so that
 * this moment of work is not left out of a round's throughput, `settle` awaits the close of the
 * round's last 2 × in-flight workflows inside the round's wall time (an earlier one has had that
 * many runs' time to close). `via: 'temporal'` instead awaits each workflow's result from Temporal.
 */
export function conveyorPath(apiUrl: string, client: Client, via: 'api' | 'temporal' = 'api'): BenchPath {
  const recent: string[] = [];
  const one: BenchPath = async () => {
    const url = `${apiUrl}/api/tasks/noop${via === 'api' ? '?wait=60s' : ''}`;
    let res = await call('POST', url, '{"inputs":{}}');
    // A shared, overloaded Postgres can refuse a connection for a moment (503): retry as a client would, counting the time.
    for (let retry = 0; res.status === 503 && retry < 5; retry++) {
      await new Promise((r) => setTimeout(r, 100));
      res = await call('POST', url, '{"inputs":{}}');
    }
    const body = JSON.parse(res.body) as { id: string; status?: string; result?: { ok?: boolean } };
    if (via === 'api') {
      if (res.status !== 200 || body.status !== 'complete' || body.result?.ok !== true) throw new Error(`trigger answered ${res.status}: ${res.body}`);
      recent.push(body.id);
      if (recent.length > 200) recent.splice(0, recent.length - 200);
      return;
    }
    if (res.status !== 202) throw new Error(`trigger answered ${res.status}: ${res.body}`);
    // The workflow's result is the task's; the activity has marked the row complete before returning it.
    const result = (await client.workflow.getHandle(body.id).result()) as { ok?: boolean } | undefined;
    if (result?.ok !== true) throw new Error(`run ${body.id} ended with ${JSON.stringify(result)}`);
  };
  one.settle = async (inFlight) => {
    const last = recent.splice(0).slice(-2 * inFlight);
    await Promise.all(last.map((id) => client.workflow.getHandle(id).result()));
  };
  return one;
}
