// FEEL through feelin sees the case's variables as plain data and FEEL's built-ins, and nothing runs without bound.
import t from 'tap';
import { analyseFeel, evaluateFeel, isSafePattern, plainData } from '../../src/engine/feel-expression.js';

const vars = { amount: 1500, approved: true, nama: 'Budi', items: [1, 2, 3], orang: { umur: 40 }, kosong: null };

t.test('evaluates FEEL over the case variables', async (t) => {
  t.equal(evaluateFeel('amount > 1000', vars), true);
  t.equal(evaluateFeel('approved', vars), true);
  t.equal(evaluateFeel('upper case(nama) = "BUDI" and starts with(nama, "Bu")', vars), true);
  t.equal(evaluateFeel('orang.umur between 18 and 65', vars), true);
  t.equal(evaluateFeel('count(items[item > 1])', vars), 2);
  t.equal(evaluateFeel('items[1]', vars), 1);
  t.equal(evaluateFeel('some x in items satisfies x > 2', vars), true);
  t.equal(evaluateFeel('matches(nama, "^B[a-z]+$")', vars), true);
  t.equal(evaluateFeel('missing > 1', vars), null, 'a variable the case lacks is null, and so is the comparison');
  t.equal(evaluateFeel('"a" + 1', vars), null, 'a type error is null');
  t.same(evaluateFeel('{a: amount, b: [approved]}', vars), { a: 1500, b: [true] }, 'contexts and lists come back as plain data');
  t.equal(evaluateFeel('duration("P1D") + duration("PT2H")', vars), 'P1DT2H', 'temporal values come back as ISO text');
  t.equal(evaluateFeel('date("2026-01-05") + duration("P1D")', vars), '2026-01-06');
  t.equal(evaluateFeel('amount >', vars), null, 'an expression that does not parse is null at run time');
});

t.test('now() and today() read the given clock', async (t) => {
  const now = () => new Date('2026-03-02T01:30:00Z');
  t.equal(evaluateFeel('now() > date and time("2026-03-01T00:00:00@UTC")', {}, { now }), true);
  t.equal(evaluateFeel('today() = date("2026-03-02")', {}, { now }), true);
  t.equal(evaluateFeel('string(today())', {}, { now }), '2026-03-02');
});

t.test('reaches no JavaScript object, prototype or function', async (t) => {
  const hostile = [
    'nama.constructor',
    'orang.constructor',
    'orang.__proto__',
    'items.constructor',
    'constructor',
    '__proto__',
    'toString',
    'orang.toString',
    'constructor.constructor("return process")()',
    'get value(orang, "constructor")',
    'get value(orang, "__proto__")',
    'orang instance of Object',
    'require("fs")',
    'process.exit(1)',
    'eval("1 + 1")',
    'globalThis',
    'Function("return 1")()',
  ];
  const nothing = (v: unknown): boolean => v === null || v === false || (Array.isArray(v) && v.every(nothing));
  for (const source of hostile) t.ok(nothing(evaluateFeel(source, vars)), `${source} reaches nothing`);
  evaluateFeel('context put({}, "__proto__", {polluted: true})', vars);
  t.equal(({} as Record<string, unknown>).polluted, undefined, 'no prototype was polluted');
  const withFunction = { f: () => 'ran', cls: new Map([['a', 1]]), when: new Date('2026-01-01T00:00:00Z') };
  t.equal(evaluateFeel('f()', withFunction), null, 'a function among the variables is not callable');
  t.equal(evaluateFeel('cls', withFunction), null, 'a class instance is not visible');
  t.equal(evaluateFeel('when', withFunction), '2026-01-01T00:00:00.000Z', 'a Date is its ISO text');
});

t.test('plainData keeps data and drops everything else', async (t) => {
  const parsed = JSON.parse('{"__proto__": {"x": 1}, "a": [1, "b", true, null], "n": 1}') as Record<string, unknown>;
  t.same(plainData(parsed), { a: [1, 'b', true, null], n: 1 }, 'a key named like a prototype is dropped');
  t.equal(plainData(Number.POSITIVE_INFINITY), null);
  t.equal(plainData(new Date('x')), null);
  t.equal(plainData(undefined), null);
  t.same(plainData(Object.assign(Object.create(null) as object, { a: 1 })), { a: 1 }, 'a null-prototype object is data');
  let deep: unknown = 'bottom';
  for (let i = 0; i < 40; i++) deep = [deep];
  t.ok(JSON.stringify(plainData(deep)).includes('null'), 'nesting deeper than 32 levels is cut');
});

t.test('refuses at parse what could run without bound or is not FEEL', async (t) => {
  const refused: Array<[string, RegExp]> = [
    ['function(a) a', /function definitions/],
    ['{f: function(n) f(n)}.f(1)', /function definitions/],
    ['for i in 1..1000000000 return i', /iteration over a range/],
    ['some i in 1..100 satisfies i > 1', /iteration over a range/],
    ['for x in items return for y in items return x', /nested FEEL iterations/],
    ['items[count(items[item > 1]) > 0]', /nested FEEL iterations/],
    ['matches(nama, "(a+)+$")', /literal pattern/],
    ['matches(nama, "(a|aa)*b")', /literal pattern/],
    ['replace(nama, "(x*)*", "y")', /literal pattern/],
    ['split(nama, nama)', /literal pattern/],
    ['matches(nama, "(a)\\1")', /literal pattern/],
    ['matches', /literal pattern/],
    ['amount >', /FEEL syntax error at position/],
    ['(amount > 1', /FEEL syntax error/],
    ['"unterminated', /FEEL syntax error/],
    ['   ', /empty FEEL expression/],
  ];
  for (const [source, message] of refused) t.throws(() => analyseFeel(source), message, source);
});

t.test('lists the variables an expression reads and its comparisons with literals', async (t) => {
  t.same(analyseFeel('amount > 1000 and approved = true').reads, ['amount', 'approved']);
  t.same(analyseFeel('upper case(nama) = "X"').reads, ['nama'], 'a called built-in is no read');
  t.same(analyseFeel('some x in items satisfies x > limit').reads, ['items', 'limit'], 'an iteration variable is bound');
  t.same(analyseFeel('items[harga > 10]').reads, ['items'], 'names inside a filter are the items\u2019 own');
  t.same(analyseFeel('{a: 1, b: a + c}.b').reads, ['c'], "a context's own keys are bound");
  t.same(analyseFeel('orang.umur > 1').reads, ['orang']);
  t.same(analyseFeel('x instance of string').reads, ['x'], 'a type name is no read');
  t.same(analyseFeel('amount > 1000 and "ya" = jawab and approved = true and n != null').comparisons, [
    { variable: 'amount', op: '>', literal: 1000 },
    { variable: 'jawab', op: '=', literal: 'ya' },
    { variable: 'approved', op: '=', literal: true },
    { variable: 'n', op: '!=', literal: null },
  ]);
  t.equal(analyseFeel('amount > 1'), analyseFeel('amount > 1'), 'analysed once and cached');
});

t.test('a safe pattern has no quantified group holding a quantifier and no back-reference', async (t) => {
  t.ok(isSafePattern('^[A-Z]{2}-\\d+$'));
  t.ok(isSafePattern('(ab)+c'));
  t.notOk(isSafePattern('(a+)+'));
  t.notOk(isSafePattern('(a*)?'));
  t.notOk(isSafePattern('(.{1,3}){2}'));
  t.notOk(isSafePattern('(a)\\1'));
  t.notOk(isSafePattern('((a+))+'), 'however deep the quantifier');
  t.notOk(isSafePattern('((a|aa))*'));
  t.ok(isSafePattern('[(+]+(x)'), 'a class holds no group');
  t.ok(isSafePattern('\\(a+\\)+'), 'escaped parentheses are no group');
  t.notOk(isSafePattern('(unclosed'));
});
