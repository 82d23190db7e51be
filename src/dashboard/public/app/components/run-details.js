// Inputs, result and error of a run (or of a DAG step): JSON trees, the error's class and a
// collapsible stack.
import { html } from '../lib/html.js';
import { JsonTree } from './json-tree.js';

export function ErrorView({ error }) {
  if (!error) return null;
  return html`<div class="run-error" data-testid="run-error">
    <div><span class="error-type">${error.type ?? 'Error'}</span> <span class="error-message">${error.message}</span></div>
    ${error.stack ? html`<details class="stack"><summary>stack</summary><pre>${error.stack}</pre></details>` : null}
    ${error.details !== undefined && error.details !== null ? html`<${JsonTree} value=${error.details} />` : null}
  </div>`;
}

export function RunDetails({ run }) {
  return html`<section class="panels">
    <div class="panel"><h2>Inputs</h2><${JsonTree} value=${run.inputs} /></div>
    ${run.result !== null && run.result !== undefined ? html`<div class="panel"><h2>Result</h2><${JsonTree} value=${run.result} /></div>` : null}
    ${run.error ? html`<div class="panel"><h2>Error</h2><${ErrorView} error=${run.error} /></div>` : null}
  </section>`;
}
