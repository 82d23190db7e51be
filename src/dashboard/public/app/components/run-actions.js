// What can be done to a run from its page: cancel (with a reason), re-run, reschedule a delayed
// run, pause/resume a DAG run. Each action shows the API's answer or error.
import { useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { api } from '../lib/api.js';
import { isTerminal } from '../lib/format.js';
import { navigate } from '../lib/router.js';
import { ErrorBox } from './error-box.js';

export function RunActions({ run, onChanged }) {
  const [error, setError] = useState(null);
  const [note, setNote] = useState('');
  const [form, setForm] = useState(null);
  const [value, setValue] = useState('');
  const base = `/api/runs/${encodeURIComponent(run.id)}`;
  const act = async (path, body, message) => {
    setError(null);
    try {
      const answer = await api(`${base}/${path}`, { method: 'POST', body });
      setNote(message);
      setForm(null);
      if (path === 'rerun' && answer?.id) return navigate(`/runs/${encodeURIComponent(answer.id)}`);
      onChanged?.();
    } catch (e) {
      setError(e);
    }
  };
  const open = !isTerminal(run.status);
  const delayed = run.status === 'pending' && run.runAt;
  const submit = (event) => {
    event.preventDefault();
    if (form === 'cancel') void act('cancel', value.trim() ? { reason: value.trim() } : {}, 'Cancel requested.');
    if (form === 'reschedule') void act('reschedule', { delay: value.trim() }, 'Rescheduled.');
  };
  return html`<section class="actions">
    <div class="buttons">
      ${open ? html`<button class="danger" data-action="cancel" onClick=${() => { setForm('cancel'); setValue(''); }}>Cancel…</button>` : null}
      <button data-action="rerun" onClick=${() => act('rerun', {}, 'Re-run started.')}>Re-run</button>
      ${delayed ? html`<button data-action="reschedule" onClick=${() => { setForm('reschedule'); setValue('30s'); }}>Reschedule…</button>` : null}
      ${open && run.kind === 'workflow' ? html`<button data-action="pause" onClick=${() => act('pause', undefined, 'Pause requested.')}>Pause</button>
        <button data-action="resume" onClick=${() => act('resume', undefined, 'Resume requested.')}>Resume</button>` : null}
    </div>
    ${form ? html`<form class="inline-form" onSubmit=${submit}>
      <label>${form === 'cancel' ? 'Reason (optional)' : 'New delay (30s, 5m) or ISO time'}
        <input name=${form === 'cancel' ? 'reason' : 'delay'} value=${value} onInput=${(e) => setValue(e.currentTarget.value)} autofocus />
      </label>
      <button type="submit" class=${form === 'cancel' ? 'danger' : ''} data-action=${`confirm-${form}`}>${form === 'cancel' ? 'Cancel run' : 'Reschedule'}</button>
      <button type="button" class="link" onClick=${() => setForm(null)}>close</button>
    </form>` : null}
    ${note ? html`<div class="note">${note}</div>` : null}
    <${ErrorBox} error=${error} />
  </section>`;
}
