// Graph-level validation of a definition (its shape is definition.ts): run on create
// and on activate. Every rule reports all its violations, each naming its node(s), so
// an author fixes a definition in one round. Linear in nodes + edges, apart from the
// ancestry checks of references, which walk only as far up as the referenced node.
import { ExpressionError, parseExpression, referencedNodes } from './expression.js';
import { Ancestry, findCycles, indexGraph, topologicalIndices, type GraphIndex } from './graph.js';
import { nodePolicyProblem } from './node-policy.js';
import { nodeProblems } from './node-rules.js';
import type { TaskOptions } from '../runs/contract.js';
import { templateReferences } from './template.js';
import { isKindNode, kindFields, kindNodeBasePolicy, kindNodePolicyTimeout } from './kind-node.js';
import type { DagDefinition, DagError, KindNode, TaskNode } from './types.js';

export interface ValidateOptions {
  taskExists(slug: string): boolean;
  /** The task's own policy, to check a node's retry/timeout overrides against the shared rules. */
  taskPolicy?(slug: string): TaskOptions | undefined;
  /**
   * What is wrong with a kind node's fields (`url`, `command`, …), each naming its field: the
   * kind's schema and the CONVEYOR_ALLOW_COMMANDS gate (src/kinds). Fields holding templates
   * are checked once rendered. Absent, kind fields are not checked here.
   */
  kindProblems?(type: KindNode['type'], fields: Record<string, unknown>): string[];
}

/** Every problem with a definition; empty when it may be activated. */
export function validateDefinition(def: DagDefinition, options: ValidateOptions): DagError[] {
  const errors: DagError[] = [];
  const seen = new Set<string>();
  const reported = new Set<string>();
  for (const node of def.nodes) {
    for (const problem of nodeProblems(node as unknown as Record<string, unknown>)) {
      errors.push({ code: 'invalid_node', message: `node ${node.id}: ${problem}`, nodes: [node.id] });
    }
    if (seen.has(node.id) && !reported.has(node.id)) {
      reported.add(node.id);
      errors.push({ code: 'duplicate_node', message: `node id "${node.id}" is used more than once`, nodes: [node.id] });
    }
    seen.add(node.id);
    if (typeof node.task === 'string' && node.task !== '' && !options.taskExists(node.task)) {
      errors.push({ code: 'unknown_task', message: `node ${node.id}: no task "${node.task}" is registered`, nodes: [node.id] });
    }
    if (isKindNode(node)) {
      for (const problem of options.kindProblems?.(node.type, kindFields(node)) ?? []) {
        errors.push({ code: 'invalid_node', message: `node ${node.id}: ${problem}`, nodes: [node.id] });
      }
      const timeout = kindNodePolicyTimeout(node);
      const policyProblem = nodePolicyProblem({ retry: node.retry, timeout }, kindNodeBasePolicy(node));
      if (policyProblem) errors.push({ code: 'invalid_node', message: `node ${node.id}: ${policyProblem}`, nodes: [node.id] });
    }
    const base = typeof node.task === 'string' ? options.taskPolicy?.(node.task) : undefined;
    const policyProblem = base && nodePolicyProblem(node as TaskNode, base);
    if (policyProblem) errors.push({ code: 'invalid_node', message: `node ${node.id}: ${policyProblem}`, nodes: [node.id] });
  }

  const edgeKeys = new Set<string>();
  for (const edge of def.edges) {
    const missing = [edge.from, edge.to].filter((id, i, both) => !seen.has(id) && both.indexOf(id) === i);
    if (missing.length > 0) {
      errors.push({ code: 'missing_node', message: `edge ${edge.from} → ${edge.to}: no node ${missing.map((id) => `"${id}"`).join(' or ')}`, nodes: missing });
    }
    const key = JSON.stringify([edge.from, edge.to]);
    if (edgeKeys.has(key)) errors.push({ code: 'duplicate_edge', message: `edge ${edge.from} → ${edge.to} appears more than once`, nodes: [edge.from, edge.to] });
    edgeKeys.add(key);
  }

  const graph = indexGraph(def);
  const cycles = findCycles(graph);
  for (const cycle of cycles) {
    const ids = cycle.map((n) => graph.ids[n]);
    errors.push({ code: 'cycle', message: `cycle: ${[...ids, ids[0]].join(' → ')}`, nodes: ids });
  }
  // With a cycle "upstream" has no meaning; references are then only checked to exist.
  const order = cycles.length === 0 ? topologicalIndices(graph) : undefined;
  const ancestry = order ? new Ancestry(graph, order) : undefined;
  errors.push(...conditionErrors(graph, ancestry), ...templateErrors(def, graph, ancestry), ...joinErrors(graph));
  return errors;
}

function conditionErrors(graph: GraphIndex, ancestry: Ancestry | undefined): DagError[] {
  const errors: DagError[] = [];
  for (const edge of graph.edges) {
    if (edge.when === undefined) continue;
    const [from, to] = [graph.ids[edge.from], graph.ids[edge.to]];
    let refs: string[];
    try {
      refs = referencedNodes(parseExpression(edge.when));
    } catch (error) {
      if (!(error instanceof ExpressionError)) throw error;
      errors.push({ code: 'invalid_condition', message: `condition on edge ${from} → ${to}: ${error.message}`, nodes: [from, to] });
      continue;
    }
    // A condition is evaluated when its edge's source completes, so it may read that
    // node and the nodes upstream of it: those are settled by then.
    for (const ref of refs) {
      const n = graph.indexOf.get(ref);
      const problem =
        n === undefined ? `there is no node "${ref}"` : n !== edge.from && ancestry && !ancestry.isAncestor(n, edge.from) ? `"${ref}" is not upstream of ${from}` : undefined;
      if (problem) errors.push({ code: 'bad_reference', message: `condition on edge ${from} → ${to} reads nodes.${ref}, but ${problem}`, nodes: [from, to, ref] });
    }
  }
  return errors;
}

function templateErrors(def: DagDefinition, graph: GraphIndex, ancestry: Ancestry | undefined): DagError[] {
  const errors: DagError[] = [];
  const declared = declaredInputs(def.input);
  graph.nodes.forEach((node, n) => {
    const templated = node.task !== undefined ? node.inputs : isKindNode(node) ? kindFields(node) : undefined;
    if (templated === undefined) return;
    const what = node.task !== undefined ? 'inputs' : 'fields';
    let refs: ReturnType<typeof templateReferences>;
    try {
      refs = templateReferences(templated, node.task !== undefined ? 'inputs' : node.type);
    } catch (error) {
      if (!(error instanceof ExpressionError)) throw error;
      errors.push({ code: 'invalid_template', message: `node ${node.id}: ${error.message}`, nodes: [node.id] });
      return;
    }
    for (const ref of refs.nodes) {
      const r = graph.indexOf.get(ref);
      const problem =
        r === undefined ? `there is no node "${ref}"` : r === n ? 'a node cannot read its own output' : ancestry && !ancestry.isAncestor(r, n) ? `"${ref}" is not upstream of ${node.id}` : undefined;
      if (problem) errors.push({ code: 'bad_reference', message: `node ${node.id}: ${what} read nodes.${ref}, but ${problem}`, nodes: [node.id, ref] });
    }
    for (const path of refs.inputs) {
      if (declared && path.length > 0 && !declared.has(path[0])) {
        errors.push({ code: 'bad_reference', message: `node ${node.id}: ${what} read inputs.${path[0]}, which the workflow's input schema does not allow`, nodes: [node.id] });
      }
    }
  });
  return errors;
}

/** The input names a closed JSON Schema (`additionalProperties: false`) allows; undefined when any name may exist. */
function declaredInputs(schema: Record<string, unknown> | undefined): Set<string> | undefined {
  if (!schema || schema.additionalProperties !== false) return undefined;
  const properties = schema.properties;
  return new Set(typeof properties === 'object' && properties !== null ? Object.keys(properties) : []);
}

function joinErrors(graph: GraphIndex): DagError[] {
  const errors: DagError[] = [];
  graph.nodes.forEach((node, n) => {
    if (node.join === undefined) return;
    const inDegree = graph.incoming[n].length;
    const policy = typeof node.join === 'string' ? `"${node.join}"` : `{atLeast: ${node.join.atLeast}}`;
    let problem: string | undefined;
    if (inDegree === 0) problem = 'it has no incoming edges';
    else if (typeof node.join === 'object' && node.join.atLeast < 1) problem = 'atLeast must be at least 1';
    else if (typeof node.join === 'object' && node.join.atLeast > inDegree) problem = `it has only ${inDegree} incoming edge${inDegree === 1 ? '' : 's'}`;
    if (problem) errors.push({ code: 'impossible_join', message: `node ${node.id}: join ${policy} cannot be met: ${problem}`, nodes: [node.id] });
  });
  return errors;
}

/** Node ids in an order where every node comes after all its upstream nodes. Throws on a cycle. */
export function topologicalOrder(def: Pick<DagDefinition, 'nodes' | 'edges'>): string[] {
  const graph = indexGraph(def);
  const order = topologicalIndices(graph);
  if (order === undefined) {
    const cycle = findCycles(graph)[0].map((n) => graph.ids[n]);
    throw new Error(`the workflow has a cycle: ${[...cycle, cycle[0]].join(' → ')}`);
  }
  return order.map((n) => graph.ids[n]);
}
