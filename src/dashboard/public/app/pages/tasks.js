// Every registered task with its input schema, and a Run button that opens the run form.
import { useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { useApi } from '../lib/use-api.js';
import { ErrorBox } from '../components/error-box.js';
import { JsonTree } from '../components/json-tree.js';
import { RunForm } from '../components/run-form.js';

function limitsText({ limit, perKey, key, onLimit }) {
  const parts = [limit ? `limit ${limit}` : null, perKey ? `per key ${perKey}` : null, key ? `key ${key}` : null, onLimit && onLimit !== 'queue' ? onLimit : null];
  return parts.filter(Boolean).join(' · ');
}

function TaskCard({ task, open, onToggle }) {
  return html`<article class="card" data-task=${task.slug}>
    <div class="card-head">
      <h2>${task.name && task.name !== task.slug ? html`${task.name} <span class="muted mono">${task.slug}</span>` : html`<span class="mono">${task.slug}</span>`}</h2>
      <button class="primary" data-action="run" onClick=${onToggle}>${open ? 'Close' : 'Run'}</button>
    </div>
    ${task.description ? html`<p>${task.description}</p>` : null}
    ${task.concurrency ? html`<div class="muted" data-testid="task-concurrency">concurrency: ${limitsText(task.concurrency)} · <a href="/queues">queues</a></div>` : null}
    ${task.inputSchema ? html`<details><summary>input schema</summary><${JsonTree} value=${task.inputSchema} /></details>` : html`<div class="muted">no input schema</div>`}
    ${open ? html`<${RunForm} target=${`/api/tasks/${encodeURIComponent(task.slug)}`} schema=${task.inputSchema} concurrency=${task.concurrency} onClose=${onToggle} />` : null}
  </article>`;
}

export function TasksPage({ query }) {
  const { data, error } = useApi('/api/tasks');
  const [open, setOpen] = useState(query.get('run'));
  return html`<div class="tasks-page">
    <h1>Tasks</h1>
    <${ErrorBox} error=${error} />
    ${(data?.tasks ?? []).map((task) => html`<${TaskCard} key=${task.slug} task=${task} open=${open === task.slug} onToggle=${() => setOpen(open === task.slug ? null : task.slug)} />`)}
  </div>`;
}
