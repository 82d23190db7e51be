// The runs list's filters. They live in the URL (?status=…&task=…), so a reload or a shared
// link shows the same list; the form only edits the URL.
import { useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { RUN_STATUSES } from '../lib/format.js';

export const FILTERS = ['status', 'task', 'workflow', 'triggeredBy', 'tag', 'from', 'to', 'q'];
const SOURCES = ['user', 'api', 'schedule', 'webhook'];

const toLocal = (iso) => (iso ? new Date(new Date(iso).getTime() - new Date().getTimezoneOffset() * 60_000).toISOString().slice(0, 16) : '');
const fromLocal = (local) => (local ? new Date(local).toISOString() : '');

export function RunFilters({ query, onApply }) {
  const initial = Object.fromEntries(FILTERS.map((f) => [f, query.get(f) ?? '']));
  const [draft, setDraft] = useState(initial);
  const key = FILTERS.map((f) => query.get(f) ?? '').join('|');
  const [seenKey, setSeenKey] = useState(key);
  if (key !== seenKey) {
    setSeenKey(key);
    setDraft(initial);
  }
  const set = (name, value, apply = false) => {
    const next = { ...draft, [name]: value };
    setDraft(next);
    if (apply) onApply(next);
  };
  const text = (name, placeholder) => html`<input name=${name} placeholder=${placeholder} value=${draft[name]} onInput=${(e) => set(name, e.currentTarget.value)} />`;
  return html`<form class="filters" onSubmit=${(e) => { e.preventDefault(); onApply(draft); }}>
    <select name="status" value=${draft.status} onChange=${(e) => set('status', e.currentTarget.value, true)}>
      <option value="">any status</option>
      ${RUN_STATUSES.map((s) => html`<option key=${s} value=${s}>${s}</option>`)}
    </select>
    ${text('task', 'task')}
    ${text('workflow', 'workflow')}
    <select name="triggeredBy" value=${draft.triggeredBy} onChange=${(e) => set('triggeredBy', e.currentTarget.value, true)}>
      <option value="">any trigger</option>
      ${SOURCES.map((s) => html`<option key=${s} value=${s}>${s}</option>`)}
    </select>
    ${text('tag', 'tag')}
    <label class="range">from <input type="datetime-local" name="from" value=${toLocal(draft.from)} onChange=${(e) => set('from', fromLocal(e.currentTarget.value), true)} /></label>
    <label class="range">to <input type="datetime-local" name="to" value=${toLocal(draft.to)} onChange=${(e) => set('to', fromLocal(e.currentTarget.value), true)} /></label>
    ${text('q', 'run id (start)')}
    <button type="submit">Apply</button>
    <button type="button" class="link" onClick=${() => onApply({})}>clear</button>
  </form>`;
}
