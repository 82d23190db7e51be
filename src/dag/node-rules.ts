// The per-node shape rules, written once and used twice: by the zod schema (so a bad
// POST body gets the same message) and by validateDefinition (so a definition built in
// code, bypassing the schema, is still checked). Pure: no zod, no Node built-ins.
import { isDuration } from '../tasks/duration.js';
import { isKindNodeType } from './kind-node.js';
import { KIND_NODE_TYPES, NODE_ID_PATTERN, RESERVED_NODE_IDS } from './types.js';

const TASK_ONLY = ['inputs', 'retry', 'concurrency'] as const;
const NODE_TYPES = ['sleep', 'approval'];
const ALL_TYPES = [...NODE_TYPES, ...KIND_NODE_TYPES].map((t) => `"${t}"`).join(', ');

/** What is wrong with one node, in words; empty when it is well formed. */
export function nodeProblems(node: Readonly<Record<string, unknown>>): string[] {
  const problems: string[] = [];
  const id = node.id;
  if (typeof id !== 'string' || !NODE_ID_PATTERN.test(id)) {
    problems.push(`node id ${JSON.stringify(id)} must start with a letter and hold only letters, digits, _ and - (at most 64 characters)`);
  } else if (RESERVED_NODE_IDS.has(id)) {
    problems.push(`node id "${id}" is reserved`);
  }
  const hasTask = node.task !== undefined;
  const hasType = node.type !== undefined;
  if (hasTask && hasType) problems.push('a node has either `task` or `type`, not both');
  else if (!hasTask && !hasType) problems.push(`a node needs \`task\` (a task slug) or \`type\` (${ALL_TYPES})`);
  else if (hasTask) problems.push(...taskNodeProblems(node));
  else if (isKindNodeType(node.type)) problems.push(...kindNodeProblems(node));
  else problems.push(...controlNodeProblems(node));
  problems.push(...joinProblems(node.join));
  return problems;
}

function taskNodeProblems(node: Readonly<Record<string, unknown>>): string[] {
  const problems: string[] = [];
  if (typeof node.task !== 'string' || node.task.length === 0) problems.push('`task` must be a task slug');
  if (node.duration !== undefined) problems.push('`duration` applies to sleep nodes only');
  if (node.timeout !== undefined && !isPolicyTimeout(node.timeout)) problems.push("a task node's `timeout` is `{attempt?, run?}` with durations like '30s'");
  const inputs = node.inputs;
  if (inputs !== undefined && (typeof inputs !== 'object' || inputs === null || Array.isArray(inputs))) problems.push('`inputs` must be an object');
  return problems;
}

/** A kind node's own keys; its kind's fields are checked by the kind's schema (src/kinds, through ValidateOptions). */
function kindNodeProblems(node: Readonly<Record<string, unknown>>): string[] {
  const problems: string[] = [];
  if (node.inputs !== undefined) problems.push(`\`inputs\` does not apply to ${String(node.type)} nodes: their fields sit on the node itself (templates allowed)`);
  const timeout = node.timeout;
  const templated = typeof timeout === 'string' && timeout.includes('{{');
  if (timeout !== undefined && !templated && !isDuration(timeout) && !isPolicyTimeout(timeout)) {
    problems.push("`timeout` is the kind's own (a duration like '30s') or the attempt's `{attempt?, run?}`");
  }
  return problems;
}

function isPolicyTimeout(timeout: unknown): boolean {
  return (
    typeof timeout === 'object' &&
    timeout !== null &&
    !Array.isArray(timeout) &&
    Object.entries(timeout).every(([key, value]) => (key === 'attempt' || key === 'run') && isDuration(value))
  );
}

function controlNodeProblems(node: Readonly<Record<string, unknown>>): string[] {
  const problems: string[] = [];
  if (typeof node.type !== 'string' || !NODE_TYPES.includes(node.type)) {
    return [`\`type\` must be "sleep" or "approval", or a task kind (${KIND_NODE_TYPES.map((t) => `"${t}"`).join(', ')}), got ${JSON.stringify(node.type)}`];
  }
  for (const key of TASK_ONLY) if (node[key] !== undefined) problems.push(`\`${key}\` applies to task nodes only`);
  if (node.type === 'sleep') {
    if (node.duration === undefined) problems.push("a sleep node needs `duration` (milliseconds or a string like '5m')");
    else if (!isDuration(node.duration)) problems.push(`\`duration\` must be milliseconds or a string like '5m', got ${JSON.stringify(node.duration)}`);
    if (node.timeout !== undefined) problems.push('`timeout` does not apply to sleep nodes');
  } else {
    if (node.duration !== undefined) problems.push('`duration` applies to sleep nodes only; an approval node has `timeout`');
    if (node.timeout !== undefined && !isDuration(node.timeout)) problems.push("an approval node's `timeout` must be milliseconds or a string like '1h'");
  }
  return problems;
}

function joinProblems(join: unknown): string[] {
  if (join === undefined || join === 'all' || join === 'any') return [];
  if (typeof join === 'object' && join !== null && !Array.isArray(join)) {
    const keys = Object.keys(join);
    const atLeast = (join as { atLeast?: unknown }).atLeast;
    if (keys.length === 1 && keys[0] === 'atLeast' && Number.isInteger(atLeast)) return [];
  }
  return ['`join` must be "all", "any" or {atLeast: <integer>}'];
}
