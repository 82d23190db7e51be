// Recursive-descent parser for conditions and template paths. The grammar, lowest
// precedence first:
//
//   or       := and ('||' and)*
//   and      := equality ('&&' equality)*
//   equality := relation (('==' | '!=') relation)*
//   relation := additive (('<' | '<=' | '>' | '>=' | 'in') additive)*
//   additive := term (('+' | '-') term)*
//   term     := unary (('*' | '/' | '%') unary)*
//   unary    := ('!' | '-') unary | primary
//   primary  := number | string | true | false | null | '(' or ')' | path
//   path     := 'inputs' member* | 'nodes' nodeRef ('.output' | '.status') member*
//   member   := '.' name | '[' (integer | string) ']'
//
// Nothing else parses: no calls, no assignment, no other names, no computed member
// access. That, plus FORBIDDEN_NAMES, is what makes evaluation safe without a sandbox.
import { ExpressionError, FORBIDDEN_NAMES, type BinaryOp, type Expr, type PathExpr } from './ast.js';
import { fail, tokenize, type Token } from './tokenizer.js';

const MAX_DEPTH = 100;
const NODE_FIELDS = new Set(['output', 'status']);

class Parser {
  private i = 0;
  private depth = 0;
  /** Where the name or key of the last member parsed starts, for error messages. */
  private memberPos = 0;
  constructor(private readonly tokens: Token[]) {}

  private get token(): Token {
    return this.tokens[this.i];
  }

  private isPunct(...values: string[]): boolean {
    return this.token.type === 'punct' && values.includes(this.token.value);
  }

  private expectPunct(value: string, context: string): void {
    if (!this.isPunct(value)) this.unexpected(`expected '${value}' ${context}`);
    this.i++;
  }

  private unexpected(hint?: string): never {
    const t = this.token;
    const what = t.type === 'eof' ? 'end of expression' : t.type === 'string' ? `string ${JSON.stringify(t.value)}` : `'${t.value}'`;
    fail(hint ? `${hint}, found ${what}` : `unexpected ${what}`, t.pos);
  }

  parseAll(): Expr {
    return this.end(this.or());
  }

  parsePathOnly(): PathExpr {
    const t = this.token;
    if (t.type !== 'ident' || (t.value !== 'inputs' && t.value !== 'nodes')) this.unexpected('expected a path starting with inputs or nodes');
    return this.end(this.path());
  }

  private end<E extends Expr>(expr: E): E {
    if (this.token.type !== 'eof') {
      if (this.isPunct('(')) fail("unexpected '(': function calls are not supported", this.token.pos);
      this.unexpected();
    }
    return expr;
  }

  private or(): Expr {
    let left = this.and();
    while (this.isPunct('||')) {
      const pos = this.tokens[this.i++].pos;
      left = { kind: 'logical', op: '||', left, right: this.and(), pos };
    }
    return left;
  }

  private and(): Expr {
    let left = this.binary(0);
    while (this.isPunct('&&')) {
      const pos = this.tokens[this.i++].pos;
      left = { kind: 'logical', op: '&&', left, right: this.binary(0), pos };
    }
    return left;
  }

  // Equality, relation, additive and term are the same loop at four precedence levels.
  private static readonly BINARY_LEVELS: readonly (readonly BinaryOp[])[] = [['==', '!='], ['<', '<=', '>', '>=', 'in'], ['+', '-'], ['*', '/', '%']];

  private binary(level: number): Expr {
    if (level === Parser.BINARY_LEVELS.length) return this.unary();
    const ops = Parser.BINARY_LEVELS[level];
    let left = this.binary(level + 1);
    for (;;) {
      const t = this.token;
      const op = ((t.type === 'punct' || (t.type === 'ident' && t.value === 'in')) && ops.find((o) => o === t.value)) || undefined;
      if (op === undefined) return left;
      this.i++;
      left = { kind: 'binary', op, left, right: this.binary(level + 1), pos: t.pos };
    }
  }

  private unary(): Expr {
    if (this.isPunct('!', '-')) {
      const t = this.tokens[this.i++];
      return this.nested(() => ({ kind: 'unary', op: t.value as '!' | '-', operand: this.unary(), pos: t.pos }));
    }
    return this.primary();
  }

  private nested(parse: () => Expr): Expr {
    if (++this.depth > MAX_DEPTH) fail(`expression nested deeper than ${MAX_DEPTH} levels`, this.token.pos);
    const expr = parse();
    this.depth--;
    return expr;
  }

  private primary(): Expr {
    const t = this.token;
    if (t.type === 'number' || t.type === 'string') {
      this.i++;
      return { kind: 'literal', value: t.value, pos: t.pos };
    }
    if (this.isPunct('(')) {
      this.i++;
      const expr = this.nested(() => this.or());
      this.expectPunct(')', 'to close the parenthesis');
      return expr;
    }
    if (t.type === 'ident') {
      if (t.value === 'true' || t.value === 'false') {
        this.i++;
        return { kind: 'literal', value: t.value === 'true', pos: t.pos };
      }
      if (t.value === 'null') {
        this.i++;
        return { kind: 'literal', value: null, pos: t.pos };
      }
      if (t.value === 'inputs' || t.value === 'nodes') return this.path();
      const call = this.tokens[this.i + 1]?.type === 'punct' && this.tokens[this.i + 1].value === '(';
      fail(call ? `unknown function '${t.value}': function calls are not supported` : `unknown name '${t.value}': paths start with inputs or nodes`, t.pos);
    }
    this.unexpected();
  }

  private path(): PathExpr {
    const start = this.tokens[this.i++];
    const root = start.value as 'inputs' | 'nodes';
    const segments: (string | number)[] = [];
    if (root === 'nodes') {
      segments.push(this.nodeRef());
      const field = this.member();
      if (field === undefined || !NODE_FIELDS.has(String(field))) {
        fail(`nodes.${segments[0]} must be followed by .output or .status`, field === undefined ? this.token.pos : this.memberPos);
      }
      segments.push(field);
    }
    for (let m = this.member(); m !== undefined; m = this.member()) segments.push(m);
    return { kind: 'path', root, segments, pos: start.pos };
  }

  // Node ids may contain '-', which the tokenizer reads as minus: glue together the
  // ident/number/'-' tokens that touch each other, so `nodes.fetch-user.output` works.
  private nodeRef(): string {
    if (this.isPunct('[')) {
      this.i++;
      const k = this.token;
      if (k.type !== 'string') this.unexpected("expected a quoted node id inside '[ ]'");
      if (FORBIDDEN_NAMES.has(k.value)) fail(`'${k.value}' cannot be read`, k.pos);
      this.i++;
      this.expectPunct(']', 'to close the node id');
      return k.value;
    }
    this.expectPunct('.', "after 'nodes'");
    const first = this.token;
    if (first.type !== 'ident') this.unexpected('expected a node id');
    let id = first.value;
    let end = first.end;
    this.i++;
    while (this.token.pos === end && (this.token.type === 'ident' || this.token.type === 'number' || this.isPunct('-'))) {
      id += String(this.token.value);
      end = this.token.end;
      this.i++;
    }
    if (FORBIDDEN_NAMES.has(id)) fail(`'${id}' cannot be read`, first.pos);
    return id;
  }

  /** One `.name` or `[0]` / `['key']`, or undefined when the path ends here. */
  private member(): string | number | undefined {
    let name: string | number;
    if (this.isPunct('.')) {
      this.i++;
      const n = this.token;
      if (n.type !== 'ident') this.unexpected("expected a property name after '.'");
      name = n.value;
      this.memberPos = n.pos;
      this.i++;
    } else if (this.isPunct('[')) {
      this.i++;
      const k = this.token;
      if (k.type === 'number' && Number.isInteger(k.value)) name = k.value;
      else if (k.type === 'string') name = k.value;
      else this.unexpected("expected an integer index or a quoted key inside '[ ]'");
      this.memberPos = k.pos;
      this.i++;
      this.expectPunct(']', 'to close the index');
    } else {
      return undefined;
    }
    if (typeof name === 'string' && FORBIDDEN_NAMES.has(name)) fail(`'${name}' cannot be read`, this.memberPos);
    return name;
  }
}

/** Parses a condition. Throws ExpressionError naming the column of the first problem. */
export function parseExpression(src: string): Expr {
  const tokens = tokenize(src);
  if (tokens.length === 1) throw new ExpressionError('empty expression', 0);
  return new Parser(tokens).parseAll();
}

/** Parses a bare path (`inputs.a`, `nodes.x.output[0]`), as templates use. */
export function parsePath(src: string): PathExpr {
  return new Parser(tokenize(src)).parsePathOnly();
}
