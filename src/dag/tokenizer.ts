// Splits a condition into tokens. Hand-written so that the accepted language is exactly
// what the parser knows: anything else (`=`, `;`, backticks, `?`...) fails here, with its position.
import { ExpressionError } from './ast.js';

export type Token =
  | { type: 'number'; value: number; pos: number; end: number }
  | { type: 'string'; value: string; pos: number; end: number }
  | { type: 'ident'; value: string; pos: number; end: number }
  | { type: 'punct'; value: string; pos: number; end: number }
  | { type: 'eof'; value: ''; pos: number; end: number };

// Longest first, so `<=` wins over `<`.
const PUNCTUATION = ['==', '!=', '<=', '>=', '&&', '||', '<', '>', '!', '+', '-', '*', '/', '%', '(', ')', '[', ']', '.'];
const ESCAPES: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', n: '\n', t: '\t', r: '\r' };
export const MAX_EXPRESSION_LENGTH = 2_000;

const isDigit = (c: string) => c >= '0' && c <= '9';
const isIdentStart = (c: string) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_' || c === '$';
const isIdentPart = (c: string) => isIdentStart(c) || isDigit(c);

/** "at column N" in messages is 1-based; ExpressionError.position is the 0-based offset. */
export function fail(message: string, pos: number): never {
  throw new ExpressionError(`${message} at column ${pos + 1}`, pos);
}

export function tokenize(src: string): Token[] {
  if (src.length > MAX_EXPRESSION_LENGTH) throw new ExpressionError(`expression is longer than ${MAX_EXPRESSION_LENGTH} characters`, MAX_EXPRESSION_LENGTH);
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (isDigit(c)) {
      const start = i;
      while (i < src.length && isDigit(src[i])) i++;
      // A '.' belongs to the number only when a digit follows: `items[0].name` stays a path.
      if (src[i] === '.' && isDigit(src[i + 1] ?? '')) {
        i++;
        while (i < src.length && isDigit(src[i])) i++;
      }
      if (isIdentStart(src[i] ?? '')) fail(`unexpected '${src[i]}' after a number`, i);
      tokens.push({ type: 'number', value: Number(src.slice(start, i)), pos: start, end: i });
    } else if (isIdentStart(c)) {
      const start = i;
      while (i < src.length && isIdentPart(src[i])) i++;
      tokens.push({ type: 'ident', value: src.slice(start, i), pos: start, end: i });
    } else if (c === "'" || c === '"') {
      const start = i;
      let value = '';
      i++;
      while (src[i] !== c) {
        if (i >= src.length) fail('unterminated string', start);
        if (src[i] === '\\') {
          const escaped = ESCAPES[src[i + 1] ?? ''];
          if (escaped === undefined) fail(`unknown escape '\\${src[i + 1] ?? ''}' in string`, i);
          value += escaped;
          i += 2;
        } else {
          value += src[i++];
        }
      }
      i++;
      tokens.push({ type: 'string', value, pos: start, end: i });
    } else {
      const op = PUNCTUATION.find((p) => src.startsWith(p, i));
      if (op === undefined) {
        if (c === '=') fail("'=' is not an operator (assignment is not supported; compare with ==)", i);
        fail(`unexpected character '${c}'`, i);
      }
      if ((op === '==' || op === '!=') && src[i + 2] === '=') fail(`'${op}=' is not an operator (use ${op}: equality is always strict)`, i);
      tokens.push({ type: 'punct', value: op, pos: i, end: i + op.length });
      i += op.length;
    }
  }
  tokens.push({ type: 'eof', value: '', pos: src.length, end: src.length });
  return tokens;
}
