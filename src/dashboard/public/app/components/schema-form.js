// A form generated from a flat object JSON Schema: one field per property, typed inputs,
// selects for enums, checkboxes for booleans; errors shown next to their field.
import { html } from '../lib/html.js';

function Field({ name, schema, required, value, error, onChange }) {
  const label = html`<span class="field-name">${name}${required ? ' *' : ''}</span>`;
  let input;
  if (Array.isArray(schema.enum)) {
    input = html`<select name=${name} value=${JSON.stringify(value)} onChange=${(e) => onChange(JSON.parse(e.currentTarget.value))}>
      ${schema.enum.map((v) => html`<option key=${JSON.stringify(v)} value=${JSON.stringify(v)}>${String(v)}</option>`)}
    </select>`;
  } else if (schema.type === 'boolean') {
    input = html`<input type="checkbox" name=${name} checked=${value === true} onChange=${(e) => onChange(e.currentTarget.checked)} />`;
  } else if (schema.type === 'number' || schema.type === 'integer') {
    input = html`<input type="number" name=${name} step=${schema.type === 'integer' ? 1 : 'any'} value=${value ?? ''}
      onInput=${(e) => onChange(e.currentTarget.value === '' ? undefined : Number(e.currentTarget.value))} />`;
  } else {
    input = html`<input name=${name} value=${value ?? ''} onInput=${(e) => onChange(e.currentTarget.value)} />`;
  }
  return html`<label class="field">${label}${input}${schema.description ? html`<span class="muted">${schema.description}</span>` : null}
    ${error ? html`<span class="field-error">${error}</span>` : null}</label>`;
}

export function SchemaForm({ schema, value, errors, onChange }) {
  const required = new Set(schema.required ?? []);
  const errorOf = (name) => errors.find((e) => e.path === `inputs.${name}`)?.message;
  return html`<div class="schema-form">
    ${Object.entries(schema.properties).map(([name, sub]) => html`<${Field} key=${name} name=${name} schema=${sub} required=${required.has(name)}
      value=${value?.[name]} error=${errorOf(name)} onChange=${(v) => {
        const next = { ...(value ?? {}) };
        if (v === undefined) delete next[name];
        else next[name] = v;
        onChange(next);
      }} />`)}
  </div>`;
}
