// Makes sure the full Temporal server and its SQL tool exist in ~/.cache/conveyor/bin (a one-time
// `go install`, minutes) and prints the server's path. Used by .ci/run before the cluster test.
import { ensureTemporalServer } from '../src/infra/cluster/server-build.js';

ensureTemporalServer({ print: (line) => console.error(line) })
  .then(({ server, buildMs }) => {
    if (buildMs) console.error(`built in ${Math.round(buildMs / 1000)} s`);
    console.log(server);
  })
  .catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
