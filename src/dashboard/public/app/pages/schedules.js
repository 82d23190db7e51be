// Schedules: the list with next run times; create (cron or every, timezone, inputs, overlap);
// pause/unpause, trigger now, delete.
import { useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { api } from '../lib/api.js';
import { formatTime } from '../lib/format.js';
import { useApi } from '../lib/use-api.js';
import { ErrorBox } from '../components/error-box.js';

const OVERLAPS = ['skip', 'buffer_one', 'buffer_all', 'cancel_other', 'terminate_other', 'allow_all'];

function CreateForm({ onCreated }) {
  // (The created schedule is handed back: Temporal's list may show it only a moment later.)
  const [f, setF] = useState({ target: 'task', slug: '', when: 'cron', spec: '0 * * * *', timezone: 'UTC', inputs: '{}', overlap: 'skip', id: '' });
  const [error, setError] = useState(null);
  const set = (name) => (e) => setF({ ...f, [name]: e.currentTarget.value });
  const submit = async (event) => {
    event.preventDefault();
    setError(null);
    try {
      const inputs = f.inputs.trim() ? JSON.parse(f.inputs) : null;
      const created = await api('/api/schedules', {
        method: 'POST',
        body: { [f.target]: f.slug, [f.when]: f.spec, timezone: f.timezone || undefined, inputs, overlap: f.overlap, ...(f.id ? { id: f.id } : {}) },
      });
      onCreated(created);
    } catch (e) {
      setError(e instanceof SyntaxError ? { code: 'invalid_json', message: `inputs: ${e.message}` } : e);
    }
  };
  return html`<form class="card schedule-form" onSubmit=${submit}>
    <h2>New schedule</h2>
    <div class="row">
      <select name="target" value=${f.target} onChange=${set('target')}><option value="task">task</option><option value="workflow">workflow</option></select>
      <input name="slug" placeholder="slug" value=${f.slug} onInput=${set('slug')} required />
      <input name="id" placeholder="id (optional)" value=${f.id} onInput=${set('id')} />
    </div>
    <div class="row">
      <select name="when" value=${f.when} onChange=${set('when')}><option value="cron">cron</option><option value="every">every</option></select>
      <input name="spec" placeholder=${f.when === 'cron' ? '0 * * * *' : '5m'} value=${f.spec} onInput=${set('spec')} required />
      <input name="timezone" placeholder="timezone" value=${f.timezone} onInput=${set('timezone')} />
      <select name="overlap" value=${f.overlap} onChange=${set('overlap')}>${OVERLAPS.map((o) => html`<option key=${o} value=${o}>${o}</option>`)}</select>
    </div>
    <label class="field"><span class="field-name">inputs (JSON)</span><textarea name="inputs" rows="3" value=${f.inputs} onInput=${set('inputs')} /></label>
    <button type="submit" class="primary">Create</button>
    <${ErrorBox} error=${error} />
  </form>`;
}

export function SchedulesPage() {
  const { data, error, setData } = useApi('/api/schedules');
  // Temporal's schedule list is eventually consistent: apply each answer here rather than list again.
  const put = (schedule) => setData((d) => ({ schedules: [schedule, ...(d?.schedules ?? []).filter((s) => s.id !== schedule.id)].sort((a, b) => a.id.localeCompare(b.id)) }));
  const drop = (id) => setData((d) => ({ schedules: (d?.schedules ?? []).filter((s) => s.id !== id) }));
  const [actionError, setActionError] = useState(null);
  const [creating, setCreating] = useState(false);
  const act = async (id, action) => {
    setActionError(null);
    if (action === 'delete' && !confirm(`Delete schedule ${id}?`)) return;
    try {
      const answer = await api(`/api/schedules/${encodeURIComponent(id)}${action === 'delete' ? '' : `/${action}`}`, { method: action === 'delete' ? 'DELETE' : 'POST' });
      if (action === 'delete') drop(id);
      else if (answer && 'paused' in answer) put(answer);
    } catch (e) {
      setActionError(e);
    }
  };
  return html`<div class="schedules-page">
    <div class="page-head"><h1>Schedules</h1><button class="primary" onClick=${() => setCreating(!creating)}>${creating ? 'Close' : 'New schedule'}</button></div>
    ${creating ? html`<${CreateForm} onCreated=${(schedule) => { setCreating(false); put(schedule); }} />` : null}
    <${ErrorBox} error=${error ?? actionError} />
    ${(data?.schedules ?? []).map((s) => html`<article class="card" key=${s.id} data-schedule=${s.id}>
      <div class="card-head">
        <h2><span class="mono">${s.id}</span> <span class="muted">${s.task ?? s.workflow ?? ''}</span>${s.paused ? html` <span class="badge status-pending">paused</span>` : null}</h2>
        <div class="buttons">
          <button onClick=${() => act(s.id, s.paused ? 'unpause' : 'pause')}>${s.paused ? 'Unpause' : 'Pause'}</button>
          <button onClick=${() => act(s.id, 'trigger')}>Trigger now</button>
          <button class="danger" onClick=${() => act(s.id, 'delete')}>Delete</button>
        </div>
      </div>
      <div class="muted">${s.cron ? `cron ${s.cron}` : `every ${s.every}`} · ${s.timezone} · overlap ${s.overlap ?? 'skip'}</div>
      <div>next: ${(s.nextActionTimes ?? []).slice(0, 3).map(formatTime).join(', ') || '–'}</div>
    </article>`)}
    ${data && !data.schedules.length ? html`<div class="muted">No schedules.</div>` : null}
  </div>`;
}
