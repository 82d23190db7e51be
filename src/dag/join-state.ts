// Per-edge outcomes and per-node counters: the part of scheduling that answers "may this
// node start, must it be skipped, or does it wait?" in O(1) per resolved edge.
// Pure and deterministic (sandbox-safe).
import { ExpressionError, evaluate, isTruthy, type EvalContext } from './expression.js';
import type { DagPlan } from './plan.js';
import { EdgeState, skipReason, type SkipReason } from './skip-reason.js';
import type { NodeStatus } from './types.js';

export type Verdict = 'ready' | 'skip' | 'fail' | 'open';

export class JoinState {
  private readonly edgeState: Uint8Array;
  private readonly taken: Int32Array;
  private readonly notTaken: Int32Array;
  /** Targets of edges whose condition threw, with the message. */
  private readonly conditionErrors = new Map<number, string>();

  constructor(private readonly plan: DagPlan) {
    this.edgeState = new Uint8Array(plan.graph.edges.length);
    this.taken = new Int32Array(plan.graph.ids.length);
    this.notTaken = new Int32Array(plan.graph.ids.length);
  }

  isResolved(e: number): boolean {
    return this.edgeState[e] !== EdgeState.pending;
  }

  /**
   * Resolves an edge whose source is done. An edge is taken when its source completed
   * and its condition (evaluated now, over settled data only) is truthy; otherwise it
   * is not taken, remembering why for the skip reason.
   */
  resolve(e: number, source: NodeStatus, ctx: () => EvalContext): void {
    const { graph } = this.plan;
    const edge = graph.edges[e];
    let state: number = source === 'failed' ? EdgeState.sourceFailed : source === 'complete' ? EdgeState.taken : EdgeState.sourceSkipped;
    const condition = this.plan.conditions[e];
    if (state === EdgeState.taken && condition) {
      try {
        if (!isTruthy(evaluate(condition, ctx()))) state = EdgeState.conditionFalse;
      } catch (error) {
        if (!(error instanceof ExpressionError)) throw error;
        // A condition that cannot be decided is a bug in the definition: its target fails, loudly.
        state = EdgeState.conditionFalse;
        this.conditionErrors.set(edge.to, `condition on edge ${graph.ids[edge.from]} → ${graph.ids[edge.to]} failed: ${error.message}`);
      }
    }
    this.edgeState[e] = state;
    if (state === EdgeState.taken) this.taken[edge.to]++;
    else this.notTaken[edge.to]++;
  }

  /** `ready` once the join is met, `skip` once it can no longer be, `fail` after a broken condition, else `open`. */
  verdict(node: number): Verdict {
    if (this.conditionErrors.has(node)) return 'fail';
    const taken = this.taken[node];
    const pending = this.plan.graph.incoming[node].length - taken - this.notTaken[node];
    if (taken >= this.plan.required[node]) return 'ready';
    if (taken + pending < this.plan.required[node]) return 'skip';
    return 'open';
  }

  hasInputs(node: number): boolean {
    return this.taken[node] > 0;
  }

  skipReason(node: number): SkipReason {
    return skipReason(this.plan, node, this.edgeState);
  }

  conditionError(node: number): string {
    return this.conditionErrors.get(node) ?? '';
  }
}
