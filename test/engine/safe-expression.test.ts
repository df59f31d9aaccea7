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
  t.equal(run("n < 'a'"), false, 'no coercion between types');
  t.equal(run("'a' < 'b'"), true);
  t.equal(run('1.5 >= 1.5'), true);
  t.equal(run('true'), true);
  t.equal(run('false'), false);
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
