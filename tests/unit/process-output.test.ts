import assert from 'node:assert/strict';
import { LineSplitter, MAX_LINE_CHARS, OutputTail } from '../../src/kinds/process-output.js';
import type { RunError } from '../../src/db/schema.js';
import { classOfErrorType, withErrorClass as withClass } from '../../src/runs/error-class.js';

const withErrorClass = (error: RunError) => withClass(error);

describe('process output', () => {
  const split = (chunks: (string | Buffer)[]) => {
    const lines: string[] = [];
    const splitter = new LineSplitter((line) => lines.push(line));
    for (const chunk of chunks) splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    splitter.end();
    return lines;
  };

  it('cuts chunks into lines wherever the chunks break, with the last partial line at the end', () => {
    assert.deepEqual(split(['a\nb', 'c\n\nd', 'e']), ['a', 'bc', '', 'de']);
    assert.deepEqual(split(['crlf\r\n', 'x\n']), ['crlf', 'x']);
    assert.deepEqual(split([]), []);
  });

  it('keeps a multi-byte character split across chunks whole', () => {
    const bytes = Buffer.from('héllo wörld\n');
    assert.deepEqual(split([bytes.subarray(0, 2), bytes.subarray(2, 9), bytes.subarray(9)]), ['héllo wörld']);
  });

  it('emits an endless line in pieces of MAX_LINE_CHARS', () => {
    const lines = split(['x'.repeat(MAX_LINE_CHARS * 2 + 5)]);
    assert.deepEqual(lines.map((l) => l.length), [MAX_LINE_CHARS, MAX_LINE_CHARS, 5]);
  });

  it('keeps the last bytes of a stream, starting on a whole character, and its last lines', () => {
    const tail = new OutputTail(10);
    for (const piece of ['line 1\n', 'line 2\n', 'ünïcode\n']) tail.push(Buffer.from(piece));
    const text = tail.text();
    assert.ok(Buffer.byteLength(text) <= 10);
    assert.ok('line 1\nline 2\nünïcode\n'.endsWith(text));
    assert.deepEqual(tail.lastLines(1), ['ünïcode']); // 10 bytes exactly
    const small = new OutputTail(1024);
    small.push(Buffer.from('a\nb\nc\n'));
    assert.deepEqual(small.lastLines(2), ['b', 'c']);
  });
});

describe('error classes of stored errors', () => {
  it('keeps a stored class, derives one from the type otherwise, none for endings that are not failures', () => {
    assert.equal(withErrorClass({ type: 'HttpStatus429', message: '', class: 'resource' }).class, 'resource');
    assert.equal(withErrorClass({ type: 'AttemptTimeout', message: '' }).class, 'transient');
    assert.equal(withErrorClass({ type: 'TemplateError', message: '' }).class, 'permanent');
    assert.equal(withErrorClass({ type: 'InvalidInputs', message: '' }).class, 'permanent');
    assert.equal(classOfErrorType('Cancelled'), undefined);
    assert.equal(withErrorClass({ type: 'Expired', message: '' }).class, undefined);
  });
});
