// Warns at deploy about a decision (exclusive or inclusive gateway without a default flow) that some combination of
// the values its conditions read leaves without a flow: at run time such a case fails with SOP_ERR_NO_PATH
// (elements/decision-paths.ts). The values tried are each field's options, true and false, the literals the
// conditions compare with (and their neighbours, for numbers) and one text no condition names.
import type { ModdleElement } from 'bpmn-moddle';
import type { ElementProblem } from '../errors.js';
import { evaluateExpression, expressionComparisons, expressionKind, expressionReads } from './expressions.js';
import type { KnownVariables } from './variable-analysis.js';

/** Above this many combinations the decision is not enumerated; the general warning stands instead. */
export const MAX_COMBINATIONS = 1024;

/** A text no condition compares with: stands for "any other text". */
const OTHER_TEXT = '\u0000other';
const GENERAL = 'a decision without a default flow stops the instance when no condition holds';

function outgoing(gateway: ModdleElement): ModdleElement[] {
  const siblings = (gateway.$parent?.flowElements as ModdleElement[] | undefined) ?? [];
  return siblings.filter((f) => f.$type === 'bpmn:SequenceFlow' && f.sourceRef === gateway);
}

/** The values worth trying for `name`: its fields' domains and the literals the conditions compare it with. */
function domainOf(name: string, known: KnownVariables, literals: unknown[]): unknown[] {
  const values = new Set<unknown>();
  const fields = known.fields.get(name) ?? [];
  for (const f of fields) {
    if (f.kind === 'enum') for (const o of f.options ?? []) values.add(o);
    if (f.kind === 'boolean') [true, false].forEach((v) => values.add(v));
    if (!f.required) values.add(null);
  }
  const typed = fields.filter((f) => f.kind !== 'any');
  const closed = typed.length > 0 && typed.every((f) => f.kind === 'enum' || f.kind === 'boolean');
  if (!closed) {
    for (const l of literals) {
      if (typeof l === 'number') [l - 1, l, l + 1].forEach((v) => values.add(v));
      if (typeof l === 'string') values.add(l);
      if (typeof l === 'boolean') [true, false].forEach((v) => values.add(v));
    }
    if (typed.some((f) => f.kind === 'number') && !literals.some((l) => typeof l === 'number')) values.add(0);
    if (typed.some((f) => f.kind === 'string' || f.kind === 'date') || literals.some((l) => typeof l === 'string')) values.add(OTHER_TEXT);
    if (values.size === 0) [true, false].forEach((v) => values.add(v));
  }
  return [...values];
}

const show = (value: unknown): string => (value === OTHER_TEXT ? '(any other text)' : value === null ? 'null' : typeof value === 'string' ? `'${value}'` : String(value));

/** Whether some flow is taken for `variables`: a JUEL condition by its truth, a FEEL one only when true. */
function someFlowTaken(conditions: string[], variables: Record<string, unknown>): boolean {
  return conditions.some((text) => {
    const value = evaluateExpression(text, variables);
    return expressionKind(text) === 'feel' ? value === true : Boolean(value);
  });
}

/** Every combination of the domains, odometer-wise, until `visit` returns false. */
function combinations(names: string[], domains: unknown[][], visit: (values: Record<string, unknown>) => boolean): void {
  const index = names.map(() => 0);
  for (;;) {
    if (!visit(Object.fromEntries(names.map((n, i) => [n, (domains[i] as unknown[])[index[i] as number]])))) return;
    let i = 0;
    while (i < names.length && (index[i] = (index[i] as number) + 1) >= (domains[i] as unknown[]).length) index[i++] = 0;
    if (i === names.length) return;
  }
}

/**
 * The warning of a decision without a default flow: the first combination of values that takes no flow, or the
 * general warning when the combinations are too many (MAX_COMBINATIONS) or read nothing; none when every
 * combination tried takes a flow.
 */
export function decisionWarnings(gateway: ModdleElement, known: KnownVariables): ElementProblem[] {
  const flows = outgoing(gateway);
  if (gateway.default || flows.length < 2 || !flows.every((f) => f.conditionExpression)) return [];
  const conditions = flows.map((f) => String((f.conditionExpression as ModdleElement).body ?? ''));
  const names = [...new Set(conditions.flatMap(expressionReads))];
  const comparisons = conditions.flatMap(expressionComparisons);
  const domains = names.map((n) => domainOf(n, known, comparisons.filter((c) => c.variable === n).map((c) => c.literal)));
  const elementId = String(gateway.id);
  if (names.length === 0 || domains.reduce((n, d) => n * d.length, 1) > MAX_COMBINATIONS) return [{ elementId, message: GENERAL }];
  let gap: Record<string, unknown> | undefined;
  combinations(names, domains, (values) => {
    if (!someFlowTaken(conditions, values)) gap = values;
    return gap === undefined;
  });
  if (!gap) return [];
  const when = Object.entries(gap).map(([n, v]) => `${n} = ${show(v)}`).join(', ');
  return [{ elementId, message: `no flow out of this decision is taken when ${when}: add a default flow or a condition for that case, or such a case stops with SOP_ERR_NO_PATH` }];
}
