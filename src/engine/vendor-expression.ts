// The one place where a value a Camunda attribute computes (an assignee `${initiator}`, a due date `=dueDate`) is
// checked at deploy and evaluated at run time, so that the expression languages plug in here and nowhere else.
import { checkTemplate, evaluate, parseExpression, readerOf, resolveTemplate } from './safe-expression.js';

/**
 * What a Camunda attribute's text is: a literal, a JUEL `${…}` or `#{…}` (Camunda 7; the EL spec's deferred syntax
 * means the same there) or a FEEL `=…` (Camunda 8) expression.
 */
export function vendorExpressionKind(text: string): 'literal' | 'juel' | 'feel' {
  if (text.includes('${') || text.includes('#{')) return 'juel';
  return text.trimStart().startsWith('=') ? 'feel' : 'literal';
}

/** Whether a Camunda attribute's text is an expression (JUEL or FEEL), not a literal. */
export function isVendorExpression(text: string): boolean {
  return vendorExpressionKind(text) !== 'literal';
}

/** JUEL's deferred `#{…}` as the immediate `${…}` the safe evaluator reads (Camunda evaluates both alike). */
const immediate = (text: string): string => text.replace(/#\{/g, '${');

/**
 * A FEEL text this service evaluates: the safe subset (variable reads, literals, comparisons), which FEEL's
 * `=name` and `="text"` share with JUEL. Undefined for anything else.
 */
function feelBody(text: string): string | undefined {
  const body = text.trimStart().slice(1).trim();
  return body === '' ? undefined : body;
}

/**
 * Why a Camunda attribute's expression cannot run here, or undefined when it can: JUEL must be safe `${…}`
 * templates, FEEL one safe expression (variable reads, literals, comparisons). `attribute` names it in the message.
 */
export function vendorExpressionProblem(written: string, attribute: string): string | undefined {
  const kind = vendorExpressionKind(written);
  if (kind === 'literal') return undefined;
  const text = immediate(written);
  try {
    if (kind === 'juel') {
      const problem = checkTemplate(text);
      if (problem) return `${attribute} '${written}': ${problem}`;
    } else {
      const body = feelBody(text);
      if (body === undefined) return `${attribute} '${text}': an empty FEEL expression`;
      parseExpression(body);
    }
    return undefined;
  } catch (err) {
    return `${attribute} '${written}' refused: ${(err as Error).message}`;
  }
}

/**
 * The value of a Camunda attribute for a case: a literal as written; an expression evaluated over `variables` (own
 * properties only). The caller checked it at deploy with vendorExpressionProblem; it never runs code.
 */
export function evaluateVendorExpression(text: string, variables: Record<string, unknown>): unknown {
  const kind = vendorExpressionKind(text);
  if (kind === 'literal') return text;
  const read = readerOf(variables);
  if (kind === 'juel') return resolveTemplate(immediate(text), read);
  return evaluate(parseExpression(feelBody(text) as string), read);
}
