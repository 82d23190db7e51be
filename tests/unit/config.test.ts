import assert from 'node:assert/strict';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('configuration from the environment', () => {
  it('has the defaults the README lists', () => {
    const c = loadConfig({});
    assert.equal(c.port, 3000);
    assert.equal(c.host, '127.0.0.1');
    assert.equal(c.databaseUrl, undefined);
    assert.equal(c.temporal.address, undefined);
    assert.equal(c.temporal.namespace, 'default');
    assert.equal(c.temporal.uiUrl, 'http://localhost:8233');
    assert.equal(c.temporal.taskQueue, 'conveyor');
    assert.equal(c.dataDir, path.resolve('.conveyor'));
    assert.equal(c.tasksDir, path.resolve('tasks'));
    assert.equal(c.reconcileIntervalMs, 30_000);
    assert.equal(c.heartbeatIntervalMs, 1_000);
    assert.equal(c.maxPendingTriggers, 1_000);
    assert.equal(c.triggerTimeoutMs, 10_000);
    assert.equal(c.bodyLimit, '1mb');
    assert.equal(c.workerMetricsAddress, '127.0.0.1:9464');
    assert.equal(c.dbPoolSize, 20);
    assert.equal(c.eagerStart, true);
    assert.equal(c.logLevel, 'info');
    assert.equal(c.production, false);
  });

  it('reads overrides, and `off` disables the worker metrics port', () => {
    const c = loadConfig({ PORT: '8080', CONVEYOR_HEARTBEAT_INTERVAL: '250ms', CONVEYOR_WORKER_METRICS_ADDRESS: 'off', NODE_ENV: 'production', TEMPORAL_UI_PORT: '9000', CONVEYOR_EAGER_START: 'off' });
    assert.equal(c.port, 8080);
    assert.equal(c.eagerStart, false);
    assert.equal(c.heartbeatIntervalMs, 250);
    assert.equal(c.workerMetricsAddress, undefined);
    assert.equal(c.production, true);
    assert.equal(c.temporal.uiUrl, 'http://localhost:9000');
  });

  it('refuses bad values, naming each variable', () => {
    assert.throws(() => loadConfig({ PORT: 'eighty', CONVEYOR_RECONCILE_INTERVAL: 'often', CONVEYOR_BODY_LIMIT: 'huge' }), (error: Error) => {
      assert.ok(error instanceof ConfigError);
      for (const name of ['PORT', 'CONVEYOR_RECONCILE_INTERVAL', 'CONVEYOR_BODY_LIMIT']) assert.match(error.message, new RegExp(name));
      return true;
    });
  });
});
