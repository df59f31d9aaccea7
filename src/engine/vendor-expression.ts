// What is Camunda-specific about the expressions of Camunda attributes (an assignee `${initiator}`, a due date
// `=dueDate`): JUEL's deferred `#{…}` and the attribute named in a refusal. Checking and evaluating is expressions.ts,
// the one entry to JUEL and FEEL, so that an attribute's expression means what a condition's does.
import { evaluateExpression, expressionKind, expressionProblem, type ExpressionKind, type FeelOptions } from './expressions.js';

/**
 * A Camunda attribute's text as expressions.ts reads it: JUEL's deferred `#{…}` becomes the immediate `${…}`, which
 * Camunda 7 evaluates alike (JSR 245, EL 2.2 section 1.2.2); FEEL `=…` and `${…}` stay as written.
 */
const immediate = (text: string): string => (expressionKind(text) === 'feel' ? text : text.replace(/#\{/g, '${'));

/** What a Camunda attribute's text is: a literal, a JUEL `${…}`/`#{…}` (Camunda 7) or a FEEL `=…` (Camunda 8) expression. */
export function vendorExpressionKind(text: string): ExpressionKind {
  return expressionKind(immediate(text));
}

/** Whether a Camunda attribute's text is an expression (JUEL or FEEL), not a literal. */
export function isVendorExpression(text: string): boolean {
  return vendorExpressionKind(text) !== 'literal';
}

/** Why a Camunda attribute's expression cannot run here (expressionProblem), or undefined; `attribute` names it. */
export function vendorExpressionProblem(written: string, attribute: string): string | undefined {
  const problem = expressionProblem(immediate(written));
  return problem ? `${attribute} '${written}': ${problem}` : undefined;
}

/**
 * The value of a Camunda attribute for a case (evaluateExpression): a literal as written, JUEL with EL coercion, FEEL
 * through feelin (null when it fails; `now` is the clock of `now()`/`today()`). Checked at deploy; never runs code.
 */
export function evaluateVendorExpression(text: string, variables: Record<string, unknown>, options: FeelOptions = {}): unknown {
  return evaluateExpression(immediate(text), variables, options);
}
