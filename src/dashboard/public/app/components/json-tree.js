// A collapsible JSON tree. Every key and value is rendered as text (Preact escapes it), so
// whatever a task logged stays inert. Large objects start collapsed below the first level.
import { html } from '../lib/html.js';

const OPEN_DEPTH = 1;
const MAX_CHILDREN = 500;

function Scalar({ value }) {
  if (value === null) return html`<span class="j-null">null</span>`;
  if (typeof value === 'string') return html`<span class="j-str">${JSON.stringify(value)}</span>`;
  if (typeof value === 'number') return html`<span class="j-num">${String(value)}</span>`;
  if (typeof value === 'boolean') return html`<span class="j-bool">${String(value)}</span>`;
  return html`<span>${String(value)}</span>`;
}

function Node({ name, value, depth }) {
  const label = name === undefined ? null : html`<span class="j-key">${name}</span>: `;
  if (value === null || typeof value !== 'object') return html`<div class="j-row">${label}<${Scalar} value=${value} /></div>`;
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value);
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  if (entries.length === 0) return html`<div class="j-row">${label}${open}${close}</div>`;
  return html`<details class="j-node" open=${depth < OPEN_DEPTH}>
    <summary>${label}${open}<span class="j-count">${entries.length} ${Array.isArray(value) ? 'items' : 'keys'}</span>${close}</summary>
    <div class="j-children">
      ${entries.slice(0, MAX_CHILDREN).map(([k, v]) => html`<${Node} key=${k} name=${k} value=${v} depth=${depth + 1} />`)}
      ${entries.length > MAX_CHILDREN ? html`<div class="muted">… ${entries.length - MAX_CHILDREN} more</div>` : null}
    </div>
  </details>`;
}

export function JsonTree({ value }) {
  return html`<div class="json-tree"><${Node} value=${value} depth=${0} /></div>`;
}
