// `npm run keys:create -- --name <name>`: creates an API key and prints it once. Only its
// SHA-256 hash (and a short prefix, to tell keys apart) is stored, so a lost key is replaced, never recovered.
import { parseArgs } from 'node:util';
import pino from 'pino';
import { openDatabase, requireEnv } from '../src/bootstrap.js';
import { loadConfig } from '../src/config.js';
import { createApiKey } from '../src/db/api-keys.repository.js';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { name: { type: 'string' } }, strict: true });
  const name = values.name?.trim();
  if (!name || name.length > 200) throw new Error('usage: npm run keys:create -- --name <name> (1 to 200 characters)');
  const config = loadConfig();
  const databaseUrl = requireEnv(config.databaseUrl, 'DATABASE_URL', 'the key is stored in the Postgres the API uses');
  // Logs go to stderr: stdout carries the key alone, so `KEY=$(npm run -s keys:create -- --name x)` works.
  const logger = pino({ name: 'conveyor-keys', level: config.logLevel }, pino.destination(2));
  const db = await openDatabase(databaseUrl, logger, 1);
  try {
    const { key, apiKey } = await createApiKey(db, name);
    console.error(`Created API key ${JSON.stringify(apiKey.name)} (${apiKey.id}, ${apiKey.prefix}…). It is shown only now; store it safely:`);
    console.log(key);
  } finally {
    await db.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
