// One concurrency queue (a limited task, or another scope such as a workflow's): its limits,
// how many attempts run and wait, the oldest wait, and the keys in use beneath.
import { html } from '../lib/html.js';
import { queryString } from '../lib/api.js';
import { formatAge } from '../lib/format.js';

/** `oldestQueuedMs` was measured at `readAt`; the age shown keeps growing until the next read. */
const ageAt = (ms, readAt, now) => (ms === null || ms === undefined ? null : ms + Math.max(0, now - readAt));

function limits(queue) {
  const parts = [];
  if (queue.limit !== null && queue.limit !== undefined) parts.push(`limit ${queue.limit}`);
  if (queue.perKey !== null && queue.perKey !== undefined) parts.push(`per key ${queue.perKey}`);
  return parts.join(' · ');
}

function KeyRows({ queue, readAt, now }) {
  return html`<table class="plain queue-keys">
    <thead><tr><th>key</th><th>running</th><th>queued</th><th>oldest queued</th></tr></thead>
    <tbody>
      ${queue.keys.map((k) => html`<tr key=${k.key} data-key=${k.key} data-running=${k.running} data-queued=${k.queued}>
        <td class="mono">${k.key === '' ? html`<span class="muted">(no key)</span>` : k.key}</td>
        <td>${k.running}</td>
        <td>${k.queued}</td>
        <td>${formatAge(ageAt(k.oldestQueuedMs, readAt, now))}</td>
      </tr>`)}
    </tbody>
  </table>`;
}

/** `linked`: the scope is a workflow's or a node's, or a task the tasks list knows (its runs are one click away). */
export function QueueCard({ queue, linked, readAt, now }) {
  // A workflow's scope is `workflow:<slug>`, a node's `<slug>/<node id>`: both list that workflow's runs.
  const workflow = queue.kind === 'workflow' ? queue.task.slice('workflow:'.length) : queue.kind === 'node' ? queue.task.split('/')[0] : undefined;
  const runsOf = (status) => `/runs${queryString(workflow !== undefined ? { workflow, status } : { task: queue.task, status })}`;
  const count = (n, status) => (linked && n > 0 ? html`<a href=${runsOf(status)}>${n}</a>` : n);
  const showKeys = queue.keys.length > 0 && (queue.perKey !== null || queue.keys.some((k) => k.key !== ''));
  return html`<article class="card queue" data-queue=${queue.task} data-running=${queue.running} data-queued=${queue.queued}>
    <div class="card-head">
      <h2 class="mono">${linked ? html`<a href=${runsOf()}>${queue.task}</a>` : queue.task}</h2>
      <span class="muted">${limits(queue)}${queue.key ? html` · key <code>${queue.key}</code>` : null}</span>
    </div>
    <div class="queue-stats">
      <span><span class="meta-label">running</span> <b data-field="running">${count(queue.running, 'running')}</b>${queue.limit ? html`<span class="muted"> / ${queue.limit}</span>` : null}</span>
      <span><span class="meta-label">queued</span> <b data-field="queued">${count(queue.queued, 'queued')}</b></span>
      <span><span class="meta-label">oldest queued</span> <b data-field="oldest">${formatAge(ageAt(queue.oldestQueuedMs, readAt, now))}</b></span>
    </div>
    ${showKeys ? html`<${KeyRows} queue=${queue} readAt=${readAt} now=${now} />` : null}
  </article>`;
}
