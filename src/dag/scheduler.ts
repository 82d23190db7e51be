// The decisions of a DAG run, without any I/O: which nodes start, which are skipped and
// why, what to cancel, and the run's outcome. The interpreter reports events (a node
// completed, failed, ...) and carries out the Step each event returns. Joins are kept
// as counters (join-state.ts), so a whole run costs O(nodes + edges) plus condition
// evaluation, however its events interleave. Pure and deterministic (sandbox-safe).
import type { EvalContext } from './expression.js';
import { JoinState } from './join-state.js';
import type { DagPlan } from './plan.js';
import { emptyStep, type SchedulerSnapshot, type Step } from './scheduler-types.js';
import { isFinishedNodeStatus, type NodeStatus } from './types.js';

export type { RunOutcome, SchedulerSnapshot, SkipReason, Step } from './scheduler-types.js';

export class DagScheduler {
  private readonly status: NodeStatus[];
  private readonly joins: JoinState;
  private readonly queued: Uint8Array;
  // FIFO queues; control nodes (sleep, approval) use no resources, so never wait for a maxParallel slot.
  private readonly queues = { task: [] as number[], control: [] as number[], taskHead: 0, controlHead: 0 };
  private active = 0;
  private activeTasks = 0;
  private settled = 0;
  private readonly failedNodes: string[] = [];
  private stopped: 'fail_fast' | 'cancelled' | undefined;
  private paused = false;
  private finished = false;
  private readonly nodesContext: Record<string, { output?: unknown; status: string }> = Object.create(null);
  private step = emptyStep();

  /** A fresh run, or (with a snapshot) one resumed after continue-as-new or re-run from stored outputs. */
  constructor(
    private readonly plan: DagPlan,
    private readonly inputs: unknown,
    snapshot?: SchedulerSnapshot,
  ) {
    const { ids, outgoing } = plan.graph;
    this.joins = new JoinState(plan);
    this.queued = new Uint8Array(ids.length);
    this.status = snapshot ? [...snapshot.statuses] : new Array<NodeStatus>(ids.length).fill('pending');
    if (this.status.length !== ids.length) throw new Error(`snapshot has ${this.status.length} node statuses for ${ids.length} nodes`);
    if (snapshot) {
      this.failedNodes.push(...snapshot.failedNodes);
      this.stopped = snapshot.stopped;
      this.paused = snapshot.paused;
      this.status.forEach((status, node) => {
        if (isFinishedNodeStatus(status)) {
          this.settled++;
          this.nodesContext[ids[node]] = status === 'complete' ? { output: snapshot.outputs[ids[node]], status } : { status };
        } else if (status === 'running' || status === 'retrying') {
          this.active++;
          if (plan.isTask[node]) this.activeTasks++;
        }
      });
      // Conditions are deterministic over settled outputs: re-resolving gives the same edges.
      this.status.forEach((status, node) => isFinishedNodeStatus(status) && outgoing[node].forEach((e) => this.resolveEdge(e)));
    }
    // Decide every join that already can be: roots start, impossible joins are skipped.
    for (let node = 0; node < ids.length; node++) if (this.undecided(node)) this.decide(node);
  }

  /** The run's data as conditions and templates see it: pass it to resolveInputs for a node about to start. */
  context(): EvalContext {
    return { inputs: this.inputs, nodes: this.nodesContext };
  }

  statusOf(id: string): NodeStatus {
    return this.status[this.nodeIndex(id)];
  }

  /** The first Step: roots to start, and whatever a snapshot left decided. */
  start(): Step {
    return this.flush();
  }

  nodeRetrying(id: string): void {
    this.status[this.expectActive(id)] = 'retrying';
  }

  nodeCompleted(id: string, output: unknown): Step {
    this.settle(this.finishActive(id), 'complete', output);
    return this.flush();
  }

  nodeFailed(id: string): Step {
    this.settle(this.finishActive(id), 'failed');
    return this.flush();
  }

  /** A running node that ended cancelled. Outside a stopped run, its dependents see it as skipped. */
  nodeCancelled(id: string): Step {
    this.settle(this.finishActive(id), 'cancelled');
    return this.flush();
  }

  /** No node starts while paused; running ones go on. */
  pause(): void {
    this.paused = true;
  }

  resume(): Step {
    this.paused = false;
    return this.flush();
  }

  /** Cancels the run: running nodes are to be cancelled, nothing else starts, the outcome is `cancelled`. */
  cancelRun(): Step {
    if (!this.finished && this.stopped !== 'cancelled') this.stop('cancelled');
    return this.flush();
  }

  /** The run is being stopped (fail_fast, cancelled): running nodes are being cancelled and no outcome is decided yet. */
  isStopping(): boolean {
    return this.stopped !== undefined && !this.finished;
  }

  snapshot(): SchedulerSnapshot {
    const outputs: Record<string, unknown> = {};
    this.plan.graph.ids.forEach((id, node) => this.status[node] === 'complete' && (outputs[id] = this.nodesContext[id]?.output));
    return { statuses: [...this.status], outputs, failedNodes: [...this.failedNodes], stopped: this.stopped, paused: this.paused };
  }

  private nodeIndex(id: string): number {
    const node = this.plan.graph.indexOf.get(id);
    if (node === undefined) throw new Error(`unknown node "${id}"`);
    return node;
  }

  private expectActive(id: string): number {
    const node = this.nodeIndex(id);
    if (this.status[node] !== 'running' && this.status[node] !== 'retrying') throw new Error(`node "${id}" is not running (it is ${this.status[node]})`);
    return node;
  }

  private finishActive(id: string): number {
    const node = this.expectActive(id);
    this.active--;
    if (this.plan.isTask[node]) this.activeTasks--;
    return node;
  }

  private undecided(node: number): boolean {
    return (this.status[node] === 'pending' || this.status[node] === 'waiting_inputs') && this.queued[node] === 0;
  }

  private resolveEdge(e: number): number | undefined {
    const { from, to } = this.plan.graph.edges[e];
    if (!this.undecided(to) || this.joins.isResolved(e)) return undefined;
    this.joins.resolve(e, this.status[from], () => this.context());
    return to;
  }

  /** Applies a node's join: queues it, leaves it waiting, or adds it to `work` to be settled as skipped/failed. */
  private decide(node: number, work?: [number, NodeStatus][]): void {
    const id = this.plan.graph.ids[node];
    const verdict = this.joins.verdict(node);
    if (verdict === 'ready') {
      this.queued[node] = 1;
      (this.plan.isTask[node] ? this.queues.task : this.queues.control).push(node);
    } else if (verdict === 'skip') {
      this.step.skipped.push({ nodeId: id, reason: this.joins.skipReason(node) });
      this.settle(node, 'skipped', undefined, work);
    } else if (verdict === 'fail') {
      this.step.failed.push({ nodeId: id, error: this.joins.conditionError(node) });
      this.settle(node, 'failed', undefined, work);
    } else if (this.joins.hasInputs(node) && this.status[node] === 'pending') {
      this.status[node] = 'waiting_inputs';
      this.step.waiting.push(id);
    }
  }

  /**
   * Marks a node done and resolves its outgoing edges. Called inside a settle, it only
   * adds to that settle's worklist: cascades of skips must not recurse (a 10,000-node chain).
   */
  private settle(first: number, status: NodeStatus, output?: unknown, outer?: [number, NodeStatus][]): void {
    if (outer) {
      outer.push([first, status]);
      return;
    }
    const { ids, outgoing } = this.plan.graph;
    const work: [number, NodeStatus][] = [[first, status]];
    let failFast = false;
    for (let item = work.pop(); item !== undefined; item = work.pop()) {
      const [node, nodeStatus] = item;
      this.status[node] = nodeStatus;
      this.settled++;
      this.nodesContext[ids[node]] = nodeStatus === 'complete' ? { output: node === first ? output : undefined, status: nodeStatus } : { status: nodeStatus };
      if (nodeStatus === 'failed') {
        this.failedNodes.push(ids[node]);
        // Under fail_fast its dependents are cancelled by stop(), not skipped: the run ends because of it.
        failFast ||= this.plan.onFailure === 'fail_fast';
      }
      if (this.stopped || failFast) continue;
      for (const e of outgoing[node]) {
        const to = this.resolveEdge(e);
        if (to !== undefined) this.decide(to, work);
      }
    }
    if (failFast && !this.stopped) this.stop('fail_fast');
  }

  /** Ends the run early: every node not started is cancelled, every running one is to be cancelled. */
  private stop(kind: 'fail_fast' | 'cancelled'): void {
    this.stopped = kind;
    this.plan.graph.ids.forEach((id, node) => {
      const status = this.status[node];
      if (status === 'pending' || status === 'waiting_inputs') {
        this.status[node] = 'cancelled';
        this.settled++;
        this.nodesContext[id] = { status: 'cancelled' };
        this.step.cancelled.push(id);
      } else if (status === 'running' || status === 'retrying') {
        this.step.cancel.push(id);
      }
    });
    this.queues.taskHead = this.queues.task.length;
    this.queues.controlHead = this.queues.control.length;
  }

  private startNode(node: number): void {
    this.status[node] = 'running';
    this.active++;
    if (this.plan.isTask[node]) this.activeTasks++;
    this.step.start.push(this.plan.graph.ids[node]);
  }

  /** Starts what may start, decides the outcome once nothing can progress, and hands over the Step. */
  private flush(): Step {
    const q = this.queues;
    if (!this.stopped && !this.paused) {
      while (q.controlHead < q.control.length) this.startNode(q.control[q.controlHead++]);
      while (q.taskHead < q.task.length && this.activeTasks < this.plan.maxParallel) this.startNode(q.task[q.taskHead++]);
    }
    const queued = q.taskHead < q.task.length || q.controlHead < q.control.length;
    if (!this.finished && this.active === 0 && (this.stopped !== undefined || !queued)) {
      // With nothing running and nothing queued every join is decided; anything else is a bug here.
      if (this.settled !== this.status.length) throw new Error(`scheduler stalled with ${this.status.length - this.settled} node(s) undecided`);
      this.finished = true;
      this.step.outcome = this.stopped === 'cancelled' ? { status: 'cancelled' } : this.failedNodes.length > 0 ? { status: 'failed', failedNodes: [...this.failedNodes] } : { status: 'complete' };
    }
    const step = this.step;
    this.step = emptyStep();
    return step;
  }
}
