// What a continue-as-new needs to carry: only the outputs that a node still to be decided
// can read (through a `when` on one of its incoming edges, or its input templates). At
// 10,000 nodes this keeps the snapshot small however large the outputs are. Pure.
import { referencedNodes } from './expression.js';
import type { DagPlan } from './plan.js';
import type { SchedulerSnapshot } from './scheduler-types.js';
import { isKindNode, kindFields } from './kind-node.js';
import { templateReferences } from './template.js';
import { isFinishedNodeStatus, type DagNode } from './types.js';

/** The snapshot with the outputs no unsettled node can read left out. */
export function pruneSnapshot(snapshot: SchedulerSnapshot, plan: DagPlan, nodes: readonly DagNode[]): SchedulerSnapshot {
  const needed = new Set<string>();
  snapshot.statuses.forEach((status, node) => {
    if (isFinishedNodeStatus(status)) return;
    const definition = nodes[node];
    if (definition.task !== undefined) for (const id of templateReferences(definition.inputs).nodes) needed.add(id);
    if (isKindNode(definition)) for (const id of templateReferences(kindFields(definition), definition.type).nodes) needed.add(id);
    for (const e of plan.graph.incoming[node]) {
      const condition = plan.conditions[e];
      if (condition) for (const id of referencedNodes(condition)) needed.add(id);
    }
  });
  const outputs: Record<string, unknown> = {};
  for (const [id, output] of Object.entries(snapshot.outputs)) if (needed.has(id)) outputs[id] = output;
  return { ...snapshot, outputs };
}
