// Kind nodes: DAG nodes that run a built-in task kind (src/kinds) instead of a registered task,
// `{"id": "get", "type": "http", "method": "GET", "url": "{{ inputs.url }}"}`. The kind's fields
// sit on the node itself; `{{ … }}` templates in any of them are resolved when the node starts.
// They run as an activity like task nodes. Pure: no zod, no Node built-ins (workflow sandbox).
import type { TaskOptions } from '../runs/contract.js';
import { isDuration, toMs } from '../tasks/duration.js';
import type { DagNode, KindNode } from './types.js';
import { KIND_NODE_TYPES } from './types.js';

/** The node's own keys; every other key of a kind node is one of its kind's fields. */
const NODE_KEYS: ReadonlySet<string> = new Set(['id', 'type', 'join', 'retry', 'timeout']);

export function isKindNodeType(type: unknown): type is KindNode['type'] {
  return typeof type === 'string' && (KIND_NODE_TYPES as readonly string[]).includes(type);
}

export function isKindNode(node: Pick<DagNode, 'type'>): node is KindNode {
  return isKindNodeType(node.type);
}

/** Task and kind nodes run as an activity; sleep and approval nodes inside the workflow. */
export function runsActivity(node: Pick<DagNode, 'task' | 'type'>): boolean {
  return node.task !== undefined || isKindNodeType(node.type);
}

/**
 * The kind's fields of a kind node, templates unresolved. A duration `timeout` is the kind's
 * own (a command's, a request's); an object `timeout` ({attempt, run}) is the node's policy.
 */
export function kindFields(node: KindNode): Record<string, unknown> {
  const raw = node as unknown as Record<string, unknown>;
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) if (!NODE_KEYS.has(key)) fields[key] = value;
  if (raw.timeout !== undefined && (typeof raw.timeout !== 'object' || raw.timeout === null)) fields.timeout = raw.timeout;
  return fields;
}

/** The defaults a kind node runs with, as a task with no policy of its own (define.ts TASK_DEFAULTS). */
const KIND_NODE_DEFAULTS: TaskOptions = {
  maxAttempts: 3,
  initialDelayMs: 1_000,
  backoffFactor: 2,
  maxDelayMs: 60_000,
  attemptTimeoutMs: 600_000,
  heartbeatTimeoutMs: 30_000,
};
/** Between a kind's own timeout and its attempt's: a process group's 5 s kill grace and a margin. */
export const KIND_TIMEOUT_MARGIN_MS = 15_000;

/** A kind node's base policy: the defaults, the attempt long enough for the kind's own timeout. */
export function kindNodeBasePolicy(node: KindNode): TaskOptions {
  const timeout = (node as unknown as Record<string, unknown>).timeout;
  if (!isDuration(timeout)) return KIND_NODE_DEFAULTS;
  return { ...KIND_NODE_DEFAULTS, attemptTimeoutMs: Math.max(KIND_NODE_DEFAULTS.attemptTimeoutMs, toMs(timeout) + KIND_TIMEOUT_MARGIN_MS) };
}

/** The node's `{attempt, run}` timeout, when it has one (a duration is the kind's, not the policy's). */
export function kindNodePolicyTimeout(node: KindNode): KindNode['timeout'] & object | undefined {
  return typeof node.timeout === 'object' && node.timeout !== null ? node.timeout : undefined;
}
