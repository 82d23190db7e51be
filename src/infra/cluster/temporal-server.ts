// Runs the full Temporal server (all four services in one process) on Postgres with our
// generated config and dynamic config; resolves once its frontend answers.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import net from 'node:net';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { waitReachable } from '../temporal-dev-server.js';
import { CLUSTER_DYNAMIC_CONFIG, renderDynamicConfig } from './dynamic-config.js';
import type { TemporalDatabases } from './schema.js';
import { renderServerConfig, TEMPORAL_SERVICES, type ServerPorts, type TemporalService } from './server-config.js';
import { stopProcessGroup } from './process-group.js';

export interface TemporalServerOptions {
  binary: string;
  /** Where config/cluster.yaml, the dynamic config and server.log are written. */
  dir: string;
  postgresUrl: string;
  databases: TemporalDatabases;
  /** The frontend's gRPC port; the other ports are picked free. */
  frontendPort?: number;
  /** `key=value` entries over CLUSTER_DYNAMIC_CONFIG (the last of a key wins), e.g. for an A/B benchmark. */
  dynamicConfig?: string[];
  startTimeoutMs?: number;
}

export interface RunningTemporalServer {
  address: string;
  process: ChildProcess;
  logFile: string;
  stop(): Promise<void>;
}

/**
 * A free port below 32768: the server stores its services' ports in cluster_membership as a
 * smallint, so the kernel's ephemeral range (what port 0 gives) makes it exit at start.
 */
async function freeSmallintPort(taken: Set<number>): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (taken.has(port)) continue;
    const free = await new Promise<boolean>((resolve) => {
      const server = net.createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) {
      taken.add(port);
      return port;
    }
  }
}

async function pickPorts(frontendPort?: number): Promise<ServerPorts> {
  const taken = new Set<number>(frontendPort ? [frontendPort] : []);
  const ports = async () => {
    const picked = {} as Record<TemporalService, number>;
    for (const service of TEMPORAL_SERVICES) picked[service] = await freeSmallintPort(taken);
    return picked;
  };
  const grpc = await ports();
  if (frontendPort) grpc.frontend = frontendPort;
  return { grpc, membership: await ports(), frontendHttp: await freeSmallintPort(taken) };
}

export async function startTemporalServer(options: TemporalServerOptions): Promise<RunningTemporalServer> {
  const configDir = path.join(options.dir, 'config');
  await mkdir(configDir, { recursive: true });
  const dynamicConfigPath = path.join(options.dir, 'dynamic-config.yaml');
  const ports = await pickPorts(options.frontendPort);
  await writeFile(dynamicConfigPath, renderDynamicConfig([...CLUSTER_DYNAMIC_CONFIG, ...(options.dynamicConfig ?? [])]));
  await writeFile(path.join(configDir, 'cluster.yaml'), renderServerConfig({ postgresUrl: options.postgresUrl, databases: options.databases, ports, dynamicConfigPath }), { mode: 0o600 });
  const logFile = path.join(options.dir, 'server.log');
  const log = openSync(logFile, 'w');
  // Its own process group: a Ctrl-C reaches the stack, which stops the server last, after the workers drained.
  const child = spawn(options.binary, ['--root', options.dir, '--config', 'config', '--env', 'cluster', '--allow-no-auth', 'start'], {
    stdio: ['ignore', log, log],
    detached: true,
  });
  closeSync(log);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const address = `127.0.0.1:${ports.grpc.frontend}`;
  const deadline = Date.now() + (options.startTimeoutMs ?? 120_000);
  for (;;) {
    const state = await Promise.race([exited.then((code) => ({ code })), waitReachable(address).then((ok) => ({ ok }))]);
    if ('code' in state) throw new Error(`the Temporal server exited (code ${state.code}) before it answered; see ${logFile}`);
    if (state.ok) break;
    if (Date.now() > deadline) {
      await stopProcessGroup(child, 0);
      throw new Error(`the Temporal server did not answer on ${address}; see ${logFile}`);
    }
  }
  return { address, process: child, logFile, stop: () => stopProcessGroup(child, 15_000) };
}
