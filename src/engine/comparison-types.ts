// Warns where an expression compares a field with a literal of another type: Camunda 7's EL converts one to the
// other's type (so `${setuju == 'true'}` holds for the boolean true), FEEL never does (the comparison is never true).
import type { ElementProblem } from '../errors.js';
import type { DeclaredField, FieldKind } from './form-fields.js';
import type { LiteralComparison } from './expressions.js';
import type { ReadSite } from './variable-sources.js';
import type { KnownVariables } from './variable-analysis.js';

type LiteralKind = 'string' | 'number' | 'boolean';

/** The literal kinds each field kind compares with as it is. */
const MATCHES: Record<Exclude<FieldKind, 'any'>, LiteralKind> = { string: 'string', enum: 'string', date: 'string', number: 'number', boolean: 'boolean' };

const show = (value: unknown): string => (typeof value === 'string' ? `'${value}'` : String(value));

/** What the comparison does instead, per language: EL's coercion (Jakarta EL 4.0 §1.8, §1.23) or FEEL's null. */
function consequence(language: ReadSite['language'], field: LiteralKind, literal: LiteralKind): string {
  if (language === 'feel') return 'FEEL does not convert types, so the comparison is never true';
  if (field === 'boolean' && literal === 'string') return "EL converts the string to a boolean as Camunda does ('true' in any case is true, any other text false)";
  if (literal === 'string') return `EL converts the string to a ${field} as Camunda does (a text that is no ${field} never matches)`;
  return `EL converts the ${field === 'string' ? 'text' : field} to a ${literal} as Camunda does (a value that converts to none never matches)`;
}

function warningFor(site: ReadSite, comparison: LiteralComparison, field: DeclaredField & { by: string }): string | undefined {
  const { variable, literal } = comparison;
  if (literal === null || field.kind === 'any') return undefined;
  const literalKind = typeof literal as LiteralKind;
  const described = `${site.what} compares ${field.kind} field '${variable}' (set by ${field.by}) with the ${literalKind} ${show(literal)}`;
  if (MATCHES[field.kind] !== literalKind) {
    const fieldKind = MATCHES[field.kind];
    const hint = fieldKind === 'boolean' ? `; compare with ${literal === 'true' || literal === 'false' ? literal : 'true or false'} instead` : '';
    return `${described}: ${consequence(site.language, fieldKind, literalKind)}${hint}`;
  }
  if (field.kind === 'enum' && field.options && !field.options.includes(String(literal))) {
    return `${described}, which is none of its options (${field.options.join(', ')}): the comparison never holds`;
  }
  return undefined;
}

/** A warning per comparison of `site` whose literal is of another type than the one field declaring its variable. */
export function typeWarnings(site: ReadSite, known: KnownVariables): ElementProblem[] {
  const warnings: ElementProblem[] = [];
  for (const comparison of site.comparisons) {
    const fields = (known.fields.get(comparison.variable) ?? []).filter((f) => f.kind !== 'any');
    // A name several fields of different kinds declare has no one type to compare with.
    if (fields.length === 0 || new Set(fields.map((f) => f.kind)).size > 1) continue;
    const message = warningFor(site, comparison, fields[0] as DeclaredField & { by: string });
    if (message) warnings.push({ elementId: site.elementId, message });
  }
  return warnings;
}
