// The shape of a DAG workflow definition, as plain TypeScript types.
// Kept apart from the zod schema (definition.ts) so that code running inside
// Temporal's workflow sandbox can use these types without pulling in zod.
import type { Duration } from '../tasks/duration.js';
import type { ConcurrencyConfig } from '../tasks/concurrency.js';

/** Node ids: a letter, then letters, digits, `_` and `-`; at most 64 characters. */
export const NODE_ID_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
/** Ids that match the pattern but would collide with object internals in expression contexts. */
export const RESERVED_NODE_IDS: ReadonlySet<string> = new Set(['constructor', 'prototype']);
export const MAX_NODES = 20_000;
export const MAX_EDGES = 100_000;

/**
 * When a node with several incoming edges may start. An edge is "taken" when its source
 * completed and its `when` (if any) is true; `all` needs every incoming edge taken, `any`
 * one, `{atLeast: n}` n of them. Default `all`.
 */
export type JoinPolicy = 'all' | 'any' | { atLeast: number };

export interface RetryPolicy {
  maxAttempts?: number;
  initialDelay?: Duration;
  backoffFactor?: number;
  maxDelay?: Duration;
}

interface NodeBase {
  id: string;
  join?: JoinPolicy;
}

/** Runs a registered task. `inputs` may hold `{{ path }}` templates (see template.ts). */
export interface TaskNode extends NodeBase {
  task: string;
  type?: undefined;
  inputs?: Record<string, unknown>;
  retry?: RetryPolicy;
  timeout?: { attempt?: Duration; run?: Duration };
  /**
   * How many attempts of this node may run at once across every run of the workflow (the key
   * an expression over the node's inputs). The task's own limits apply as well.
   */
  concurrency?: ConcurrencyConfig;
}

/** A durable timer. */
export interface SleepNode extends NodeBase {
  type: 'sleep';
  task?: undefined;
  duration: Duration;
}

/** Waits for an `approve` signal, or fails once `timeout` (if any) passes. */
export interface ApprovalNode extends NodeBase {
  type: 'approval';
  task?: undefined;
  timeout?: Duration;
}

/** The built-in task kinds a node can run (src/kinds; kind-node.ts). */
export const KIND_NODE_TYPES = ['http', 'webhook', 'command', 'script', 'ai'] as const;

/**
 * Runs a built-in kind; its fields (`url`, `command`, `prompt`, …) sit on the node and may
 * hold `{{ path }}` templates. `timeout` is the kind's own (a duration) or the policy's `{attempt, run}`.
 */
export interface KindNode extends NodeBase {
  type: (typeof KIND_NODE_TYPES)[number];
  task?: undefined;
  retry?: RetryPolicy;
  timeout?: Duration | { attempt?: Duration; run?: Duration };
}

export type DagNode = TaskNode | SleepNode | ApprovalNode | KindNode;

export interface DagEdge {
  from: string;
  to: string;
  /** A condition over `inputs` and `nodes` (expression.ts); the edge is taken only when it is truthy. */
  when?: string;
}

export type FailurePolicy = 'fail_fast' | 'continue';

export interface DagDefinition {
  slug: string;
  name?: string;
  /** A JSON Schema for the run's inputs. */
  input?: Record<string, unknown>;
  nodes: DagNode[];
  edges: DagEdge[];
  onFailure?: FailurePolicy;
  /** At most this many task nodes run at once. */
  maxParallel?: number;
  /** Limits whole runs of this workflow, across its versions (key over the run's inputs). */
  concurrency?: ConcurrencyConfig;
}

export const NODE_STATUSES = ['pending', 'waiting_inputs', 'running', 'retrying', 'complete', 'failed', 'skipped', 'cancelled'] as const;
export type NodeStatus = (typeof NODE_STATUSES)[number];
/** The statuses a node ends in: it never runs again and its step record never changes again. */
export const FINISHED_NODE_STATUSES = ['complete', 'failed', 'skipped', 'cancelled'] as const satisfies readonly NodeStatus[];
export type FinishedNodeStatus = (typeof FINISHED_NODE_STATUSES)[number];
const FINISHED: ReadonlySet<NodeStatus> = new Set(FINISHED_NODE_STATUSES);
export const isFinishedNodeStatus = (status: NodeStatus): status is FinishedNodeStatus => FINISHED.has(status);

export type DagErrorCode =
  | 'invalid_definition'
  | 'duplicate_node'
  | 'duplicate_edge'
  | 'cycle'
  | 'unknown_task'
  | 'missing_node'
  | 'bad_reference'
  | 'invalid_condition'
  | 'invalid_template'
  | 'impossible_join'
  | 'invalid_node';

/** One problem with a definition, naming the node(s) it is about. */
export interface DagError {
  code: DagErrorCode;
  message: string;
  nodes: string[];
}
