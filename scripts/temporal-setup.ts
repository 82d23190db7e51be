// `npm run temporal:setup`: makes TEMPORAL_NAMESPACE (default `default`) on TEMPORAL_ADDRESS ready
// for Conveyor: registered if missing, with Conveyor's search attributes. Idempotent: the one-shot
// admin step of docker-compose.yml, and what to run once against any new Temporal cluster.
import { requireEnv } from '../src/bootstrap.js';
import { loadConfig } from '../src/config.js';
import { prepareNamespace } from '../src/infra/cluster/namespace.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const address = requireEnv(config.temporal.address, 'TEMPORAL_ADDRESS', 'the Temporal frontend to set up');
  await prepareNamespace({ address, namespace: config.temporal.namespace, log: (line) => console.log(line) });
  console.log(`Temporal namespace ${config.temporal.namespace} at ${address} is ready for Conveyor`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
