// The one entry to the two expression languages a diagram may use: JUEL-style `${…}` (Camunda 7, the safe subset of
// safe-expression.ts) and FEEL `=…` (Camunda 8, feel-expression.ts). Conditions, loops, call mappings and timers all
// come through here, so a text means the same wherever it stands.
import { analyseFeel, evaluateFeel, type FeelOptions, type LiteralComparison } from './feel-expression.js';
import { expressionBody, parseExpression, readerOf, resolveTemplate, templateReads, type Expr } from './safe-expression.js';

export type { LiteralComparison, FeelOptions };

/** How a text is read: FEEL when it starts with `=` (Camunda 8), JUEL when it holds `${…}`, else a literal. */
export type ExpressionKind = 'feel' | 'juel' | 'literal';

const TEMPLATE_PART = /\$\{([^}]*)\}/g;

export function expressionKind(text: string): ExpressionKind {
  if (text.trimStart().startsWith('=')) return 'feel';
  return /\$\{[^}]*\}/.test(text) ? 'juel' : 'literal';
}

/** The FEEL source of a `=…` text (what follows the `=`). */
function feelSource(text: string): string {
  return text.trimStart().slice(1);
}

/**
 * Why a text cannot be evaluated here, or undefined when it can: every `${…}` part must be the safe JUEL subset, a
 * FEEL text must parse and stay inside the sandbox (analyseFeel). A literal has no problem.
 */
export function expressionProblem(text: string): string | undefined {
  try {
    const kind = expressionKind(text);
    if (kind === 'feel') analyseFeel(feelSource(text));
    if (kind === 'juel') for (const m of text.matchAll(TEMPLATE_PART)) parseExpression(m[1] as string);
    return undefined;
  } catch (err) {
    return `expression ${text.trim()} refused: ${(err as Error).message}`;
  }
}

/**
 * Why a text cannot be a condition (a sequence flow's, a loop's, a completion condition), or undefined: it must be
 * one whole `${…}` or one FEEL `=…` expression.
 */
export function conditionProblem(text: string): string | undefined {
  const kind = expressionKind(text);
  if (kind === 'feel') return expressionProblem(text);
  const body = expressionBody(text);
  if (body === undefined) return 'a condition must be one ${…} or =FEEL expression comparing case variables';
  try {
    parseExpression(body);
    return undefined;
  } catch (err) {
    return `condition refused: ${(err as Error).message}`;
  }
}

/**
 * The value of a text for a case's `variables` (own properties only): a literal as written; one whole `${…}` its
 * value, a template with `${…}` parts a string; a FEEL text its value (null when it fails, temporal values as ISO
 * text). Never runs code; a JUEL part that does not parse throws ExpressionSyntaxError (deploy refused it already).
 */
export function evaluateExpression(text: string, variables: Record<string, unknown>, options: FeelOptions = {}): unknown {
  const kind = expressionKind(text);
  if (kind === 'feel') return evaluateFeel(feelSource(text), variables, options);
  if (kind === 'literal') return text;
  return resolveTemplate(text, readerOf(variables));
}

/** The case variables a text reads (top-level names); a part that does not parse reads nothing (deploy refuses it). */
export function expressionReads(text: string): string[] {
  if (expressionKind(text) !== 'feel') return templateReads(text);
  try {
    return analyseFeel(feelSource(text)).reads;
  } catch {
    return [];
  }
}

function juelComparisons(expr: Expr, into: LiteralComparison[]): void {
  if (expr.kind === 'not') juelComparisons(expr.operand, into);
  if (expr.kind === 'logical') {
    juelComparisons(expr.left, into);
    juelComparisons(expr.right, into);
  }
  if (expr.kind !== 'compare') return;
  const [path, literal] = expr.left.kind === 'path' ? [expr.left, expr.right] : [expr.right, expr.left];
  if (path.kind === 'path' && path.path.length === 1 && literal.kind === 'literal') into.push({ variable: path.path[0] as string, op: expr.op, literal: literal.value });
}

/** The comparisons of a variable with a literal in a text (`${setuju == 'true'}`, `= amount > 1000`). */
export function expressionComparisons(text: string): LiteralComparison[] {
  const into: LiteralComparison[] = [];
  try {
    if (expressionKind(text) === 'feel') return analyseFeel(feelSource(text)).comparisons;
    for (const m of text.matchAll(TEMPLATE_PART)) juelComparisons(parseExpression(m[1] as string), into);
  } catch {
    // refused at deploy
  }
  return into;
}
