// The log with its controls: filter by level and by DAG node, follow mode, live indicator.
import { useMemo } from 'preact/hooks';
import { html } from '../lib/html.js';
import { LogView } from './log-view.js';

const LEVELS = ['log', 'info', 'warn', 'danger', 'success', 'markdown', 'json', 'error', 'system'];

export function LogPanel({ lines, version, live, level, node, nodes, follow, onFilter, onFollowChange }) {
  // Rows with an attempt separator where the attempt changes (within the filtered lines).
  const rows = useMemo(() => {
    const out = [];
    let attempt;
    for (const line of lines) {
      if (level && line.level !== level) continue;
      if (node && line.nodeId !== node) continue;
      // Attempt 0 is the run's own bookkeeping (queued, cancelled, …): no separator for it.
      const separator = line.attempt > 0 && attempt !== undefined && line.attempt !== attempt;
      out.push({ line, separator });
      if (line.attempt > 0) attempt = line.attempt;
    }
    return out;
  }, [lines, version, level, node]);
  return html`<section class="log-panel">
    <div class="log-controls">
      <h2>Log ${live ? html`<span class="live" data-testid="live">live</span>` : null}</h2>
      <label>level <select name="level" value=${level} onChange=${(e) => onFilter({ level: e.currentTarget.value, node })}>
        <option value="">all</option>
        ${LEVELS.map((l) => html`<option key=${l} value=${l}>${l}</option>`)}
      </select></label>
      ${nodes.length ? html`<label>node <select name="node" value=${node} onChange=${(e) => onFilter({ level, node: e.currentTarget.value })}>
        <option value="">all</option>
        ${nodes.map((n) => html`<option key=${n} value=${n}>${n}</option>`)}
      </select></label>` : null}
      <label class="check"><input type="checkbox" name="follow" checked=${follow} onChange=${(e) => onFollowChange(e.currentTarget.checked)} /> follow</label>
      <span class="muted">${rows.length} of ${lines.length} lines</span>
    </div>
    <${LogView} rows=${rows} follow=${follow} onFollowChange=${onFollowChange} />
  </section>`;
}
