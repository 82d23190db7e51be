import type { ServiceDeps } from '../services/deps.js';
import type { LiveHub } from './live/hub.js';

export interface ApiDeps extends ServiceDeps {
  /** Triggers in flight beyond this get 429 instead of queueing without bound. */
  maxPendingTriggers: number;
  /** Largest accepted request body (body-parser syntax: '1mb', '200kb'); larger gets 413. */
  bodyLimit?: string;
  /** The API's public base URL; webhook URLs are absolute with it, relative without. */
  publicUrl?: string;
  /** Production: API keys are always required (otherwise only once one exists). */
  production?: boolean;
  /** The settings definitions using built-in kinds are checked with (CONVEYOR_ALLOW_COMMANDS); default the process's. */
  kindEnv?: Readonly<Record<string, string | undefined>>;
  /** The process's one LISTEN connection fanned out to SSE streams (server.ts makes it); without it log streams poll. */
  live?: LiveHub;
}
