// The full server's static config (the shape of the module's config/development-postgres12.yaml):
// persistence and visibility on Postgres, the four services on loopback ports, our dynamic config.
import { dump } from 'js-yaml';
import type { TemporalDatabases } from './schema.js';

/** Fixed when a persistence database is first used; a later change is refused by the server. */
export const NUM_HISTORY_SHARDS = 4;

export const TEMPORAL_SERVICES = ['frontend', 'history', 'matching', 'worker'] as const;
export type TemporalService = (typeof TEMPORAL_SERVICES)[number];

export interface ServerPorts {
  grpc: Record<TemporalService, number>;
  membership: Record<TemporalService, number>;
  /** The frontend's HTTP API. */
  frontendHttp: number;
}

export interface ServerConfigInput {
  /** Postgres as a URL (user, password, host, port); the database part is ignored. */
  postgresUrl: string;
  databases: TemporalDatabases;
  ports: ServerPorts;
  dynamicConfigPath: string;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
}

export function renderServerConfig({ postgresUrl, databases, ports, dynamicConfigPath, logLevel = 'warn' }: ServerConfigInput): string {
  const url = new URL(postgresUrl);
  const sql = (databaseName: string, maxConns: number) => ({
    sql: {
      pluginName: 'postgres12',
      databaseName,
      connectAddr: `${url.hostname}:${url.port || '5432'}`,
      connectProtocol: 'tcp',
      user: decodeURIComponent(url.username) || 'postgres',
      password: decodeURIComponent(url.password),
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  });
  const services = Object.fromEntries(
    TEMPORAL_SERVICES.map((service) => [
      service,
      {
        rpc: {
          grpcPort: ports.grpc[service],
          membershipPort: ports.membership[service],
          bindOnLocalHost: true,
          ...(service === 'frontend' ? { httpPort: ports.frontendHttp } : {}),
        },
      },
    ]),
  );
  const config = {
    log: { stdout: true, level: logLevel },
    persistence: {
      defaultStore: 'postgres-default',
      visibilityStore: 'postgres-visibility',
      numHistoryShards: NUM_HISTORY_SHARDS,
      // Per service: the four services in one process hold up to 4 × (10 + 2) connections.
      datastores: { 'postgres-default': sql(databases.temporal, 10), 'postgres-visibility': sql(databases.visibility, 2) },
    },
    global: { membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' } },
    services,
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: { active: { enabled: true, initialFailoverVersion: 1, rpcName: 'frontend', rpcAddress: `127.0.0.1:${ports.grpc.frontend}` } },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    dynamicConfigClient: { filepath: dynamicConfigPath, pollInterval: '10s' },
  };
  return dump(config, { lineWidth: -1 });
}
