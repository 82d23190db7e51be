// Evaluates a parsed condition or path against a run's data. Deterministic and
// side-effect free; reads only own properties of plain data, never the prototype chain.
import { ExpressionError, FORBIDDEN_NAMES, type BinaryOp, type Expr, type PathExpr } from './ast.js';

/** What a condition or template can see: the run's inputs and, per node, its output and status. */
export interface EvalContext {
  inputs: unknown;
  nodes: Readonly<Record<string, { output?: unknown; status: string } | undefined>>;
}

const hasOwn = (value: object, key: string) => Object.prototype.hasOwnProperty.call(value, key);

/** One step down a path. Anything missing (or a step into a non-object) is undefined, like `?.`. */
function member(value: unknown, key: string | number): unknown {
  if (value === null || value === undefined) return undefined;
  if (typeof key === 'string' && FORBIDDEN_NAMES.has(key)) return undefined;
  if (Array.isArray(value) || typeof value === 'string') {
    if (key === 'length') return value.length;
    return typeof key === 'number' && key < value.length ? value[key] : undefined;
  }
  if (typeof value === 'object') {
    const k = String(key);
    return hasOwn(value, k) ? (value as Record<string, unknown>)[k] : undefined;
  }
  return undefined;
}

export function resolvePath(path: PathExpr, ctx: EvalContext): unknown {
  let value: unknown = path.root === 'inputs' ? ctx.inputs : ctx.nodes;
  for (const key of path.segments) value = member(value, key);
  return value;
}

export function isTruthy(value: unknown): boolean {
  return Boolean(value);
}

/**
 * Equality without coercion: `1 == '1'` is false. Arrays and objects compare by content
 * (they come from JSON, where identity means nothing), and a missing value equals null
 * (JSON has no undefined, so `nodes.a.output.x == null` is how to test for "absent").
 */
export function equals(a: unknown, b: unknown): boolean {
  const x = a === undefined ? null : a;
  const y = b === undefined ? null : b;
  if (x === y) return true;
  if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null) return false;
  if (Array.isArray(x) !== Array.isArray(y)) return false;
  if (Array.isArray(x) && Array.isArray(y)) return x.length === y.length && x.every((v, i) => equals(v, y[i]));
  const xo = x as Record<string, unknown>;
  const yo = y as Record<string, unknown>;
  const keys = Object.keys(xo);
  return keys.length === Object.keys(yo).length && keys.every((k) => hasOwn(yo, k) && equals(xo[k], yo[k]));
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function typeError(op: string, left: unknown, right: unknown, pos: number, needs: string): never {
  throw new ExpressionError(`'${op}' needs ${needs}, got ${typeName(left)} and ${typeName(right)} (column ${pos + 1})`);
}

function binary(op: BinaryOp, l: unknown, r: unknown, pos: number): unknown {
  switch (op) {
    case '==':
      return equals(l, r);
    case '!=':
      return !equals(l, r);
    case 'in':
      if (Array.isArray(r)) return r.some((item) => equals(l, item));
      if (typeof r === 'string' && typeof l === 'string') return r.includes(l);
      if (typeof r === 'object' && r !== null && typeof l === 'string') return !FORBIDDEN_NAMES.has(l) && hasOwn(r, l);
      return typeError(op, l, r, pos, 'an array, a string in a string, or a key in an object');
    case '+':
      if (typeof l === 'string' && typeof r === 'string') return l + r;
      if (typeof l === 'number' && typeof r === 'number') return l + r;
      return typeError(op, l, r, pos, 'two numbers or two strings');
    case '<':
    case '<=':
    case '>':
    case '>=':
      if (!((typeof l === 'number' && typeof r === 'number') || (typeof l === 'string' && typeof r === 'string'))) {
        return typeError(op, l, r, pos, 'two numbers or two strings');
      }
      return op === '<' ? l < r : op === '<=' ? l <= r : op === '>' ? l > r : l >= r;
    default: {
      if (typeof l !== 'number' || typeof r !== 'number') return typeError(op, l, r, pos, 'two numbers');
      if ((op === '/' || op === '%') && r === 0) throw new ExpressionError(`division by zero (column ${pos + 1})`);
      return op === '*' ? l * r : op === '/' ? l / r : op === '%' ? l % r : l - r;
    }
  }
}

/**
 * Evaluates an expression. `&&` and `||` short-circuit and return an operand, as in
 * JavaScript; truthiness is JavaScript's. Type errors and division by zero throw
 * ExpressionError (a condition that cannot be decided is a bug to report, not `false`).
 */
export function evaluate(ast: Expr, ctx: EvalContext): unknown {
  switch (ast.kind) {
    case 'literal':
      return ast.value;
    case 'path':
      return resolvePath(ast, ctx);
    case 'unary': {
      const v = evaluate(ast.operand, ctx);
      if (ast.op === '!') return !isTruthy(v);
      if (typeof v !== 'number') throw new ExpressionError(`unary '-' needs a number, got ${typeName(v)} (column ${ast.pos + 1})`);
      return -v;
    }
    case 'logical': {
      const left = evaluate(ast.left, ctx);
      if (ast.op === '&&') return isTruthy(left) ? evaluate(ast.right, ctx) : left;
      return isTruthy(left) ? left : evaluate(ast.right, ctx);
    }
    case 'binary':
      return binary(ast.op, evaluate(ast.left, ctx), evaluate(ast.right, ctx), ast.pos);
  }
}
