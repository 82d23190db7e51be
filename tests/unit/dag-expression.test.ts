import assert from 'node:assert/strict';
import { ExpressionError, evaluate, parseExpression, referencedNodes, type EvalContext } from '../../src/dag/expression.js';

const ctx: EvalContext = {
  inputs: { n: 5, name: 'ada', tags: ['x', 'y'], nested: { deep: { v: true } }, list: [{ id: 7 }], empty: '' },
  nodes: {
    fetch: { status: 'complete', output: { items: [10, 20, 30], ok: true, meta: { count: 3 } } },
    'fetch-user': { status: 'complete', output: { id: 'u1' } },
    gone: { status: 'skipped' },
  },
};
const ev = (src: string) => evaluate(parseExpression(src), ctx);
const parseError = (src: string): ExpressionError => {
  try {
    parseExpression(src);
  } catch (error) {
    assert.ok(error instanceof ExpressionError, `${src}: ${String(error)}`);
    return error;
  }
  assert.fail(`${src} parsed`);
};

describe('dag expressions', () => {
  it('evaluates literals', () => {
    assert.equal(ev('42'), 42);
    assert.equal(ev('3.25'), 3.25);
    assert.equal(ev("'single'"), 'single');
    assert.equal(ev('"double"'), 'double');
    assert.equal(ev(`'it\\'s'`), "it's");
    assert.equal(ev('true'), true);
    assert.equal(ev('false'), false);
    assert.equal(ev('null'), null);
  });

  it('reads paths, indexes and length', () => {
    assert.equal(ev('inputs.n'), 5);
    assert.equal(ev('inputs.nested.deep.v'), true);
    assert.equal(ev('nodes.fetch.output.items[0]'), 10);
    assert.equal(ev('nodes.fetch.output.items[2]'), 30);
    assert.equal(ev('nodes.fetch.output.items.length'), 3);
    assert.equal(ev('inputs.name.length'), 3);
    assert.equal(ev('inputs.list[0].id'), 7);
    assert.equal(ev("inputs['name']"), 'ada');
    assert.equal(ev('nodes.fetch.status'), 'complete');
    assert.equal(ev('nodes.fetch-user.output.id'), 'u1', 'node ids with - need no brackets');
    assert.equal(ev("nodes['fetch-user'].output.id"), 'u1');
  });

  it('gives undefined for anything missing instead of throwing', () => {
    assert.equal(ev('inputs.nope.deeper[3].x'), undefined);
    assert.equal(ev('nodes.fetch.output.items[9]'), undefined);
    assert.equal(ev('nodes.gone.output'), undefined);
    assert.equal(ev('nodes.unknown.output.x'), undefined);
    assert.equal(ev('inputs.n.length'), undefined);
    assert.equal(ev('inputs.nope == null'), true);
  });

  it('follows precedence and associativity', () => {
    assert.equal(ev('1 + 2 * 3'), 7);
    assert.equal(ev('(1 + 2) * 3'), 9);
    assert.equal(ev('10 - 4 - 3'), 3);
    assert.equal(ev('12 / 2 / 3'), 2);
    assert.equal(ev('7 % 4 * 2'), 6);
    assert.equal(ev('-2 * 3'), -6);
    assert.equal(ev('- -2'), 2);
    assert.equal(ev('1 + 2 == 3'), true);
    assert.equal(ev('1 < 2 == true'), true);
    assert.equal(ev('true || false && false'), true, '&& binds tighter than ||');
    assert.equal(ev('(true || false) && false'), false);
    assert.equal(ev('!false && false'), false, '! binds tighter than &&');
    assert.equal(ev('!(false && false)'), true);
    assert.equal(ev("inputs.n > 3 && 'x' in inputs.tags"), true);
    assert.equal(ev("inputs.n + 1 in nodes.fetch.output.items == false"), true, 'in binds tighter than ==');
  });

  it('compares strictly, and arrays and objects by content', () => {
    assert.equal(ev("1 == '1'"), false);
    assert.equal(ev("1 != '1'"), true);
    assert.equal(ev('0 == false'), false);
    assert.equal(ev('null == false'), false);
    assert.equal(ev("inputs.name == 'ada'"), true);
    assert.equal(ev("'b' > 'a'"), true);
    assert.equal(ev('2 >= 2 && 2 <= 2 && !(2 < 2) && !(2 > 2)'), true);
    assert.equal(ev('nodes.fetch.output.meta == nodes.fetch.output.meta'), true);
    assert.equal(evaluate(parseExpression('inputs.a == inputs.b'), { inputs: { a: [1, { x: 2 }], b: [1, { x: 2 }] }, nodes: {} }), true);
    assert.equal(evaluate(parseExpression('inputs.a == inputs.b'), { inputs: { a: [1, { x: 2 }], b: [1, { x: 3 }] }, nodes: {} }), false);
  });

  it('supports in for arrays, substrings and object keys', () => {
    assert.equal(ev("'y' in inputs.tags"), true);
    assert.equal(ev("'z' in inputs.tags"), false);
    assert.equal(ev('20 in nodes.fetch.output.items'), true);
    assert.equal(ev("'20' in nodes.fetch.output.items"), false);
    assert.equal(ev("'da' in inputs.name"), true);
    assert.equal(ev("'db' in inputs.name"), false);
    assert.equal(ev("'ok' in nodes.fetch.output"), true);
    assert.equal(ev("'constructor' in nodes.fetch.output"), false);
  });

  it('short-circuits && and || and returns an operand', () => {
    assert.equal(ev("false && 1 / 0"), false, 'the right side is not evaluated');
    assert.equal(ev('true || 1 / 0'), true);
    assert.equal(ev("inputs.empty || 'default'"), 'default');
    assert.equal(ev('inputs.n && inputs.name'), 'ada');
  });

  it('throws ExpressionError on type errors and division by zero', () => {
    assert.throws(() => ev("1 + 'a'"), (e: unknown) => e instanceof ExpressionError && /'\+' needs two numbers or two strings, got number and string/.test(e.message));
    assert.equal(ev("'a' + 'b'"), 'ab');
    assert.throws(() => ev('1 / 0'), /division by zero/);
    assert.throws(() => ev('1 % 0'), /division by zero/);
    assert.throws(() => ev("-'a'"), /unary '-' needs a number/);
    assert.throws(() => ev('inputs.nope > 1'), /needs two numbers or two strings, got undefined and number/);
    assert.throws(() => ev('1 in 5'), ExpressionError);
  });

  it('rejects __proto__, constructor and prototype at parse time, by position', () => {
    assert.equal(parseError('inputs.constructor').position, 7);
    assert.equal(parseError('inputs.__proto__.x').position, 7);
    assert.equal(parseError("inputs['__proto__']").position, 7);
    assert.equal(parseError('nodes.fetch.output.prototype').position, 19);
    assert.equal(parseError('nodes.constructor.output').position, 6);
    assert.equal(parseError("nodes['__proto__'].output").position, 6);
    assert.match(parseError('inputs.a.constructor').message, /'constructor' cannot be read at column 10/);
  });

  it('cannot reach the prototype chain even through data', () => {
    const tricky: EvalContext = { inputs: Object.create({ inherited: 1 }) as unknown, nodes: {} };
    assert.equal(evaluate(parseExpression('inputs.inherited'), tricky), undefined);
    assert.equal(evaluate(parseExpression('inputs.toString'), { inputs: {}, nodes: {} }), undefined);
    assert.equal(evaluate(parseExpression('inputs.a.hasOwnProperty'), { inputs: { a: {} }, nodes: {} }), undefined);
  });

  it('rejects everything outside the grammar', () => {
    assert.match(parseError('foo(1)').message, /unknown function 'foo': function calls are not supported at column 1/);
    assert.match(parseError('inputs.a(1)').message, /function calls are not supported at column 9/);
    assert.match(parseError('inputs.a = 1').message, /assignment is not supported.* at column 10/);
    assert.match(parseError('1 === 1').message, /'===' is not an operator/);
    assert.match(parseError('process.exit').message, /unknown name 'process'/);
    assert.match(parseError('this').message, /unknown name 'this'/);
    assert.match(parseError('inputs[inputs.key]').message, /expected an integer index or a quoted key/);
    assert.match(parseError('`x`').message, /unexpected character '`' at column 1/);
    assert.match(parseError('1 ? 2 : 3').message, /unexpected character '\?' at column 3/);
    assert.match(parseError('inputs; 1').message, /unexpected character ';'/);
    assert.match(parseError('nodes.fetch.items').message, /nodes.fetch must be followed by .output or .status at column 13/);
    assert.match(parseError('nodes').message, /expected '\.'/);
    assert.match(parseError('[1, 2]').message, /unexpected character ',' at column 3/);
    assert.match(parseError('[1]').message, /unexpected '\[' at column 1/);
    assert.match(parseError('{}').message, /unexpected character '\{'/);
  });

  it('names the position of parse errors', () => {
    const cases: [string, number][] = [
      ['1 +', 3],
      ['(1 + 2', 6],
      ['1 + * 2', 4],
      ["'open", 0],
      ['inputs.a b', 9],
      ['2 2', 2],
      ['', 0],
      ["'bad \\q'", 5],
    ];
    for (const [src, position] of cases) {
      const error = parseError(src);
      assert.equal(error.position, position, src);
      if (src !== '') assert.match(error.message, new RegExp(`at column ${position + 1}$`), src);
    }
  });

  it('bounds length and nesting', () => {
    assert.match(parseError('('.repeat(150) + '1' + ')'.repeat(150)).message, /nested deeper than 100/);
    assert.match(parseError('!'.repeat(150) + 'true').message, /nested deeper than 100/);
    assert.equal(ev('('.repeat(50) + '1' + ')'.repeat(50)), 1);
    assert.throws(() => parseExpression('1 + '.repeat(600) + '1'), /longer than 2000/);
  });

  it('lists the nodes a condition reads, once each, in order', () => {
    assert.deepEqual(referencedNodes(parseExpression("nodes.b.output.x > 1 && (nodes.a.status == 'complete' || nodes.b.output.y) && inputs.z")), ['b', 'a']);
    assert.deepEqual(referencedNodes(parseExpression("!nodes['fetch-user'].output.ok")), ['fetch-user']);
    assert.deepEqual(referencedNodes(parseExpression('inputs.a == 1')), []);
  });
});
