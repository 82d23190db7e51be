// The syntax tree of a condition or template path, and the one error type for both.
// Pure TypeScript: it runs inside Temporal's workflow sandbox.

/** Property names a path may never read: they lead out of the data into JavaScript's object model. */
export const FORBIDDEN_NAMES: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export type PathRoot = 'inputs' | 'nodes';
export type BinaryOp = '*' | '/' | '%' | '+' | '-' | '==' | '!=' | '<' | '<=' | '>' | '>=' | 'in';
export type LogicalOp = '&&' | '||';

/** `pos` is the 0-based offset in the source where the construct starts, for error messages. */
export type Expr =
  | { kind: 'literal'; value: string | number | boolean | null; pos: number }
  /** `nodes.fetch.output.items[0]` is root 'nodes', segments ['fetch', 'output', 'items', 0]. */
  | { kind: 'path'; root: PathRoot; segments: (string | number)[]; pos: number }
  | { kind: 'unary'; op: '!' | '-'; operand: Expr; pos: number }
  | { kind: 'binary'; op: BinaryOp; left: Expr; right: Expr; pos: number }
  | { kind: 'logical'; op: LogicalOp; left: Expr; right: Expr; pos: number };

export type PathExpr = Extract<Expr, { kind: 'path' }>;

/**
 * A condition or template that cannot be parsed (`position` set: 0-based offset, and the
 * message names the 1-based column) or cannot be evaluated (type errors, division by zero).
 */
export class ExpressionError extends Error {
  constructor(
    message: string,
    readonly position?: number,
  ) {
    super(message);
    this.name = 'ExpressionError';
  }
}

/** Every path in an expression, left to right. Iterative, so deep trees cannot overflow the stack. */
export function collectPaths(ast: Expr): PathExpr[] {
  const paths: PathExpr[] = [];
  const stack: Expr[] = [ast];
  while (stack.length > 0) {
    const node = stack.pop() as Expr;
    if (node.kind === 'path') paths.push(node);
    else if (node.kind === 'unary') stack.push(node.operand);
    else if (node.kind === 'binary' || node.kind === 'logical') stack.push(node.right, node.left);
  }
  return paths;
}
