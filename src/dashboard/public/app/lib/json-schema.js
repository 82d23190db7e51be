// Inline hints while typing inputs: the common JSON Schema keywords zod emits (type,
// properties, required, enum, const, bounds, lengths, items). The API validates for real
// (its 400 names the field); this only points at mistakes before submitting.
function typeOf(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function typeMatches(expected, value) {
  const actual = typeOf(value);
  const types = Array.isArray(expected) ? expected : [expected];
  return types.some((t) => t === actual || (t === 'number' && actual === 'integer'));
}

export function validate(schema, value, path = 'inputs', errors = []) {
  if (!schema || typeof schema !== 'object') return errors;
  if (schema.anyOf || schema.oneOf) {
    const options = schema.anyOf ?? schema.oneOf;
    if (!options.some((option) => validate(option, value, path).length === 0)) errors.push({ path, message: 'matches none of the allowed shapes' });
    return errors;
  }
  if (schema.type && !typeMatches(schema.type, value)) {
    errors.push({ path, message: `expected ${[].concat(schema.type).join(' or ')}, got ${typeOf(value)}` });
    return errors;
  }
  if (schema.enum && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) errors.push({ path, message: `one of ${schema.enum.map((e) => JSON.stringify(e)).join(', ')}` });
  if (schema.const !== undefined && JSON.stringify(schema.const) !== JSON.stringify(value)) errors.push({ path, message: `must be ${JSON.stringify(schema.const)}` });
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) errors.push({ path, message: `at least ${schema.minimum}` });
    if (schema.maximum !== undefined && value > schema.maximum) errors.push({ path, message: `at most ${schema.maximum}` });
  }
  if (typeof value === 'string') {
    if (schema.minLength !== undefined && value.length < schema.minLength) errors.push({ path, message: `at least ${schema.minLength} characters` });
    if (schema.maxLength !== undefined && value.length > schema.maxLength) errors.push({ path, message: `at most ${schema.maxLength} characters` });
    if (schema.pattern && !new RegExp(schema.pattern, 'u').test(value)) errors.push({ path, message: `must match ${schema.pattern}` });
  }
  if (Array.isArray(value) && schema.items) value.forEach((item, i) => validate(schema.items, item, `${path}.${i}`, errors));
  if (typeOf(value) === 'object') {
    for (const name of schema.required ?? []) if (!(name in value)) errors.push({ path: `${path}.${name}`, message: 'required' });
    for (const [name, sub] of Object.entries(schema.properties ?? {})) if (name in value) validate(sub, value[name], `${path}.${name}`, errors);
    if (schema.additionalProperties === false) {
      for (const name of Object.keys(value)) if (!(name in (schema.properties ?? {}))) errors.push({ path: `${path}.${name}`, message: 'not allowed' });
    }
  }
  return errors;
}

/** A starting value for a schema: defaults, else empty values of the right type. */
export function example(schema) {
  if (!schema || typeof schema !== 'object') return null;
  if (schema.default !== undefined) return schema.default;
  if (schema.enum) return schema.enum[0];
  const type = [].concat(schema.type ?? 'object')[0];
  if (type === 'object') return Object.fromEntries((schema.required ?? []).map((name) => [name, example(schema.properties?.[name])]));
  return { string: '', number: 0, integer: 0, boolean: false, array: [], null: null }[type] ?? null;
}

/** Whether the schema is a flat object of scalar fields, which a generated form can edit. */
export function isFlatForm(schema) {
  if (!schema || schema.type !== 'object' || !schema.properties) return false;
  return Object.values(schema.properties).every((p) => p && (['string', 'number', 'integer', 'boolean'].includes(p.type) || Array.isArray(p.enum)));
}
