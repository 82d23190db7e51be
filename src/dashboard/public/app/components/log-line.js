// One log line: time, level, node, then the message as text, sanitised markdown, or a JSON tree.
import { html } from '../lib/html.js';
import { JsonTree } from './json-tree.js';
import { Markdown } from './markdown.js';

function Body({ line }) {
  if (line.level === 'markdown') return html`<${Markdown} text=${line.message ?? ''} />`;
  if (line.level === 'json') return html`<${JsonTree} value=${line.data} />`;
  if (line.level === 'error' && line.data && typeof line.data === 'object') {
    return html`<div class="msg">${line.message}</div>
      ${line.data.stack ? html`<details class="stack"><summary>stack</summary><pre>${line.data.stack}</pre></details>` : null}`;
  }
  return html`<div class="msg">${line.message}</div>`;
}

export function LogLine({ line, separator }) {
  const time = new Date(line.createdAt).toLocaleTimeString();
  return html`<div class="log-row" data-seq=${line.seq}>
    ${separator ? html`<div class="attempt-sep">attempt ${line.attempt}</div>` : null}
    <div class=${`log-line level-${line.level}`} data-level=${line.level}>
      <span class="log-time">${time}</span>
      <span class="log-level">${line.level}</span>
      ${line.nodeId ? html`<span class="log-node">${line.nodeId}</span>` : null}
      <div class="log-body"><${Body} line=${line} /></div>
    </div>
  </div>`;
}
