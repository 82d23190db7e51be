// What a DAG run's page draws: every node of its pinned definition with its step record, and
// every edge with whether it was taken. Edge outcomes are not stored; they are derived from
// the steps with the same expression evaluator the workflow uses, over settled outputs.
import type { DagDefinition, DagEdge, DagNode } from '../dag/types.js';
import { isFinishedNodeStatus, type NodeStatus } from '../dag/types.js';
import { evaluate, isTruthy, parseExpression, type EvalContext } from '../dag/expression.js';
import type { SkipReason } from '../dag/skip-reason.js';
import type { RunStep } from '../db/schema.js';

export interface GraphView {
  nodes: Array<{ id: string; type: NonNullable<DagNode['type']> | 'task'; task: string | null; status: NodeStatus; skipReason: SkipReason | null; attempts: number }>;
  edges: Array<{ from: string; to: string; condition: string | null; taken: boolean | null }>;
}

/**
 * `taken`: null while the source has not finished; false when it did not complete, when the
 * target was skipped for this edge's false condition, or when the condition is false (or
 * cannot be evaluated) over the settled outputs; true otherwise.
 */
function edgeTaken(edge: DagEdge, byNode: Map<string, RunStep>, context: () => EvalContext): boolean | null {
  const source = byNode.get(edge.from)?.status;
  if (!source || !isFinishedNodeStatus(source)) return null;
  if (source !== 'complete') return false;
  if (edge.when === undefined) return true;
  const target = byNode.get(edge.to);
  const reason = target?.reason as Partial<SkipReason> | null | undefined;
  if (target?.status === 'skipped' && reason?.code === 'condition_false' && reason.upstream?.includes(edge.from)) return false;
  try {
    return isTruthy(evaluate(parseExpression(edge.when), context()));
  } catch {
    return false;
  }
}

export function graphView(definition: DagDefinition, rows: RunStep[], runInputs: unknown): GraphView {
  const byNode = new Map(rows.map((r) => [r.node_id, r]));
  let context: EvalContext | undefined;
  const evalContext = () => {
    if (context) return context;
    const nodes: EvalContext['nodes'] = Object.create(null) as EvalContext['nodes'];
    for (const row of rows) {
      if (isFinishedNodeStatus(row.status)) (nodes as Record<string, unknown>)[row.node_id] = row.status === 'complete' ? { output: row.output, status: row.status } : { status: row.status };
    }
    return (context = { inputs: runInputs ?? null, nodes });
  };
  return {
    nodes: definition.nodes.map((node) => {
      const row = byNode.get(node.id);
      const status = row?.status ?? 'pending';
      return {
        id: node.id,
        type: node.type ?? 'task',
        task: node.task ?? null,
        status,
        skipReason: status === 'skipped' ? ((row?.reason as SkipReason | null) ?? null) : null,
        attempts: row?.attempt ?? 0,
      };
    }),
    edges: definition.edges.map((edge) => ({ from: edge.from, to: edge.to, condition: edge.when ?? null, taken: edgeTaken(edge, byNode, evalContext) })),
  };
}
