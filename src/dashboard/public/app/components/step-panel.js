// One DAG node's step: status, attempts, inputs, output, error, skip reason; approve or reject
// an approval node that waits; re-run the workflow from this node; show its log lines.
import { useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { api } from '../lib/api.js';
import { formatTime, isTerminal } from '../lib/format.js';
import { navigate } from '../lib/router.js';
import { ErrorBox } from './error-box.js';
import { JsonTree } from './json-tree.js';
import { ErrorView } from './run-details.js';
import { StatusBadge } from './status-badge.js';

export function StepPanel({ run, node, step, onShowLogs, onChanged, onClose }) {
  const [comment, setComment] = useState('');
  const [error, setError] = useState(null);
  const [note, setNote] = useState('');
  const base = `/api/runs/${encodeURIComponent(run.id)}`;
  const call = async (path, body, done) => {
    setError(null);
    try {
      const answer = await api(path, { method: 'POST', body });
      setNote(done);
      if (answer?.rerunOf && answer.id) return navigate(`/runs/${encodeURIComponent(answer.id)}`);
      onChanged?.();
    } catch (e) {
      setError(e);
    }
  };
  const approve = (approved) => call(`${base}/nodes/${encodeURIComponent(node.id)}/approve`, { approved, ...(comment.trim() ? { comment: comment.trim() } : {}) }, approved ? 'Approved.' : 'Rejected.');
  const waitingApproval = node.type === 'approval' && step?.status === 'running' && !isTerminal(run.status);
  return html`<aside class="step-panel" data-testid="step-panel" data-node=${node.id}>
    <div class="step-head">
      <h2>${node.id}</h2>
      ${step ? html`<${StatusBadge} status=${step.status} />` : null}
      <button class="link" onClick=${onClose}>close</button>
    </div>
    <div class="muted">${node.type ?? 'task'}${node.task ? ` · ${node.task}` : ''} · attempt ${step?.attempt ?? 0} · started ${formatTime(step?.startedAt)} · ended ${formatTime(step?.completedAt)}</div>
    ${waitingApproval ? html`<form class="approval" onSubmit=${(e) => { e.preventDefault(); void approve(true); }}>
      <label>Comment <input name="comment" value=${comment} onInput=${(e) => setComment(e.currentTarget.value)} /></label>
      <button type="submit" data-action="approve">Approve</button>
      <button type="button" class="danger" data-action="reject" onClick=${() => approve(false)}>Reject</button>
    </form>` : null}
    ${step?.reason ? html`<h3>Skip reason</h3><${JsonTree} value=${step.reason} />` : null}
    ${step?.error ? html`<h3>Error</h3><${ErrorView} error=${step.error} />` : null}
    <h3>Inputs</h3><${JsonTree} value=${step?.inputs ?? null} />
    <h3>Output</h3><${JsonTree} value=${step?.output ?? null} />
    <div class="buttons">
      <button onClick=${() => onShowLogs(node.id)}>Show its logs</button>
      <button data-action="rerun-from" onClick=${() => call(`${base}/rerun`, { fromNode: node.id }, 'Re-run started.')}>Re-run from here</button>
    </div>
    ${note ? html`<div class="note">${note}</div>` : null}
    <${ErrorBox} error=${error} />
  </aside>`;
}
