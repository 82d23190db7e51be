// Why a node will not run, in a form for step records and for people. Computed once per
// skipped node from its incoming edges, so it costs O(in-degree) and nothing per step.
import { describeJoin, type DagPlan } from './plan.js';

/** What became of one edge. Stored per edge by the scheduler (a Uint8Array). */
export const EdgeState = { pending: 0, taken: 1, conditionFalse: 2, sourceSkipped: 3, sourceFailed: 4 } as const;

export interface SkipReason {
  /**
   * `condition_false`: every edge not taken had a false condition; `upstream_skipped`:
   * every edge not taken came from a node that was skipped, cancelled or failed (the
   * latter under onFailure "continue"); `join_unsatisfiable`: a mix of both, or a join
   * that needs more edges than the node has.
   */
  code: 'condition_false' | 'upstream_skipped' | 'join_unsatisfiable';
  message: string;
  /** Sources of the edges that were not taken, in edge order. */
  upstream: string[];
}

const CAUSE: Record<number, string> = {
  [EdgeState.conditionFalse]: 'condition false',
  [EdgeState.sourceSkipped]: 'skipped',
  [EdgeState.sourceFailed]: 'failed',
};

export function skipReason(plan: DagPlan, node: number, edgeState: Uint8Array): SkipReason {
  const { graph } = plan;
  const incoming = graph.incoming[node];
  const upstream: string[] = [];
  const details: string[] = [];
  let conditions = 0;
  let taken = 0;
  for (const e of incoming) {
    const state = edgeState[e];
    if (state === EdgeState.taken) taken++;
    if (state < EdgeState.conditionFalse) continue;
    const from = graph.ids[graph.edges[e].from];
    upstream.push(from);
    if (state === EdgeState.conditionFalse) conditions++;
    details.push(`${from} → ${graph.ids[node]}: ${CAUSE[state]}`);
  }
  const code = upstream.length === 0 ? 'join_unsatisfiable' : conditions === upstream.length ? 'condition_false' : conditions === 0 ? 'upstream_skipped' : 'join_unsatisfiable';
  const need = plan.required[node];
  const shown = details.length > 10 ? [...details.slice(0, 10), `and ${details.length - 10} more`] : details;
  const message =
    `${describeJoin(graph.nodes[node].join)} cannot be met: needs ${need} of ${incoming.length} incoming edge${incoming.length === 1 ? '' : 's'}` +
    `, ${taken} taken${shown.length > 0 ? ` (not taken: ${shown.join('; ')})` : ''}`;
  return { code, message, upstream };
}
