// `npm start`: the whole local stack in one command — Temporal dev server, Postgres,
// worker and API. Ctrl-C stops all of it; child servers die with us.
import path from 'node:path';
import { startApi } from './api/server.js';
import { loadConfig } from './config.js';
import { startEmbeddedPostgres } from './infra/embedded-postgres.js';
import { ensureTemporalCli } from './infra/temporal-cli.js';
import { startDevServer } from './infra/temporal-dev-server.js';
import { createLogger } from './logger.js';
import { startWorker } from './worker.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, 'conveyor');
  const stops: Array<() => Promise<void>> = [];
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    for (const stop of stops.reverse()) await stop().catch((err: unknown) => logger.error({ err }, 'error while stopping'));
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => void stopAll(0));

  try {
    let address = config.temporal.address;
    let uiUrl = config.temporal.uiUrl;
    if (!address) {
      const cliPath = await ensureTemporalCli({ explicitPath: config.temporal.cliPath });
      const server = await startDevServer({ cliPath, dataDir: path.join(config.dataDir, 'temporal'), port: 7233, uiPort: config.temporal.uiPort });
      stops.push(() => server.stop());
      address = server.address;
      uiUrl = server.uiUrl ?? uiUrl;
    }
    let databaseUrl = config.databaseUrl;
    if (!databaseUrl) {
      const pg = await startEmbeddedPostgres(config.dataDir);
      stops.push(() => pg.stop());
      databaseUrl = pg.url;
    }
    const worker = await startWorker(config, address, databaseUrl, logger);
    stops.push(() => worker.stop());
    const api = await startApi({ ...config, temporal: { ...config.temporal, uiUrl } }, address, databaseUrl, logger);
    stops.push(() => api.stop());
    console.log(`\nConveyor is running.\n  API:         ${api.url}\n  Temporal UI: ${uiUrl}\n  Temporal:    ${address}\nPress Ctrl-C to stop.\n`);
    worker.done.then(() => void stopAll(stopping ? 0 : 1), () => void stopAll(1));
  } catch (error) {
    console.error(`Conveyor failed to start: ${error instanceof Error ? error.message : String(error)}`);
    await stopAll(1);
  }
}

void main();
