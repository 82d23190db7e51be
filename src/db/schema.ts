import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { RunStatus, TriggerSource } from '../runs/states.js';
import type { LogLevel } from '../tasks/ml.types.js';
import type { NodeStatus } from '../dag/types.js';
import type { ErrorClass } from '../kinds/types.js';

/** JSON columns: written as a JSON string, read back parsed by pg. */
type Json = ColumnType<unknown, string | null, string | null>;

export interface RunError {
  message: string;
  type: string;
  stack?: string;
  details?: unknown;
  /** transient | permanent | resource | dependency (src/runs/error-class.ts). */
  class?: ErrorClass;
}

export interface RunsTable {
  id: string;
  task: string;
  status: RunStatus;
  triggered_by: TriggerSource;
  inputs: Json;
  result: Json;
  error: ColumnType<RunError | null, string | null, string | null>;
  attempt: Generated<number>;
  temporal_run_id: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  started_at: Date | null;
  completed_at: Date | null;
  kind: Generated<'task' | 'workflow'>;
  tags: Generated<string[]>;
  idempotency_key: string | null;
  schedule_id: string | null;
  rerun_of: string | null;
  /** Delay: the run stays pending until then. */
  run_at: Date | null;
  /** TTL: a run not running by then ends as `expired`. */
  expires_at: Date | null;
  /** kind = workflow: the definition version the run is pinned to. */
  workflow_slug: string | null;
  workflow_version: number | null;
  /** 1 runs first, 5 last (default 3). */
  priority: Generated<number>;
  /** The concurrency key the trigger gave (overrides the task's key expression). */
  concurrency_key: string | null;
  /** Which limit a `queued` run waits for, and its position then. */
  queued_reason: string | null;
}

/** An attempt holding (`held`) or waiting for a concurrency slot (migration 0011). */
export interface ConcurrencySlotsTable {
  run_id: string;
  attempt: number;
  scope: string;
  key: string;
  priority: number;
  enqueued_at: Generated<Date>;
  held: Generated<boolean>;
  lease_expires_at: Date;
}

export interface RunStepsTable {
  run_id: string;
  node_id: string;
  status: NodeStatus;
  attempt: Generated<number>;
  inputs: Json;
  output: Json;
  error: ColumnType<RunError | null, string | null, string | null>;
  reason: Json;
  started_at: Date | null;
  completed_at: Date | null;
  updated_at: Generated<Date>;
}

export interface RunLogsTable {
  seq: Generated<string>; // bigint identity; pg returns int8 as string
  /** The line's place in its run's gap-free order (per-run counter); what readers page by. */
  position: Generated<string>;
  run_id: string;
  /** '' for a task run's lines; the node's id for a DAG node's. */
  node_id: Generated<string>;
  attempt: number;
  line: number;
  level: LogLevel;
  message: string | null;
  data: Json;
  created_at: ColumnType<Date, Date, never>;
}

export interface ApiKeysTable {
  id: string;
  name: string;
  /** SHA-256 (hex) of the key; the key itself is never stored. */
  key_hash: string;
  /** The key's first characters, to tell keys apart. */
  prefix: string;
  created_at: Generated<Date>;
  last_used_at: Date | null;
  /** Set by `keys revoke`: the key stops working at once; the row stays. */
  revoked_at: Date | null;
}

/** A browser session opened with an API key (migration 0012); the token itself is never stored. */
export interface SessionsTable {
  /** SHA-256 (hex) of the session token (the cookie's value). */
  token_hash: string;
  api_key_id: string;
  created_at: Generated<Date>;
  expires_at: Date;
  /** Set by logout: the session stops working at once. */
  revoked_at: Date | null;
}

export interface WebhooksTable {
  id: string;
  /** The slug of the task, or of the DAG workflow when target = workflow. */
  task: string;
  target: Generated<'task' | 'workflow'>;
  /** HMAC-SHA256 secret of the deliveries; never shown after creation. */
  secret: string;
  created_at: Generated<Date>;
}

export interface WorkflowDefinitionsTable {
  slug: string;
  version: number;
  /** The DagDefinition as accepted (src/dag/definition.ts). */
  definition: ColumnType<unknown, string, never>;
  created_at: Generated<Date>;
}

export interface WorkflowActiveVersionsTable {
  slug: string;
  version: number;
  activated_at: Generated<Date>;
}

export interface WorkersTable {
  id: string;
  host: string;
  pid: number;
  task_queue: string;
  /** Task slugs this worker runs. */
  tasks: string[];
  /** Workflow types it registers (taskRun, dagRun). */
  workflow_types: string[];
  /** Activities (task attempts, DAG nodes) in flight at the last heartbeat. */
  in_flight: number;
  started_at: Generated<Date>;
  last_seen_at: Generated<Date>;
}

export interface Database {
  runs: RunsTable;
  run_logs: RunLogsTable;
  api_keys: ApiKeysTable;
  sessions: SessionsTable;
  webhooks: WebhooksTable;
  workflow_definitions: WorkflowDefinitionsTable;
  workflow_active_versions: WorkflowActiveVersionsTable;
  run_steps: RunStepsTable;
  workers: WorkersTable;
  concurrency_slots: ConcurrencySlotsTable;
}

export type Run = Selectable<RunsTable>;
export type NewRun = Insertable<RunsTable>;
export type RunUpdate = Updateable<RunsTable>;
export type RunLog = Selectable<RunLogsTable>;
export type NewRunLog = Insertable<RunLogsTable>;
export type RunStep = Selectable<RunStepsTable>;
export type ApiKey = Selectable<ApiKeysTable>;
export type Session = Selectable<SessionsTable>;
export type Webhook = Selectable<WebhooksTable>;
export type WorkerRow = Selectable<WorkersTable>;
