// Starting a run by hand: a generated form (flat schemas) or a JSON editor with the schema's
// errors inline, tags, priority and (for a task with a concurrency limit) a concurrency key,
// then POST with triggeredBy "user" and open the new run.
import { useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { api } from '../lib/api.js';
import { example, isFlatForm, validate } from '../lib/json-schema.js';
import { navigate } from '../lib/router.js';
import { ErrorBox } from './error-box.js';
import { SchemaForm } from './schema-form.js';

function parse(text) {
  try {
    return { value: text.trim() === '' ? null : JSON.parse(text) };
  } catch (error) {
    return { error: error.message };
  }
}

const DEFAULT_PRIORITY = '3';
const PRIORITIES = [['1', '1 · high'], ['2', '2'], ['3', '3 · normal (default)'], ['4', '4'], ['5', '5 · low']];

/** The optional trigger fields, sent only when they differ from the defaults. */
function triggerOptions({ tags, priority, concurrencyKey, concurrency }) {
  const tagList = tags.split(/[\s,]+/).filter(Boolean);
  return {
    ...(tagList.length ? { tags: tagList } : {}),
    ...(priority !== DEFAULT_PRIORITY ? { priority: Number(priority) } : {}),
    ...(concurrency && concurrencyKey !== '' ? { concurrencyKey } : {}),
  };
}

/**
 * `target`: POST path; `schema`: the inputs' JSON Schema or null; `concurrency`: the task's
 * limits ({limit, perKey, key}) when it has any, which offers a concurrency key.
 */
export function RunForm({ target, schema, concurrency = null, onClose, submitLabel = 'Run' }) {
  const flat = isFlatForm(schema);
  const [mode, setMode] = useState(flat ? 'form' : 'json');
  const [value, setValue] = useState(() => (schema ? example(schema) : {}));
  const [text, setText] = useState(() => JSON.stringify(schema ? example(schema) : {}, null, 2));
  const [tags, setTags] = useState('');
  const [priority, setPriority] = useState(DEFAULT_PRIORITY);
  const [concurrencyKey, setConcurrencyKey] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const parsed = mode === 'json' ? parse(text) : { value };
  const problems = parsed.error ? [{ path: 'inputs', message: `not JSON: ${parsed.error}` }] : validate(schema, parsed.value);
  const serverProblems = Array.isArray(error?.details) ? error.details.map((d) => ({ path: d.path ?? d.field ?? 'inputs', message: d.message })) : [];
  const switchTo = (next) => {
    if (next === 'json') setText(JSON.stringify(value, null, 2));
    else if (!parsed.error && parsed.value && typeof parsed.value === 'object') setValue(parsed.value);
    setMode(next);
  };
  const submit = async (event) => {
    event.preventDefault();
    if (parsed.error) return;
    setBusy(true);
    setError(null);
    try {
      const body = { inputs: parsed.value, triggeredBy: 'user', ...triggerOptions({ tags, priority, concurrencyKey, concurrency }) };
      const run = await api(target, { method: 'POST', body });
      navigate(`/runs/${encodeURIComponent(run.id)}`);
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };
  return html`<form class="run-form" onSubmit=${submit} data-testid="run-form">
    ${flat ? html`<div class="tabs">
      <button type="button" class=${mode === 'form' ? 'active' : 'link'} onClick=${() => switchTo('form')}>Form</button>
      <button type="button" class=${mode === 'json' ? 'active' : 'link'} onClick=${() => switchTo('json')}>JSON</button>
    </div>` : null}
    ${mode === 'form' ? html`<${SchemaForm} schema=${schema} value=${value} errors=${problems} onChange=${setValue} />`
      : html`<label class="field"><span class="field-name">inputs (JSON)</span>
          <textarea name="inputs" rows="8" spellcheck="false" value=${text} onInput=${(e) => setText(e.currentTarget.value)} /></label>`}
    ${mode === 'json' || !flat ? html`<ul class="problems" data-testid="schema-errors">${problems.map((p, i) => html`<li key=${i}><code>${p.path}</code> ${p.message}</li>`)}</ul>` : null}
    <label class="field"><span class="field-name">tags</span><input name="tags" placeholder="comma separated" value=${tags} onInput=${(e) => setTags(e.currentTarget.value)} /></label>
    <div class="row">
      <label class="field"><span class="field-name">priority</span>
        <select name="priority" value=${priority} onChange=${(e) => setPriority(e.currentTarget.value)}>
          ${PRIORITIES.map(([value, label]) => html`<option key=${value} value=${value}>${label}</option>`)}
        </select></label>
      ${concurrency ? html`<label class="field"><span class="field-name">concurrency key</span>
        <input name="concurrencyKey" maxlength="200" placeholder=${concurrency.key ? `default: ${concurrency.key}` : 'optional'} value=${concurrencyKey}
          onInput=${(e) => setConcurrencyKey(e.currentTarget.value)} /></label>` : null}
    </div>
    ${serverProblems.length ? html`<ul class="problems">${serverProblems.map((p, i) => html`<li key=${i}><code>${p.path}</code> ${p.message}</li>`)}</ul>` : null}
    <${ErrorBox} error=${serverProblems.length ? null : error} />
    <div class="buttons">
      <button type="submit" class="primary" data-action="submit-run" disabled=${busy || Boolean(parsed.error)}>${submitLabel}</button>
      ${onClose ? html`<button type="button" class="link" onClick=${onClose}>close</button>` : null}
    </div>
  </form>`;
}
