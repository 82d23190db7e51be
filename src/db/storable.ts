// Text Postgres cannot store: U+0000 (in `text` and `jsonb`) and lone UTF-16 surrogates
// (invalid in UTF-8; `jsonb` rejects their \u escapes). The API refuses such text with a
// 400 naming the field (`findUnstorableText`); what a task writes (logs, results, errors)
// is stored with those code points replaced by U+FFFD (`storableText`, `storableJson`).
// Workflow-safe: no I/O.

// eslint-disable-next-line no-control-regex -- U+0000 is exactly what Postgres refuses
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const UNSTORABLE_ALL = new RegExp(UNSTORABLE.source, 'g');

export const REPLACEMENT_CHARACTER = '\ufffd';

export function isStorableText(text: string): boolean {
  return !UNSTORABLE.test(text);
}

/** The text with every U+0000 and lone surrogate replaced by U+FFFD. */
export function storableText(text: string): string {
  return UNSTORABLE.test(text) ? text.replace(UNSTORABLE_ALL, REPLACEMENT_CHARACTER) : text;
}

/**
 * A JSON.stringify replacer that writes every string and key storable. Called after toJSON(),
 * so it sees what would be written; an object with a bad key is rebuilt.
 */
export function storableReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'string') return storableText(value);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  if (keys.every(isStorableText)) return value;
  return Object.fromEntries(keys.map((key) => [storableText(key), (value as Record<string, unknown>)[key]]));
}

/** A JSON-like value whose strings and keys are all storable; returns the same object when nothing needs replacing. */
export function storableJson<T>(value: T): T {
  return findUnstorableText(value) === undefined ? value : (JSON.parse(JSON.stringify(value, storableReplacer)) as T);
}

/**
 * The path (`inputs.a.0`) of the first string or key Postgres cannot store, or undefined.
 * Iterative, so a 1,000-level nesting costs no stack.
 */
export function findUnstorableText(value: unknown, path = ''): string | undefined {
  const stack: [unknown, string][] = [[value, path]];
  while (stack.length > 0) {
    const [current, at] = stack.pop()!;
    if (typeof current === 'string') {
      if (!isStorableText(current)) return at || '(body)';
    } else if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) stack.push([current[i], join(at, String(i))]);
    } else if (current !== null && typeof current === 'object' && !(current instanceof Date)) {
      for (const [key, inner] of Object.entries(current)) {
        if (!isStorableText(key)) return join(at, JSON.stringify(key));
        stack.push([inner, join(at, key)]);
      }
    }
  }
  return undefined;
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);
