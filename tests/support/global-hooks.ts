import { leakedWorkers } from './harness.js';
import { adminQuery, tearDown } from './suite.js';
import { killAllWorkerProcesses, liveWorkerProcesses } from './worker-process.js';

// Infrastructure starts lazily on first use (unit-only runs start nothing) and stops once at the end.
// A test file that leaks a worker or a database connection fails the run in the root after-all hook.
export const mochaHooks = {
  async afterAll(): Promise<void> {
    const workers = leakedWorkers();
    const processes = liveWorkerProcesses();
    killAllWorkerProcesses();
    const connections = await adminQuery(
      `SELECT datname, count(*)::int AS n FROM pg_stat_activity WHERE datname LIKE 'conveyor_test_${process.pid}_%' GROUP BY datname`,
    );
    const leaks = [
      ...(workers > 0 ? [`${workers} worker(s) still running`] : []),
      ...(processes > 0 ? [`${processes} worker process(es) still alive`] : []),
      ...connections.rows.map((r: { datname: string; n: number }) => `${r.n} open connection(s) to ${r.datname}`),
    ];
    if (leaks.length) throw new Error(`test files leaked resources: ${leaks.join('; ')}`);
  },
};

export async function mochaGlobalTeardown(): Promise<void> {
  await tearDown();
}
