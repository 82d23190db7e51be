// An API failure, with the API's message and field details.
import { html } from '../lib/html.js';

export function ErrorBox({ error }) {
  if (!error) return null;
  const details = Array.isArray(error.details) ? error.details : [];
  return html`<div class="error-box" role="alert">
    <strong>${error.code ?? 'error'}</strong>: ${error.message}
    ${details.length ? html`<ul>${details.map((d, i) => html`<li key=${i}>${d.path ?? d.field ?? ''} ${d.message ?? JSON.stringify(d)}</li>`)}</ul>` : null}
  </div>`;
}
