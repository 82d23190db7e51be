// Makes sure a `temporal` CLI exists (TEMPORAL_CLI_PATH, PATH, the cache, or a one-time
// `go install`) and prints its path. Used by .ci/run; `npm start` does the same on its own.
import { ensureTemporalCli } from '../src/infra/temporal-cli.js';

ensureTemporalCli({ explicitPath: process.env.TEMPORAL_CLI_PATH, print: (line) => console.error(line) })
  .then((path) => console.log(path))
  .catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
