// One entry to both languages: `${…}` is JUEL's safe subset, `=…` is FEEL, anything else a literal; the engine's
// expression seam, call mappings and deploy checks all read a text the same way.
import t from 'tap';
import { conditionProblem, evaluateExpression, expressionComparisons, expressionKind, expressionProblem, expressionReads } from '../../src/engine/expressions.js';
import { safeExpressions } from '../../src/engine/engine-options.js';
import { editDistance, nearestName, slipAllowance } from '../../src/engine/nearest-name.js';
import { passVariables } from '../../src/instances/call-variables.js';

t.test('tells the languages apart', async (t) => {
  t.equal(expressionKind('= amount > 1'), 'feel');
  t.equal(expressionKind('  =approved'), 'feel');
  t.equal(expressionKind('${a}'), 'juel');
  t.equal(expressionKind('Tahap ${n}'), 'juel');
  t.equal(expressionKind('PT5M'), 'literal');
});

t.test('evaluates either language, or gives a literal back', async (t) => {
  const vars = { amount: 1500, setuju: true, n: 2 };
  t.equal(evaluateExpression('= amount > 1000', vars), true);
  t.equal(evaluateExpression("${setuju == 'true'}", vars), true);
  t.equal(evaluateExpression('\n  ${amount > 1000}\n', vars), true, 'blanks around one whole expression are layout');
  t.equal(evaluateExpression('Tahap ${n}', vars), 'Tahap 2');
  t.equal(evaluateExpression('PT5M', vars), 'PT5M');
  t.equal(evaluateExpression('= duration("PT" + string(n) + "H")', vars), 'PT2H', 'a FEEL timer value comes back as ISO text');
  t.equal(evaluateExpression('= now()', {}, { now: () => new Date('2026-01-05T00:00:00Z') }), '2026-01-05T00:00:00Z');
});

t.test('checks a text for deploy, naming what is refused', async (t) => {
  t.equal(expressionProblem('plain'), undefined);
  t.equal(expressionProblem('= a > 1'), undefined);
  t.match(expressionProblem('= a >'), /^expression = a > refused: FEEL syntax error/);
  t.match(expressionProblem('x ${a()} y'), /function calls are not allowed/);
  t.equal(conditionProblem('${a == 1}'), undefined);
  t.equal(conditionProblem('= a = 1'), undefined);
  t.match(conditionProblem('a == 1'), /must be one \$\{…\} or =FEEL expression/);
  t.match(conditionProblem('${a ='), /must be one/, 'an unclosed ${ is no expression');
  t.match(conditionProblem('${a = 1}'), /condition refused: unexpected character '='/);
  t.match(conditionProblem('= function(x) x'), /function definitions/);
});

t.test('lists reads and comparisons with literals, in either language', async (t) => {
  t.same(expressionReads("${keputusan == 'setuju' && !tunda}"), ['keputusan', 'tunda']);
  t.same(expressionReads('= amount > limit'), ['amount', 'limit']);
  t.same(expressionReads('= amount >'), [], 'a FEEL text that does not parse reads nothing (deploy refuses it)');
  t.same(expressionComparisons("${setuju == 'true' || !(n > 2) || 3 <= m || a.b == 1 || x == y}"), [
    { variable: 'setuju', op: '==', literal: 'true' },
    { variable: 'n', op: '>', literal: 2 },
    { variable: 'm', op: '<=', literal: 3 },
  ]);
  t.same(expressionComparisons('= approved = "true"'), [{ variable: 'approved', op: '=', literal: 'true' }]);
  t.same(expressionComparisons('${a =}'), [], 'an unparsable part compares nothing');
  t.same(expressionComparisons('= a >'), []);
});

t.test("the engine's expression seam reads FEEL and JUEL, with the loop's variables", async (t) => {
  const environment = { variables: { amount: 5 } };
  t.ok(safeExpressions.isExpression('= amount'));
  t.ok(safeExpressions.isExpression('${amount}'));
  t.notOk(safeExpressions.isExpression('amount'));
  t.ok(safeExpressions.hasExpression('= amount'));
  t.ok(safeExpressions.hasExpression('x ${amount}'));
  t.notOk(safeExpressions.hasExpression(7));
  t.equal(safeExpressions.resolveExpression('= amount * 2', { environment }), 10);
  t.equal(safeExpressions.resolveExpression(3, { environment }), 3);
  const content = { isMultiInstance: true, index: 1, loopCardinality: 3, isSequential: true, loopOutput: [{}, {}] };
  t.equal(safeExpressions.resolveExpression('= nrOfCompletedInstances >= 2 and loopCounter = 1', { environment, content }), true);
  const settings = { now: () => new Date('2026-02-03T04:05:06Z') };
  t.equal(safeExpressions.resolveExpression('= string(today())', { environment: { ...environment, settings } }), '2026-02-03', "an engine's settings.now is FEEL's clock");
});

t.test('a call mapping copies a variable or evaluates an expression over the giving case', async (t) => {
  const from = { a: 2, nama: 'budi' };
  const passed = passVariables(
    {
      all: false,
      mappings: [
        { source: 'a', target: 'b' },
        { source: 'missing', target: 'c' },
        { expression: '= a + 1', target: 'd' },
        { expression: '${nama}', target: 'e' },
        { expression: '${missing}', target: 'f' },
      ],
    },
    from,
  );
  t.same(passed, { b: 2, d: 3, e: 'budi' }, 'an absent source or an undefined value passes nothing');
});

t.test('finds the declared name a misspelt one was meant to be', async (t) => {
  t.equal(editDistance('keputusn', 'keputusan'), 1);
  t.equal(editDistance('setjuu', 'setuju'), 1, 'a swap of neighbours is one edit');
  t.equal(editDistance('', 'abc'), 3);
  t.equal(slipAllowance('ab'), 0);
  t.equal(slipAllowance('nilai'), 1);
  t.equal(slipAllowance('keputusn'), 2);
  t.equal(nearestName('keputusn', ['catatan', 'keputusan']), 'keputusan');
  t.equal(nearestName('Keputusan', ['keputusan']), 'keputusan', 'a different case is a slip');
  t.equal(nearestName('keputusan', ['keputusan']), undefined, 'the name itself is no suggestion');
  t.equal(nearestName('a', ['b']), undefined, 'short names are names, not slips');
  t.equal(nearestName('nilai', ['nila', 'nilaix']), 'nila', 'the first of equals');
  t.equal(nearestName('tanggal', ['jumlah']), undefined);
  t.equal(nearestName('tindakLanjut2', ['tindakLanjut1']), undefined, 'numbered siblings are not slips');
  t.equal(nearestName('tindakLanjt2', ['tindakLanjut2']), 'tindakLanjut2');
});
