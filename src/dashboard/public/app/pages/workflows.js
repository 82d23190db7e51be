// Workflows: the list; one workflow's versions (active marked), the graph of any version,
// activate, execute with inputs, and its executions.
import { useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { api } from '../lib/api.js';
import { navigate } from '../lib/router.js';
import { useApi } from '../lib/use-api.js';
import { DagGraph } from '../components/dag-graph.js';
import { ErrorBox } from '../components/error-box.js';
import { RunForm } from '../components/run-form.js';
import { RunTable } from '../components/run-table.js';

function WorkflowList() {
  const { data, error } = useApi('/api/workflows');
  return html`<div>
    <h1>Workflows</h1>
    <${ErrorBox} error=${error} />
    ${data && !data.workflows.length ? html`<div class="muted">No workflows yet. Push one with <code>npx conveyor workflows push file.yaml</code>.</div>` : null}
    <table class="plain">
      <thead><tr><th>slug</th><th>name</th><th>latest</th><th>active</th></tr></thead>
      <tbody>${(data?.workflows ?? []).map((w) => html`<tr key=${w.slug}>
        <td><a href=${`/workflows/${encodeURIComponent(w.slug)}`}>${w.slug}</a></td><td>${w.name ?? ''}</td><td>v${w.latestVersion}</td><td>${w.activeVersion ? `v${w.activeVersion}` : '–'}</td>
      </tr>`)}</tbody>
    </table>
  </div>`;
}

function WorkflowDetail({ slug, query }) {
  const version = query.get('version');
  const path = `/api/workflows/${encodeURIComponent(slug)}${version ? `?version=${version}` : ''}`;
  const { data, error, reload } = useApi(path);
  const executions = useApi(`/api/workflows/${encodeURIComponent(slug)}/executions?limit=20`);
  const [running, setRunning] = useState(false);
  const [actionError, setActionError] = useState(null);
  const activate = async () => {
    setActionError(null);
    try {
      await api(`/api/workflows/${encodeURIComponent(slug)}/activate`, { method: 'POST', body: { version: data.version } });
      await reload();
    } catch (e) {
      setActionError(e);
    }
  };
  if (error && !data) return html`<${ErrorBox} error=${error} />`;
  if (!data) return html`<div class="muted">Loading…</div>`;
  const definition = data.definition;
  return html`<div class="workflow-page">
    <h1>${slug} <span class="muted">v${data.version}</span> <span class=${`badge ${data.status === 'active' ? 'status-complete' : 'status-pending'}`}>${data.status}</span></h1>
    <div class="buttons">
      <label>version <select name="version" value=${String(data.version)} onChange=${(e) => navigate(`/workflows/${encodeURIComponent(slug)}?version=${e.currentTarget.value}`)}>
        ${(data.versions ?? [data.version]).map((v) => html`<option key=${v} value=${String(v)}>v${v}</option>`)}
      </select></label>
      ${data.status !== 'active' ? html`<button data-action="activate" onClick=${activate}>Activate v${data.version}</button>` : null}
      <button class="primary" data-action="execute" onClick=${() => setRunning(!running)}>${running ? 'Close' : 'Execute'}</button>
    </div>
    <${ErrorBox} error=${actionError} />
    ${running ? html`<${RunForm} target=${`/api/workflows/${encodeURIComponent(slug)}/execute`} schema=${definition.input ?? null} submitLabel="Execute" onClose=${() => setRunning(false)} />` : null}
    <h2>Graph <span class="muted">${definition.nodes.length} nodes</span></h2>
    <${DagGraph} nodes=${definition.nodes} edges=${definition.edges} />
    <h2>Executions</h2>
    <${ErrorBox} error=${executions.error} />
    <${RunTable} runs=${executions.data?.runs ?? []} />
  </div>`;
}

export function WorkflowsPage({ slug, query }) {
  return slug ? html`<${WorkflowDetail} slug=${slug} query=${query} />` : html`<${WorkflowList} />`;
}
