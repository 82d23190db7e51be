// fast-check arbitraries for fuzzing the HTTP API: hostile JSON (control characters, lone
// surrogates, 1e308, 100 kB strings, 1,000-level nesting), raw bodies that are barely JSON,
// and mutations of valid bodies, so that a good share of the cases is accepted.
import fc from 'fast-check';

const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
const controlChar = fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c));
const HUNDRED_KB = 'x'.repeat(100_000);

export const nastyString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 3, arbitrary: fc.string({ unit: codeUnit, maxLength: 20 }) },
  { weight: 2, arbitrary: fc.string({ unit: controlChar, maxLength: 5 }) },
  { weight: 2, arbitrary: fc.constantFrom('\u0000', 'a\u0000b', '\ud800', '\udfff', 'x\ud83d', '\ud83d\ude00', '\u2028\u2029', '\ufeff', '\\u0000', '') },
  { weight: 1, arbitrary: fc.constantFrom(HUNDRED_KB, `${HUNDRED_KB}\u0000`, `\ud800${HUNDRED_KB}`) },
);

const nastyKey = fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('inputs', 'tags', 'reason', 'nodes', 'a\u0000', '\udc00', '', 'constructor'));

export const nastyNumber = fc.oneof(
  fc.constantFrom(1e308, -1e308, 5e-324, 0, -1, 1.5, 2 ** 53 + 2, 2 ** 31),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** A value nested `depth` levels deep in arrays or objects. */
export const nested = (depth: number, kind: 'array' | 'object', leaf: unknown): unknown => {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = kind === 'array' ? [value] : { a: value };
  return value;
};

export const nastyJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown; array: unknown[]; object: Record<string, unknown> }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', maxDepth: 4 },
    nastyString,
    nastyNumber,
    fc.boolean(),
    fc.constant(null),
    tie('array'),
    tie('object'),
  ),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.dictionary(nastyKey, tie('value'), { maxKeys: 4 }),
})).value;

const deepJson = fc.tuple(fc.constantFrom('array', 'object') as fc.Arbitrary<'array' | 'object'>, fc.oneof(fc.constant('leaf'), nastyString)).map(([kind, leaf]) => nested(1_000, kind, leaf));

/** Any hostile value: mostly small, sometimes 1,000 levels deep. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof({ weight: 9, arbitrary: nastyJson }, { weight: 1, arbitrary: deepJson });

/** Body text that is not quite JSON, or JSON that JSON.stringify would never write. */
export const rawBody: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('', '{', '}', '[]', 'null', '"str"', '1e400', '-1e400', '{"inputs":1e400}', '{"inputs":"\\ud800"}', '{"reason":"\\u0000"}', '{"a":1,"a":2}', '\u0000', `${'['.repeat(1_000)}${']'.repeat(1_000)}`),
  fc.string({ unit: codeUnit, maxLength: 30 }),
  fc.tuple(hostileValue, fc.nat(), fc.string({ unit: codeUnit, minLength: 1, maxLength: 3 })).map(([value, at, noise]) => {
    const text = JSON.stringify(value) ?? 'null';
    const i = at % (text.length + 1);
    return text.slice(0, i) + noise + text.slice(i); // JSON with garbage spliced in
  }),
);

interface Mutation {
  kind: 'set' | 'delete' | 'add';
  at: number;
  key: string;
  value: unknown;
}
const mutation: fc.Arbitrary<Mutation> = fc.record({ kind: fc.constantFrom('set', 'delete', 'add'), at: fc.nat(), key: nastyKey, value: hostileValue });

/** Every (container, key) in a JSON value, the value itself excluded. */
function slots(value: unknown): [Record<string, unknown> | unknown[], string | number][] {
  const out: [Record<string, unknown> | unknown[], string | number][] = [];
  const walk = (node: unknown) => {
    if (node === null || typeof node !== 'object') return;
    for (const [key, child] of Array.isArray(node) ? node.entries() : Object.entries(node)) {
      out.push([node as Record<string, unknown> | unknown[], key]);
      walk(child);
    }
  };
  walk(value);
  return out;
}

function containers(value: unknown): (Record<string, unknown> | unknown[])[] {
  return [value, ...slots(value).map(([c, k]) => (c as Record<string | number, unknown>)[k])].filter((v): v is Record<string, unknown> | unknown[] => v !== null && typeof v === 'object');
}

function applyMutation(value: unknown, m: Mutation): void {
  if (m.kind === 'add') {
    const all = containers(value);
    if (!all.length) return;
    const target = all[m.at % all.length];
    if (Array.isArray(target)) target.push(m.value);
    else target[m.key] = m.value;
    return;
  }
  const all = slots(value);
  if (!all.length) return;
  const [container, key] = all[m.at % all.length];
  if (m.kind === 'set') (container as Record<string | number, unknown>)[key] = m.value;
  else if (Array.isArray(container)) container.splice(key as number, 1);
  else delete container[key as string];
}

/** A valid body with one to three random edits: a field replaced, removed, or one added. */
export function mutationsOf<T>(valid: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.tuple(valid, fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([body, edits]) => {
    const copy: unknown = structuredClone(body);
    for (const edit of edits) applyMutation(copy, edit);
    return copy;
  });
}

/**
 * Raw request bodies for an endpoint: valid ones, mutated valid ones, hostile JSON and
 * broken text. As text, since that is what a client sends: JSON.stringify writes a lone
 * surrogate as a \udXXX escape.
 */
export function bodiesFor<T>(valid: fc.Arbitrary<T>): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: valid.map((v) => JSON.stringify(v)) },
    { weight: 4, arbitrary: mutationsOf(valid).map((v) => JSON.stringify(v) ?? 'null') },
    { weight: 1, arbitrary: hostileValue.map((v) => JSON.stringify(v) ?? 'null') },
    { weight: 1, arbitrary: rawBody },
  );
}

/** Percent-encodes text as UTF-8 bytes (a lone surrogate becomes U+FFFD, as a client's encoder would). */
export const pathSegment = (text: string) => [...Buffer.from(text, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');

/** A route id: usually one from `known`, else random text, or bytes that are not UTF-8 or hold U+0000. */
export function routeIds(known: () => string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.nat().map((i) => { const ids = known(); return ids.length ? ids[i % ids.length] : 'run_none'; }) },
    { weight: 2, arbitrary: fc.string({ unit: codeUnit, minLength: 1, maxLength: 20 }).map(pathSegment) },
    { weight: 1, arbitrary: fc.constantFrom('%00', 'run_%00', '%ED%A0%80', '%FF', '%E0%A4', 'x'.repeat(300), '..', '%2F') },
  );
}
