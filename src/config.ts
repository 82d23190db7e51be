import path from 'node:path';
import { z } from 'zod';
import { durationMsSchema } from './tasks/duration-schema.js';
import { DEFAULT_TASK_QUEUE } from './runs/contract.js';

const duration = (fallback: string) => durationMsSchema().prefault(fallback);
const optional = z.string().trim().min(1).optional().catch(undefined);

/** Every environment variable Conveyor reads, with its default (README lists them). */
const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  PUBLIC_URL: optional,
  DATABASE_URL: optional,
  TEMPORAL_ADDRESS: optional,
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_CLI_PATH: optional,
  TEMPORAL_UI_URL: optional,
  TEMPORAL_UI_PORT: z.coerce.number().int().default(8233),
  TEMPORAL_PORT: z.coerce.number().int().min(1).max(65535).default(7233),
  CONVEYOR_POSTGRES_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
  CONVEYOR_TASK_QUEUE: z.string().default(DEFAULT_TASK_QUEUE),
  CONVEYOR_DATA_DIR: z.string().default('.conveyor'),
  CONVEYOR_TASKS_DIR: z.string().default('tasks'),
  CONVEYOR_RECONCILE_INTERVAL: duration('30s'),
  CONVEYOR_HEARTBEAT_INTERVAL: duration('1s'),
  CONVEYOR_MAX_PENDING_TRIGGERS: z.coerce.number().int().min(1).default(1000),
  CONVEYOR_TRIGGER_TIMEOUT: duration('10s'),
  CONVEYOR_BODY_LIMIT: z.string().regex(/^\d+(b|kb|mb)$/i, "a size like '1mb' or '200kb'").default('1mb'),
  CONVEYOR_WORKER_METRICS_ADDRESS: z.string().trim().default('127.0.0.1:9464'),
  CONVEYOR_DB_POOL_SIZE: z.coerce.number().int().min(1).default(20),
  // Never echoed: zod's messages for these checks do not include the value.
  CONVEYOR_BOOTSTRAP_API_KEY: z.preprocess(
    (value) => (value === '' ? undefined : value),
    z
      .string()
      .min(32, 'at least 32 characters (e.g. `openssl rand -hex 32`)')
      .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces')
      .optional(),
  ),
  CONVEYOR_EAGER_START: z.enum(['on', 'off']).default('on'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  NODE_ENV: z.string().default('development'),
});

export type Env = z.infer<typeof envSchema>;

export interface Config {
  port: number;
  host: string;
  publicUrl?: string;
  databaseUrl?: string;
  temporal: { address?: string; namespace: string; cliPath?: string; uiUrl: string; uiPort: number; taskQueue: string };
  /** Ports of the servers `conveyor dev` (npm start) runs itself: the Temporal dev server and embedded Postgres. */
  devPorts: { temporal: number; postgres: number };
  dataDir: string;
  tasksDir: string;
  reconcileIntervalMs: number;
  heartbeatIntervalMs: number;
  maxPendingTriggers: number;
  triggerTimeoutMs: number;
  bodyLimit: string;
  /** host:port of the worker's Temporal SDK metrics (Prometheus); undefined = off. */
  workerMetricsAddress?: string;
  dbPoolSize: number;
  /** Stored (hashed) as the first API key when the API starts and none exists yet. */
  bootstrapApiKey?: string;
  /** npm start: triggers start their workflows eagerly on the worker of the same process. */
  eagerStart: boolean;
  logLevel: Env['LOG_LEVEL'];
  production: boolean;
  /**
   * The CONVEYOR_* settings of built-in task kinds (src/kinds): CONVEYOR_ALLOW_COMMANDS,
   * CONVEYOR_COMMAND_ENV_ALLOW, CONVEYOR_HTTP_ALLOW, CONVEYOR_AI_*. Kinds read them from here
   * (KindContext.env); a command's child never sees them unless its spec passes them on.
   */
  kindEnv: Readonly<Record<string, string | undefined>>;
}

/** The CONVEYOR_* variables of an environment: the settings kinds read. */
export function kindSettings(env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(env).filter(([name]) => name.startsWith('CONVEYOR_')));
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl: e.PUBLIC_URL,
    databaseUrl: e.DATABASE_URL,
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      cliPath: e.TEMPORAL_CLI_PATH,
      uiUrl: (e.TEMPORAL_UI_URL ?? `http://localhost:${e.TEMPORAL_UI_PORT}`).replace(/\/$/, ''),
      uiPort: e.TEMPORAL_UI_PORT,
      taskQueue: e.CONVEYOR_TASK_QUEUE,
    },
    devPorts: { temporal: e.TEMPORAL_PORT, postgres: e.CONVEYOR_POSTGRES_PORT },
    dataDir: path.resolve(e.CONVEYOR_DATA_DIR),
    tasksDir: path.resolve(e.CONVEYOR_TASKS_DIR),
    reconcileIntervalMs: e.CONVEYOR_RECONCILE_INTERVAL,
    heartbeatIntervalMs: e.CONVEYOR_HEARTBEAT_INTERVAL,
    maxPendingTriggers: e.CONVEYOR_MAX_PENDING_TRIGGERS,
    triggerTimeoutMs: e.CONVEYOR_TRIGGER_TIMEOUT,
    bodyLimit: e.CONVEYOR_BODY_LIMIT,
    workerMetricsAddress: ['', 'off'].includes(e.CONVEYOR_WORKER_METRICS_ADDRESS) ? undefined : e.CONVEYOR_WORKER_METRICS_ADDRESS,
    dbPoolSize: e.CONVEYOR_DB_POOL_SIZE,
    bootstrapApiKey: e.CONVEYOR_BOOTSTRAP_API_KEY,
    eagerStart: e.CONVEYOR_EAGER_START === 'on',
    logLevel: e.LOG_LEVEL,
    production: e.NODE_ENV === 'production',
    kindEnv: kindSettings(env),
  };
}
