// The Temporal config Conveyor relies on has one home (DEV_SERVER_TUNING + CLUSTER_DYNAMIC_CONFIG);
// the committed files the containers read must say the same.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { load } from 'js-yaml';
import { CLUSTER_DYNAMIC_CONFIG, parseDynamicConfig, renderDynamicConfig } from '../../src/infra/cluster/dynamic-config.js';
import { renderServerConfig } from '../../src/infra/cluster/server-config.js';
import { DEV_SERVER_TUNING } from '../../src/infra/temporal-dev-server.js';

const yaml = (path: string) => load(readFileSync(path, 'utf8')) as Record<string, any>;

describe('Temporal cluster config', () => {
  it('the dynamic config has the dev server tuning plus eager start, the priority matcher and fairness, typed', () => {
    const values = parseDynamicConfig(CLUSTER_DYNAMIC_CONFIG);
    for (const [key, value] of parseDynamicConfig(DEV_SERVER_TUNING)) assert.deepEqual(values.get(key), value, key);
    assert.equal(values.get('system.enableEagerWorkflowStart'), true);
    assert.equal(values.get('system.enableActivityEagerExecution'), true);
    assert.equal(values.get('matching.useNewMatcher'), true);
    assert.equal(values.get('matching.enableFairness'), true);
    assert.equal(values.get('history.transferProcessorMaxPollRPS'), 2000);
    const rendered = load(renderDynamicConfig()) as Record<string, Array<{ value: unknown }>>;
    assert.deepEqual(rendered['matching.useNewMatcher'], [{ value: true, constraints: {} }]);
    assert.throws(() => parseDynamicConfig(['no-equals-sign']), /not key=value/);
  });

  it('deploy/temporal/dynamic-config.yaml (mounted by docker-compose.yml) is the generated one', () => {
    assert.equal(readFileSync('deploy/temporal/dynamic-config.yaml', 'utf8'), renderDynamicConfig(), 'regenerate it from renderDynamicConfig()');
  });

  it('docker-compose.dev.yml starts its dev server with every DEV_SERVER_TUNING value', () => {
    const command = yaml('docker-compose.dev.yml').services.temporal.command as string[];
    for (const value of DEV_SERVER_TUNING) assert.ok(command.includes(`--dynamic-config-value=${value}`), value);
  });

  it('docker-compose.yml runs 2 API and 2 worker replicas, the full server with our dynamic config, and the admin step', () => {
    const { services } = yaml('docker-compose.yml');
    assert.equal(services.api.deploy.replicas, 2);
    assert.equal(services.worker.deploy.replicas, 2);
    assert.match(services.temporal.image, /^temporalio\/server:/);
    assert.ok((services.temporal.volumes as string[]).some((v) => v.startsWith('./deploy/temporal/dynamic-config.yaml:')));
    assert.deepEqual(services['conveyor-setup'].command, ['npx', 'tsx', 'scripts/temporal-setup.ts']);
    assert.match(services.api.environment.CONVEYOR_BOOTSTRAP_API_KEY, /^\$\{CONVEYOR_BOOTSTRAP_API_KEY:\?/);
  });

  it('the server config puts both stores on Postgres with the given ports and credentials', () => {
    const ports = {
      grpc: { frontend: 21001, history: 21002, matching: 21003, worker: 21004 },
      membership: { frontend: 21011, history: 21012, matching: 21013, worker: 21014 },
      frontendHttp: 21020,
    };
    const config = load(
      renderServerConfig({ postgresUrl: 'postgres://tem%40p:s3cr%2Ft@db.local:6543/postgres', databases: { temporal: 't', visibility: 'v' }, ports, dynamicConfigPath: '/x/dc.yaml' }),
    ) as Record<string, any>;
    const main = config.persistence.datastores[config.persistence.defaultStore].sql;
    const visibility = config.persistence.datastores[config.persistence.visibilityStore].sql;
    assert.deepEqual([main.pluginName, main.databaseName, main.connectAddr, main.user, main.password], ['postgres12', 't', 'db.local:6543', 'tem@p', 's3cr/t']);
    assert.equal(visibility.databaseName, 'v');
    assert.equal(config.services.matching.rpc.grpcPort, 21003);
    assert.equal(config.services.frontend.rpc.httpPort, 21020);
    assert.equal(config.services.worker.rpc.membershipPort, 21014);
    assert.equal(config.clusterMetadata.clusterInformation.active.rpcAddress, '127.0.0.1:21001');
    assert.equal(config.dynamicConfigClient.filepath, '/x/dc.yaml');
  });
});
