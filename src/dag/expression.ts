// The condition language of edges' `when`: parse once (at validation and when the
// interpreter indexes a definition), evaluate many times. Safe by construction: the
// grammar has no calls, no assignment and no way to reach prototypes (see parser.ts).
// Pure TypeScript, usable in Temporal's workflow sandbox.
import { collectPaths, type Expr } from './ast.js';

export { ExpressionError, type Expr, type PathExpr } from './ast.js';
export { parseExpression, parsePath } from './parser.js';
export { evaluate, equals, isTruthy, resolvePath, type EvalContext } from './evaluate.js';

/** The node ids an expression reads (`nodes.<id>...`), each once, in order of appearance. */
export function referencedNodes(ast: Expr): string[] {
  const ids = new Set<string>();
  for (const path of collectPaths(ast)) if (path.root === 'nodes') ids.add(String(path.segments[0]));
  return [...ids];
}
