import assert from 'node:assert/strict';
import { encodableError } from '../../src/activities/encodable-error.js';
import { toJson } from '../../src/db/runs.repository.js';

describe('what a run writes, made storable', () => {
  it('toJson replaces U+0000 and lone surrogates in strings and keys, after toJSON()', () => {
    const value = { 'k\u0000': ['a\u0000', 'x\ud800y', '😀'], at: { toJSON: () => 'j\udc00' }, ok: 'fine' };
    assert.deepEqual(JSON.parse(toJson(value)!), { 'k\ufffd': ['a\ufffd', 'x\ufffdy', '😀'], at: 'j\ufffd', ok: 'fine' });
  });

  it('toJson leaves clean values, and a literal backslash-u text, as JSON.stringify writes them', () => {
    const value = { a: [1, 'b', null], text: '\\u0000 is how one writes NUL' };
    assert.equal(toJson(value), JSON.stringify(value));
    assert.equal(toJson(undefined), null);
  });

  it('encodableError cleans message, name and stack along the cause chain, in place', () => {
    const cause = new Error('inner \ud800');
    const error = new Error('outer \u0000', { cause });
    assert.equal(encodableError(error), error);
    assert.equal(error.message, 'outer \ufffd');
    assert.equal(cause.message, 'inner \ufffd');
    assert.ok(![error.stack, cause.stack].some((stack) => stack?.includes('\u0000') || stack?.includes('\ud800')));
  });
});
