// A layered layout for a DAG: each node's layer is its longest path from a source (Kahn's
// order), and within a layer nodes are ordered by the mean position of their parents, which
// keeps most edges short. Linear in nodes + edges, so 1,000 nodes lay out at once.
export const NODE_W = 150;
export const NODE_H = 36;
const GAP_X = 60;
const GAP_Y = 16;

export function layoutDag(nodes, edges) {
  const ids = nodes.map((n) => n.id);
  const parents = new Map(ids.map((id) => [id, []]));
  const children = new Map(ids.map((id) => [id, []]));
  for (const e of edges) {
    if (!parents.has(e.to) || !children.has(e.from)) continue;
    parents.get(e.to).push(e.from);
    children.get(e.from).push(e.to);
  }
  const indegree = new Map(ids.map((id) => [id, parents.get(id).length]));
  const layer = new Map(ids.map((id) => [id, 0]));
  const queue = ids.filter((id) => indegree.get(id) === 0);
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i];
    for (const child of children.get(id)) {
      layer.set(child, Math.max(layer.get(child), layer.get(id) + 1));
      indegree.set(child, indegree.get(child) - 1);
      if (indegree.get(child) === 0) queue.push(child);
    }
  }
  const layers = [];
  for (const id of ids) (layers[layer.get(id)] ??= []).push(id);
  const row = new Map();
  layers.forEach((members, l) => {
    if (l > 0) {
      const score = (id) => {
        const ps = parents.get(id);
        return ps.length ? ps.reduce((sum, p) => sum + row.get(p), 0) / ps.length : 0;
      };
      members.sort((a, b) => score(a) - score(b));
    }
    members.forEach((id, i) => row.set(id, i));
  });
  const positions = new Map(ids.map((id) => [id, { x: layer.get(id) * (NODE_W + GAP_X), y: row.get(id) * (NODE_H + GAP_Y) }]));
  const width = Math.max(1, layers.length) * (NODE_W + GAP_X) - GAP_X;
  const height = Math.max(1, ...layers.map((m) => m.length)) * (NODE_H + GAP_Y) - GAP_Y;
  return { positions, width, height };
}
