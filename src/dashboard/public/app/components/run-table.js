// The runs list: a table on wide screens, stacked cards on a phone (CSS), no horizontal scroll.
import { html } from '../lib/html.js';
import { ago, formatDuration, runDuration } from '../lib/format.js';
import { StatusBadge } from './status-badge.js';

export function RunTable({ runs }) {
  if (!runs.length) return html`<div class="muted empty">No runs match.</div>`;
  return html`<table class="runs">
    <thead><tr><th>run</th><th>task / workflow</th><th>status</th><th>trigger</th><th>created</th><th>duration</th><th>tags</th></tr></thead>
    <tbody>
      ${runs.map((run) => html`<tr key=${run.id} data-run=${run.id} data-status=${run.status}>
        <td class="mono run-link"><a href=${`/runs/${encodeURIComponent(run.id)}`}>${run.id}</a></td>
        <td>${run.kind === 'workflow' ? html`<span class="kind">wf</span> ` : null}${run.task}</td>
        <td><${StatusBadge} status=${run.status} /></td>
        <td>${run.triggeredBy ?? ''}</td>
        <td title=${run.createdAt}>${ago(run.createdAt)}</td>
        <td>${formatDuration(runDuration(run))}</td>
        <td>${(run.tags ?? []).map((t) => html`<span class="tag" key=${t}>${t}</span>`)}</td>
      </tr>`)}
    </tbody>
  </table>`;
}
