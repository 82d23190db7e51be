import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Logger } from '../logger.js';
import type { TaskRegistry } from '../tasks/registry.js';

export interface ApiDeps {
  db: Kysely<Database>;
  client: Client;
  registry: TaskRegistry;
  logger: Logger;
  namespace: string;
  taskQueue: string;
  temporalUiUrl: string;
  /** Triggers in flight beyond this get 429 instead of queueing without bound. */
  maxPendingTriggers: number;
  /** How long a trigger waits for Temporal to accept the start before answering 503 (the client retries meanwhile). */
  triggerTimeoutMs?: number;
  /** Largest accepted request body (body-parser syntax: '1mb', '200kb'); larger gets 413. */
  bodyLimit?: string;
  /** The API's public base URL; webhook URLs are absolute with it, relative without. */
  publicUrl?: string;
  /** Production: API keys are always required (otherwise only once one exists). */
  production?: boolean;
}
