// How many runs (with the current filters) are in each status; a click filters by it.
import { html } from '../lib/html.js';
import { RUN_STATUSES } from '../lib/format.js';

export function StatusCounts({ counts, active, onPick }) {
  if (!counts) return null;
  return html`<div class="counts" data-testid="counts">
    ${RUN_STATUSES.filter((s) => counts[s]).map((s) => html`<button key=${s} class=${`count status-${s}${active === s ? ' active' : ''}`} data-count=${s} onClick=${() => onPick(active === s ? '' : s)}>
      ${s} <strong>${counts[s]}</strong>
    </button>`)}
  </div>`;
}
