// What the scheduler needs from a definition, computed once per definition: the graph
// index, each edge's parsed condition and each node's join threshold. Built inside the
// workflow from the (validated) definition, so it is pure and deterministic.
import { parseExpression, type Expr } from './expression.js';
import { indexGraph, type GraphIndex } from './graph.js';
import { runsActivity } from './kind-node.js';
import type { DagDefinition, FailurePolicy, JoinPolicy } from './types.js';

export interface DagPlan {
  graph: GraphIndex;
  /** Per edge of `graph.edges`: its parsed `when`, or undefined when it has none. */
  conditions: (Expr | undefined)[];
  /** Per node: how many incoming edges must be taken before it may start (0 for a root). */
  required: number[];
  /** Per node: whether it runs an activity, a task or a kind (only those count against maxParallel). */
  isTask: boolean[];
  onFailure: FailurePolicy;
  /** Infinity when the definition sets none. */
  maxParallel: number;
}

export function requiredEdges(join: JoinPolicy | undefined, inDegree: number): number {
  if (join === undefined || join === 'all') return inDegree;
  if (join === 'any') return Math.min(1, inDegree);
  return join.atLeast;
}

/** Indexes a definition for scheduling. Throws ExpressionError on a condition validateDefinition would have rejected. */
export function planDag(def: DagDefinition): DagPlan {
  const graph = indexGraph(def);
  return {
    graph,
    conditions: graph.edges.map((edge) => (edge.when === undefined ? undefined : parseExpression(edge.when))),
    required: graph.nodes.map((node, n) => requiredEdges(node.join, graph.incoming[n].length)),
    isTask: graph.nodes.map((node) => runsActivity(node)),
    onFailure: def.onFailure ?? 'fail_fast',
    maxParallel: def.maxParallel ?? Number.POSITIVE_INFINITY,
  };
}

export function describeJoin(join: JoinPolicy | undefined): string {
  if (join === undefined || typeof join === 'string') return `join "${join ?? 'all'}"`;
  return `join {atLeast: ${join.atLeast}}`;
}
