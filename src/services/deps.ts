import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Logger } from '../logger.js';
import type { TaskRegistry } from '../tasks/registry.js';

/** What the transport-free services need; the API, webhooks, the dashboard and the CLI all provide it. */
export interface ServiceDeps {
  db: Kysely<Database>;
  client: Client;
  registry: TaskRegistry;
  logger: Logger;
  namespace: string;
  taskQueue: string;
  temporalUiUrl: string;
  /**
   * npm start: a client on the NativeConnection of a worker in this process that polls `taskQueue`.
   * Triggers start through it with `requestEagerStart` (when `eagerStart`), so the run's first
   * workflow task comes back in the start's answer instead of through the server's matching.
   */
  startClient?: Client;
  eagerStart?: boolean;
  /** How long a trigger waits for Temporal to accept the start before answering 503 (the client retries meanwhile). */
  triggerTimeoutMs?: number;
}
