import { html } from '../lib/html.js';

export function StatusBadge({ status }) {
  return html`<span class=${`badge status-${status}`} data-status=${status}>${status}</span>`;
}
