import assert from 'node:assert/strict';
import { ExpressionError, type EvalContext } from '../../src/dag/expression.js';
import { resolveInputs, templateReferences } from '../../src/dag/template.js';

const ctx: EvalContext = {
  inputs: { userId: 42, name: 'Ada', flags: { beta: true } },
  nodes: { fetch: { status: 'complete', output: { items: [1, 2], user: { name: 'Ada' }, none: null } }, 'load-x': { status: 'complete', output: 'X' } },
};

describe('dag templates', () => {
  it('replaces a whole-string template with the value, keeping its JSON type', () => {
    const out = resolveInputs(
      { id: '{{ inputs.userId }}', items: '{{nodes.fetch.output.items}}', user: '{{ nodes.fetch.output.user }}', flag: '{{ inputs.flags.beta }}', first: '{{ nodes.fetch.output.items[0] }}' },
      ctx,
    );
    assert.deepEqual(out, { id: 42, items: [1, 2], user: { name: 'Ada' }, flag: true, first: 1 });
  });

  it('turns a missing whole-string value into null (JSON has no undefined)', () => {
    assert.deepEqual(resolveInputs({ a: '{{ inputs.nope }}', b: '{{ nodes.fetch.output.none }}' }, ctx), { a: null, b: null });
  });

  it('interpolates embedded templates as text', () => {
    const out = resolveInputs(
      {
        greeting: 'Hello {{ inputs.name }}, you are #{{inputs.userId}}!',
        list: 'items={{ nodes.fetch.output.items }} user={{ nodes.fetch.output.user }}',
        missing: '[{{ inputs.nope }}]',
        two: '{{ inputs.name }}{{ inputs.userId }}',
        dashed: 'x: {{ nodes.load-x.output }}',
      },
      ctx,
    );
    assert.deepEqual(out, { greeting: 'Hello Ada, you are #42!', list: 'items=[1,2] user={"name":"Ada"}', missing: '[]', two: 'Ada42', dashed: 'x: X' });
  });

  it('resolves deep inside objects and arrays and leaves other values alone', () => {
    const inputs = { a: { b: [{ c: '{{ inputs.userId }}' }, 'plain', 3, null, false] }, n: 1, s: 'no template {here}' };
    const out = resolveInputs(inputs, ctx);
    assert.deepEqual(out, { a: { b: [{ c: 42 }, 'plain', 3, null, false] }, n: 1, s: 'no template {here}' });
    assert.equal((inputs.a.b[0] as { c: string }).c, '{{ inputs.userId }}', 'the definition is not mutated');
    assert.deepEqual(resolveInputs(undefined, ctx), {});
  });

  it('keeps a "__proto__" key as data', () => {
    const inputs = JSON.parse('{"__proto__": {"polluted": "{{ inputs.name }}"}}') as Record<string, unknown>;
    const out = resolveInputs(inputs, ctx);
    assert.deepEqual(Object.keys(out), ['__proto__']);
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('rejects a malformed template, naming where it is and its position', () => {
    assert.throws(
      () => resolveInputs({ a: { b: ['ok', 'x {{ inputs.constructor }}'] } }, ctx),
      (e: unknown) => e instanceof ExpressionError && /^inputs\.a\.b\[1\]: invalid template "\{\{ inputs\.constructor \}\}"/.test(e.message) && e.position === 12,
    );
    assert.throws(() => resolveInputs({ a: '{{ 1 + 2 }}' }, ctx), /expected a path starting with inputs or nodes/);
    assert.throws(() => resolveInputs({ a: '{{ inputs.a + 1 }}' }, ctx), /unexpected '\+'/);
    assert.throws(() => resolveInputs({ a: '{{ }}' }, ctx), ExpressionError);
  });

  it('lists what templates read, each once', () => {
    const refs = templateReferences({
      a: '{{ nodes.fetch.output.items[0] }}',
      b: ['{{ inputs.user.id }} and {{ nodes.load-x.output }}', { c: '{{ inputs.user.id }}' }],
      d: '{{ nodes.fetch.status }} {{ inputs.list[2] }}',
      e: 5,
    });
    assert.deepEqual(refs.nodes, ['fetch', 'load-x']);
    assert.deepEqual(refs.inputs, [['user', 'id'], ['list', '2']]);
    assert.deepEqual(templateReferences(undefined), { nodes: [], inputs: [] });
    assert.throws(() => templateReferences({ a: '{{ nodes.x.nope }}' }), /must be followed by .output or .status/);
  });
});
