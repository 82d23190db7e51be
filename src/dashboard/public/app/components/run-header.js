// The run's header: what ran, its status and attempt, who triggered it, timings, and banners
// for a run that waits (no worker for its queue, or a delay until runAt).
import { html } from '../lib/html.js';
import { formatDuration, formatTime, runDuration } from '../lib/format.js';
import { StatusBadge } from './status-badge.js';

const PRIORITY_NAMES = { 1: 'high', 3: 'normal', 5: 'low' };
const DEFAULT_PRIORITY = 3;

function Meta({ label, children }) {
  return html`<div class="meta"><span class="meta-label">${label}</span><span class="meta-value">${children}</span></div>`;
}

export function RunHeader({ run }) {
  const title = run.workflow ? `${run.workflow.slug} v${run.workflow.version}` : run.task;
  const delayed = run.status === 'pending' && run.runAt && new Date(run.runAt).getTime() > Date.now();
  return html`<section class="run-header">
    <div class="run-title">
      <h1><span class="kind">${run.kind === 'workflow' ? 'workflow' : 'task'}</span> ${title}</h1>
      <${StatusBadge} status=${run.status} />
    </div>
    <div class="run-id mono">${run.id}</div>
    ${run.waitingForWorker ? html`<div class="banner warn" data-testid="banner-worker">Waiting for a worker: no live worker serves this run's task queue.</div>` : null}
    ${delayed ? html`<div class="banner info" data-testid="banner-delayed">Delayed: starts at ${formatTime(run.runAt)}.</div>` : null}
    ${run.queuedReason ? html`<div class="banner info">Queued: ${run.queuedReason}</div>` : null}
    <div class="meta-grid">
      <${Meta} label="attempt">${run.attempt}</${Meta}>
      <${Meta} label="triggered by">${run.triggeredBy}</${Meta}>
      ${run.priority !== undefined && run.priority !== null && run.priority !== DEFAULT_PRIORITY
        ? html`<${Meta} label="priority"><span data-testid="run-priority">${run.priority}${PRIORITY_NAMES[run.priority] ? ` (${PRIORITY_NAMES[run.priority]})` : ''}</span></${Meta}>` : null}
      ${run.concurrencyKey ? html`<${Meta} label="concurrency key"><span class="mono" data-testid="run-concurrency-key">${run.concurrencyKey}</span></${Meta}>` : null}
      ${run.scheduleId ? html`<${Meta} label="schedule">${run.scheduleId}</${Meta}>` : null}
      <${Meta} label="created">${formatTime(run.createdAt)}</${Meta}>
      <${Meta} label="started">${formatTime(run.startedAt)}</${Meta}>
      <${Meta} label="ended">${formatTime(run.completedAt)}</${Meta}>
      <${Meta} label="duration">${formatDuration(runDuration(run))}</${Meta}>
      ${run.rerunOf ? html`<${Meta} label="re-run of"><a href=${`/runs/${encodeURIComponent(run.rerunOf)}`}>${run.rerunOf}</a></${Meta}>` : null}
      ${run.tags?.length ? html`<${Meta} label="tags">${run.tags.map((t) => html`<span class="tag" key=${t}>${t}</span>`)}</${Meta}>` : null}
      ${run.temporal?.uiUrl ? html`<${Meta} label="Temporal"><a href=${run.temporal.uiUrl} target="_blank" rel="noopener noreferrer">open in Temporal UI</a></${Meta}>` : null}
    </div>
  </section>`;
}
