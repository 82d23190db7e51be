import assert from 'node:assert/strict';
import { findUnstorableText, isStorableText, storableJson, storableText } from '../../src/db/storable.js';

describe('text Postgres can store', () => {
  it('replaces U+0000 and lone surrogates with U+FFFD, keeps valid pairs', () => {
    assert.equal(storableText('a\u0000b'), 'a\ufffdb');
    assert.equal(storableText('x\ud800y'), 'x\ufffdy');
    assert.equal(storableText('x\udc00'), 'x\ufffd');
    assert.equal(storableText('😀'), '😀');
    assert.equal(isStorableText('😀 ok'), true);
    assert.equal(isStorableText('\ud83d'), false);
  });

  it('cleans JSON deeply, keys included, and returns the same object when clean', () => {
    const clean = { a: [1, 'b', { c: null }] };
    assert.equal(storableJson(clean), clean);
    assert.deepEqual(storableJson({ 'k\u0000': ['\ud800', { x: 'a\u0000' }] }), { 'k\ufffd': ['\ufffd', { x: 'a\ufffd' }] });
  });

  it('names the path of the first unstorable string or key', () => {
    assert.equal(findUnstorableText({ a: { b: ['ok', 'x\u0000'] } }, 'inputs'), 'inputs.a.b.1');
    assert.equal(findUnstorableText({ 'bad\u0000': 1 }, 'inputs'), 'inputs."bad\\u0000"');
    assert.equal(findUnstorableText({ a: 'fine' }, 'inputs'), undefined);
    assert.equal(findUnstorableText('\u0000'), '(body)');
  });

  it('walks 1,000 levels of nesting without recursion', () => {
    let deep: unknown = 'x\u0000';
    for (let i = 0; i < 1000; i++) deep = [deep];
    assert.match(findUnstorableText(deep) ?? '', /^0(\.0)+$/);
  });
});
