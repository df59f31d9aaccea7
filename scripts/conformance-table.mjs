// Prints the README's conformance table from test/fixtures/conformance-outcomes.json (written by the corpus test
// with WRITE_CONFORMANCE_OUTCOMES=1): one row per file, its outcome and its distinct reasons, the first three.
import fs from 'node:fs';
import path from 'node:path';

const file = path.resolve(import.meta.dirname, '..', 'test', 'fixtures', 'conformance-outcomes.json');
const outcomes = JSON.parse(fs.readFileSync(file, 'utf8'));
const rows = ['| file | outcome | reasons (distinct, first three) or tasks completed |', '|---|---|---|'];
for (const [name, o] of Object.entries(outcomes)) {
  if (o.status !== 400) {
    const ran = o.completed?.length ? `${o.completed.length} tasks: ${o.completed.join(', ')}` : 'no task';
    rows.push(`| \`${name}\` | deployed (${o.status}), started, ran to its end | ${ran} |`);
    continue;
  }
  const reasons = [...new Set(o.problems.map((p) => p.replace(/^[^:]+: /, '').replace(/\|/g, '\\|')))];
  const shown = reasons.slice(0, 3).join('; ') + (reasons.length > 3 ? ' …' : '');
  rows.push(`| \`${name}\` | refused (400), ${o.problems.length} problems | ${shown} |`);
}
console.log(rows.join('\n'));
