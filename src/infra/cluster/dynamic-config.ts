// The Temporal dynamic config Conveyor relies on, for a full server: the dev server's tuning
// (one list, DEV_SERVER_TUNING) plus what the dev server does not need spelled out. Rendered
// as the YAML file a server reads (`dynamicConfigClient.filepath`); deploy/temporal/dynamic-config.yaml
// is this output, committed for docker-compose.yml (a unit test keeps the two equal).
import { dump } from 'js-yaml';
import { DEV_SERVER_TUNING } from '../temporal-dev-server.js';

export const CLUSTER_DYNAMIC_CONFIG = [
  ...DEV_SERVER_TUNING,
  // The server's default is already on in 1.29; spelled out because eager start is relied on.
  'system.enableEagerWorkflowStart=true',
  // Fairness keys (not used yet) need the tasks_v2 tables of schema v1.18; implies useNewMatcher.
  'matching.enableFairness=true',
];

/** `key=value` entries (values as the dev server's `--dynamic-config-value` takes them: JSON, else a string); the last of a key wins. */
export function parseDynamicConfig(entries: readonly string[]): Map<string, unknown> {
  const values = new Map<string, unknown>();
  for (const entry of entries) {
    const at = entry.indexOf('=');
    if (at <= 0) throw new Error(`dynamic config entry ${JSON.stringify(entry)} is not key=value`);
    const raw = entry.slice(at + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // not JSON: a plain string
    }
    values.set(entry.slice(0, at), value);
  }
  return values;
}

export function renderDynamicConfig(entries: readonly string[] = CLUSTER_DYNAMIC_CONFIG): string {
  const document: Record<string, Array<{ value: unknown; constraints: Record<string, never> }>> = {};
  for (const [key, value] of parseDynamicConfig(entries)) document[key] = [{ value, constraints: {} }];
  return `# Generated from src/infra/cluster/dynamic-config.ts (CLUSTER_DYNAMIC_CONFIG); edit there.\n${dump(document, { lineWidth: -1 })}`;
}
