// The expression language reads variables and compares; every attempt to call or reach a prototype is refused.
import t from 'tap';
import { checkTemplate, evaluate, hasExpression, isExpression, parseExpression, resolveTemplate } from '../../src/engine/safe-expression.js';

const vars: Record<string, unknown> = { lanjut: 'ya', n: 2, ok: true, nested: { a: { b: 'x' } }, none: null };
const read = (name: string) => (Object.hasOwn(vars, name) ? vars[name] : undefined);
const run = (src: string) => evaluate(parseExpression(src), read);

t.test('reads and compares', async (t) => {
  t.equal(run("lanjut == 'ya'"), true);
  t.equal(run('lanjut === "tidak"'), false);
  t.equal(run("lanjut != 'tidak'"), true);
  t.equal(run("lanjut !== 'ya'"), false);
  t.equal(run('n < 3 && n >= 2'), true);
  t.equal(run('n > 2 || n <= 1'), false);
  t.equal(run('n < 3 and not ok'), false);
  t.equal(run('!(n == 2) or ok'), true);
  t.equal(run('environment.variables.lanjut'), 'ya');
  t.equal(run('variables.n'), 2);
  t.equal(run("nested.a.b == 'x'"), true);
  t.equal(run('nested.zz.b'), undefined, 'a missing path reads undefined');
  t.equal(run('none == undefined'), true);
  t.equal(run('missing == null'), true);
  t.equal(run('missing != null'), false);
  t.equal(run("n < 'a'"), false, 'a text that is no number compares false with a number');
  t.equal(run("'a' < 'b'"), true);
  t.equal(run('1.5 >= 1.5'), true);
  t.equal(run('true'), true);
  t.equal(run('false'), false);
});

t.test("compares with the EL spec's coercion (Jakarta EL 4.0 §1.8.1, §1.8.2, §1.23), as Camunda 7 does", async (t) => {
  const el = (src: string, values: Record<string, unknown>) => evaluate(parseExpression(src), (name) => (Object.hasOwn(values, name) ? values[name] : undefined));
  t.equal(el("setuju == 'true'", { setuju: true }), true, 'a boolean against a string: the string becomes a boolean');
  t.equal(el("setuju == 'TRUE'", { setuju: true }), true, 'in any case');
  t.equal(el("setuju == 'ya'", { setuju: false }), true, 'any other text is false');
  t.equal(el("setuju != 'true'", { setuju: false }), true);
  t.equal(el("setuju == ''", { setuju: false }), true, "'' is false");
  t.equal(el("amount == '1000'", { amount: 1000 }), true, 'a number against a string: the string becomes a number');
  t.equal(el("amount == ' 1e3 '", { amount: 1000 }), true);
  t.equal(el("amount == ''", { amount: 0 }), true, "'' is 0");
  t.equal(el("amount == 'seribu'", { amount: 1000 }), false, 'a text that is no number is unequal (EL raises an error)');
  t.equal(el("amount != 'seribu'", { amount: 1000 }), true);
  t.equal(el("amount > '999'", { amount: 1000 }), true, 'relations coerce too');
  t.equal(el("amount <= '999.5'", { amount: 1000 }), false);
  t.equal(el('amount >= x', { amount: 1, x: null }), false, 'a relation with null is false');
  t.equal(el('ok == 1', { ok: true }), false, 'a boolean and a number do not convert');
  t.equal(el('a == b', { a: { x: 1 }, b: { x: 1 } }), false, 'two objects are equal only when identical');
  t.equal(el('a == a', { a: { x: 1 } }), true);
  t.equal(el("kode == 7", { kode: '7' }), true, 'a string variable against a number literal');
  t.equal(el('missing == null', {}), true);
  t.equal(el("missing == ''", {}), false, 'null equals nothing but null');
  t.equal(el('!flag', { flag: 'false' }), true, '! reads the text "false" as false');
  t.equal(el('flag && true', { flag: 'TRUE' }), true);
  t.equal(el('flag || false', { flag: 'ya' }), false);
  t.equal(el('!n', { n: 0 }), true, 'a number keeps JavaScript truthiness');
});

t.test('refuses calls, prototypes and junk', async (t) => {
  const hostile = [
    "this.constructor.constructor('return process')()",
    'constructor',
    'a.__proto__',
    'x.prototype',
    'process.exit()',
    'require("fs")',
    'a = 1',
    'a + 1',
    "'unterminated",
    'a.',
    '(a == 1',
    '',
    'a b',
    'a[0]',
    '`x`',
  ];
  for (const src of hostile) t.throws(() => parseExpression(src), src);
  t.match(checkTemplate("${this.constructor.constructor('return process')()}"), /refused/);
  t.equal(checkTemplate("plain ${lanjut == 'ya'} text"), undefined);
});

t.test('templates and detection', async (t) => {
  t.equal(resolveTemplate("${lanjut == 'ya'}", read), true);
  t.equal(resolveTemplate('Tahap ${n} dari ${missing}', read), 'Tahap 2 dari ');
  t.ok(isExpression('${a}'));
  t.notOk(isExpression('x ${a}'));
  t.notOk(isExpression(undefined));
  t.ok(hasExpression('x ${a}'));
  t.notOk(hasExpression('plain'));
  t.equal(parseExpression('n < 3'), parseExpression('n < 3'), 'parsed once and cached');
});
