// The DAG drawn as SVG: nodes coloured by status, edges solid when taken, dashed when not
// taken (a false condition), grey while undecided. Node ids are SVG text (escaped by Preact).
import { useMemo } from 'preact/hooks';
import { html } from '../lib/html.js';
import { layoutDag, NODE_H, NODE_W } from '../lib/dag-layout.js';

const PAD = 8;

function edgeClass(edge) {
  if (edge.taken === true) return 'edge taken';
  if (edge.taken === false) return 'edge not-taken';
  return 'edge';
}

export function DagGraph({ nodes, edges, statusOf = () => undefined, selected, onSelect }) {
  // Laid out again only when the shape changes, not on every status update.
  const shape = `${nodes.map((n) => n.id).join(',')}|${edges.map((e) => `${e.from}>${e.to}`).join(',')}`;
  const layout = useMemo(() => layoutDag(nodes, edges), [shape]);
  const { positions, width, height } = layout;
  return html`<div class="dag-scroll" data-testid="dag-graph">
    <svg class="dag" width=${width + PAD * 2} height=${height + PAD * 2} viewBox=${`${-PAD} ${-PAD} ${width + PAD * 2} ${height + PAD * 2}`} role="img" aria-label="workflow graph">
      ${edges.map((edge) => {
        const a = positions.get(edge.from);
        const b = positions.get(edge.to);
        if (!a || !b) return null;
        const x1 = a.x + NODE_W;
        const y1 = a.y + NODE_H / 2;
        const x2 = b.x;
        const y2 = b.y + NODE_H / 2;
        const mid = (x1 + x2) / 2;
        return html`<path key=${`${edge.from}>${edge.to}`} class=${edgeClass(edge)} d=${`M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`} data-edge=${`${edge.from}>${edge.to}`}>
          ${edge.when ? html`<title>when ${edge.when}</title>` : null}
        </path>`;
      })}
      ${nodes.map((node) => {
        const p = positions.get(node.id);
        const status = statusOf(node.id) ?? 'none';
        const kind = node.type ?? 'task';
        return html`<g key=${node.id} class=${`dag-node node-${status}${selected === node.id ? ' selected' : ''}`} transform=${`translate(${p.x},${p.y})`}
            data-node=${node.id} data-status=${status} onClick=${() => onSelect?.(node.id)} tabindex="0"
            onKeyDown=${(e) => e.key === 'Enter' && onSelect?.(node.id)}>
          <rect width=${NODE_W} height=${NODE_H} rx="6" />
          <text x="8" y="15" class="node-id">${node.id.length > 20 ? `${node.id.slice(0, 19)}…` : node.id}</text>
          <text x="8" y="29" class="node-sub">${kind === 'task' ? node.task : kind}${status !== 'none' ? ` · ${status}` : ''}</text>
          <title>${node.id}</title>
        </g>`;
      })}
    </svg>
  </div>`;
}
