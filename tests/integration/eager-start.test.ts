// npm start: the API starts workflows through the worker's own NativeConnection with
// requestEagerStart, so the run's first workflow task comes back in the start's answer.
import assert from 'node:assert/strict';
import { Client } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { sql } from 'kysely';
import { startApi } from '../../src/api/server.js';
import { triggerRun } from '../../src/services/trigger.js';
import type { ServiceDeps } from '../../src/services/deps.js';
import { useHarness, logger } from '../support/harness.js';
import { startTcpProxy } from '../support/tcp-proxy.js';

describe('eager workflow start (API and worker in one process)', () => {
  const h = useHarness();

  /** A client on the worker's connection whose starts report whether the server started them eagerly. */
  function eagerClient(): { client: Client; eagerly: boolean[] } {
    const client = new Client({ connection: h.worker!.connection });
    const eagerly: boolean[] = [];
    const start = client.workflow.start.bind(client.workflow);
    client.workflow.start = (async (...args: Parameters<typeof start>) => {
      const handle = await start(...args);
      eagerly.push(handle.eagerlyStarted);
      return handle;
    }) as typeof start;
    return { client, eagerly };
  }

  const deps = (startClient: Client): ServiceDeps => ({
    db: h.db, client: h.client, registry: h.registry, logger, namespace: 'default', taskQueue: h.taskQueue, temporalUiUrl: 'http://localhost:8233', startClient, eagerStart: true,
  });

  it('starts the run on this worker eagerly, and it completes as any run does', async () => {
    const { client, eagerly } = eagerClient();
    const { run, created } = await triggerRun(deps(client), { task: h.registry.get('echo')!, inputs: { message: 'eager' }, triggeredBy: 'api' });
    assert.equal(created, true);
    assert.deepEqual(eagerly, [true]);
    const done = await h.waitForRun(run.id);
    assert.equal(done.status, 'complete');
    assert.deepEqual(done.result, { message: 'eager', count: 1 });
  });

  it('keeps idempotency through the worker connection: a finished run is found, not started again', async () => {
    const { client, eagerly } = eagerClient();
    const request = { task: h.registry.get('noop')!, inputs: null, triggeredBy: 'api' as const, idempotencyKey: 'eager-once' };
    const first = await triggerRun(deps(client), request);
    await h.client.workflow.getHandle(first.run.id).result();
    // The workflow has closed: REJECT_DUPLICATE answers "already started" through the native connection too.
    const again = await triggerRun(deps(client), request);
    assert.equal(again.created, false);
    assert.equal(again.run.id, first.run.id);
    assert.equal(eagerly.length, 1);
    const { executions } = await h.client.workflowService.listWorkflowExecutions({ namespace: 'default', query: `WorkflowId = '${first.run.id}'` });
    assert.equal(executions.length, 1);
  });

  it('is what startApi wires when given the worker connection (npm start), and CONVEYOR_EAGER_START=off turns it off', async () => {
    for (const eagerStart of [true, false]) {
      const api = await startApi({ ...h.config, eagerStart }, h.temporalAddress, h.databaseUrl, logger, { workerConnection: h.worker!.connection });
      try {
        const res = await fetch(`${api.url}/api/tasks/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ inputs: { message: String(eagerStart) } }) });
        assert.equal(res.status, 202);
        const { id } = (await res.json()) as { id: string };
        const done = await h.waitForRun(id);
        assert.equal(done.status, 'complete');
        assert.deepEqual(done.result, { message: String(eagerStart), count: 1 });
      } finally {
        await api.stop();
      }
    }
    // The API closed only its own connection: the worker still runs on the one it shared.
    const after = await h.request('POST', '/api/tasks/noop', { inputs: {} });
    assert.equal(after.status, 202);
    assert.equal((await h.waitForRun(after.body.id)).status, 'complete');
  });

  it('answers 503 by the trigger deadline while Temporal is unreachable, although the Rust client keeps retrying', async function () {
    this.timeout(60_000);
    const [host, port] = h.temporalAddress.split(':');
    const proxy = await startTcpProxy({ host, port: Number(port) });
    const connection = await NativeConnection.connect({ address: `127.0.0.1:${proxy.port}` });
    try {
      proxy.cut();
      // Temporal is back after 4 s: a trigger still waiting on the client's own retries then would start (202).
      const back = setTimeout(() => proxy.restore(), 4_000);
      const attempt = triggerRun({ ...deps(new Client({ connection })), triggerTimeoutMs: 1_000 }, { task: h.registry.get('noop')!, inputs: null, triggeredBy: 'api', tags: ['unreachable'] });
      await assert.rejects(attempt, (error: { status?: number; code?: string }) => error.status === 503 && error.code === 'temporal_unavailable');
      const rows = await h.directDb.selectFrom('runs').select('id').where(sql<boolean>`tags @> ARRAY['unreachable']::text[]`).execute();
      assert.equal(rows.length, 0, 'the refused trigger removed its row');
      clearTimeout(back);
    } finally {
      proxy.restore();
      await connection.close();
      await proxy.close();
    }
  });
});
