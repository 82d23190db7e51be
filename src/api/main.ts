// The API process alone: `npm run api` against TEMPORAL_ADDRESS and DATABASE_URL.
import { requireEnv } from '../bootstrap.js';
import { loadConfig } from '../config.js';
import { createLogger } from '../logger.js';
import { startApi } from './server.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, 'conveyor-api');
  const address = requireEnv(config.temporal.address, 'TEMPORAL_ADDRESS', '`npm run api` connects to an existing Temporal server (`npm start` runs everything)');
  const databaseUrl = requireEnv(config.databaseUrl, 'DATABASE_URL', '`npm run api` connects to an existing Postgres');
  const api = await startApi(config, address, databaseUrl, logger);
  logger.info({ url: api.url }, 'API listening');
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void api.stop());
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
