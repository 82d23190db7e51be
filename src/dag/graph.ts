// The graph view of a definition: nodes by dense index, edges per node, topological
// order, cycles and ancestry. Arrays of indices rather than maps of strings, so that a
// 20,000-node definition is indexed in linear time. Pure TypeScript (sandbox-safe).
import type { DagDefinition, DagEdge, DagNode } from './types.js';

export interface IndexedEdge {
  /** Position in `definition.edges`. */
  index: number;
  from: number;
  to: number;
  when?: string;
}

export interface GraphIndex {
  ids: string[];
  nodes: DagNode[];
  indexOf: ReadonlyMap<string, number>;
  /** Edges whose ends both exist; `incoming[n]`/`outgoing[n]` hold positions in this array. */
  edges: IndexedEdge[];
  incoming: number[][];
  outgoing: number[][];
}

/** Indexes a definition. A duplicate id keeps its first node; edges to unknown nodes are left out (validate.ts reports both). */
export function indexGraph(def: Pick<DagDefinition, 'nodes' | 'edges'>): GraphIndex {
  const ids: string[] = [];
  const nodes: DagNode[] = [];
  const indexOf = new Map<string, number>();
  for (const node of def.nodes) {
    if (indexOf.has(node.id)) continue;
    indexOf.set(node.id, ids.length);
    ids.push(node.id);
    nodes.push(node);
  }
  const incoming: number[][] = ids.map(() => []);
  const outgoing: number[][] = ids.map(() => []);
  const edges: IndexedEdge[] = [];
  def.edges.forEach((edge: DagEdge, index) => {
    const from = indexOf.get(edge.from);
    const to = indexOf.get(edge.to);
    if (from === undefined || to === undefined) return;
    outgoing[from].push(edges.length);
    incoming[to].push(edges.length);
    edges.push({ index, from, to, when: edge.when });
  });
  return { ids, nodes, indexOf, edges, incoming, outgoing };
}

/**
 * Kahn's algorithm: node indices, every node after all its upstream nodes, ties in
 * definition order of becoming ready. Undefined when the graph has a cycle.
 */
export function topologicalIndices(graph: GraphIndex): number[] | undefined {
  const remaining = graph.incoming.map((edges) => edges.length);
  const order: number[] = [];
  for (let n = 0; n < remaining.length; n++) if (remaining[n] === 0) order.push(n);
  for (let head = 0; head < order.length; head++) {
    for (const e of graph.outgoing[order[head]]) {
      const to = graph.edges[e].to;
      if (--remaining[to] === 0) order.push(to);
    }
  }
  return order.length === graph.ids.length ? order : undefined;
}

/**
 * One cycle per strongly connected component that has one, as node indices in edge
 * order, starting from the component's first node in definition order (so `a → b → c → a`
 * is [a, b, c]). Iterative Tarjan: a 20,000-node chain must not overflow the stack.
 */
export function findCycles(graph: GraphIndex): number[][] {
  const n = graph.ids.length;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const component = new Int32Array(n).fill(-1);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  const components: number[][] = [];
  let counter = 0;
  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue;
    const frames: { node: number; next: number }[] = [{ node: root, next: 0 }];
    index[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    while (frames.length > 0) {
      const frame = frames[frames.length - 1];
      const out = graph.outgoing[frame.node];
      if (frame.next < out.length) {
        const to = graph.edges[out[frame.next++]].to;
        if (index[to] === -1) {
          index[to] = low[to] = counter++;
          stack.push(to);
          onStack[to] = 1;
          frames.push({ node: to, next: 0 });
        } else if (onStack[to]) {
          low[frame.node] = Math.min(low[frame.node], index[to]);
        }
        continue;
      }
      frames.pop();
      if (frames.length > 0) low[frames[frames.length - 1].node] = Math.min(low[frames[frames.length - 1].node], low[frame.node]);
      if (low[frame.node] !== index[frame.node]) continue;
      const members: number[] = [];
      let member: number;
      do {
        member = stack.pop() as number;
        onStack[member] = 0;
        component[member] = components.length;
        members.push(member);
      } while (member !== frame.node);
      components.push(members);
    }
  }
  const cycles: number[][] = [];
  for (const members of components) {
    const start = members.reduce((a, b) => Math.min(a, b));
    const selfLoop = graph.outgoing[start].some((e) => graph.edges[e].to === start);
    if (members.length > 1 || selfLoop) cycles.push(shortestCycle(graph, start, component));
  }
  return cycles.sort((a, b) => a[0] - b[0]);
}

/** Breadth-first inside one component from `start` back to itself: the shortest cycle through it. */
function shortestCycle(graph: GraphIndex, start: number, component: Int32Array): number[] {
  const parent = new Map<number, number>();
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head];
    for (const e of graph.outgoing[node]) {
      const to = graph.edges[e].to;
      if (to === start) {
        const cycle = [node];
        for (let at = node; at !== start; ) cycle.push((at = parent.get(at) as number));
        return cycle.reverse();
      }
      if (component[to] === component[start] && !parent.has(to)) {
        parent.set(to, node);
        queue.push(to);
      }
    }
  }
  return [start]; // unreachable: every node of a component lies on a cycle through its first node
}

/**
 * Answers "is A upstream of B?" for an acyclic graph. A walk up from B that never goes
 * above A's topological position, so nearby ancestors (the common case) cost little.
 */
export class Ancestry {
  private readonly position: Int32Array;
  private readonly seen: Int32Array;
  private epoch = 0;

  constructor(
    private readonly graph: GraphIndex,
    order: number[],
  ) {
    this.position = new Int32Array(graph.ids.length);
    order.forEach((node, i) => (this.position[node] = i));
    this.seen = new Int32Array(graph.ids.length);
  }

  isAncestor(ancestor: number, node: number): boolean {
    if (this.position[ancestor] >= this.position[node]) return false;
    const floor = this.position[ancestor];
    const epoch = ++this.epoch;
    const stack = [node];
    while (stack.length > 0) {
      for (const e of this.graph.incoming[stack.pop() as number]) {
        const from = this.graph.edges[e].from;
        if (from === ancestor) return true;
        if (this.seen[from] === epoch || this.position[from] < floor) continue;
        this.seen[from] = epoch;
        stack.push(from);
      }
    }
    return false;
  }
}
