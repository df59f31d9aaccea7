// The one place where a value a Camunda attribute computes (an assignee `${initiator}`, a due date `=dueDate`) is
// checked at deploy and evaluated at run time, so that the expression languages plug in here and nowhere else.
import { evaluate, expressionBody, parseExpression, readerOf, resolveTemplate } from './safe-expression.js';

/**
 * What a Camunda attribute's text is: a literal, a JUEL `${…}` (Camunda 7) or a FEEL `=…` (Camunda 8) expression.
 * A text with `${` anywhere is JUEL; one that starts with `=` is FEEL.
 */
export function vendorExpressionKind(text: string): 'literal' | 'juel' | 'feel' {
  if (text.includes('${')) return 'juel';
  return text.trimStart().startsWith('=') ? 'feel' : 'literal';
}

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
export function vendorExpressionProblem(text: string, attribute: string): string | undefined {
  const kind = vendorExpressionKind(text);
  if (kind === 'literal') return undefined;
  try {
    if (kind === 'juel') {
      const body = expressionBody(text);
      if (body !== undefined) parseExpression(body);
      else for (const m of text.matchAll(/\$\{([^}]*)\}/g)) parseExpression(m[1] as string);
    } else {
      const body = feelBody(text);
      if (body === undefined) return `${attribute} '${text}': an empty FEEL expression`;
      parseExpression(body);
    }
    return undefined;
  } catch (err) {
    return `${attribute} '${text}' refused: ${(err as Error).message}`;
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
  if (kind === 'juel') return resolveTemplate(text, read);
  return evaluate(parseExpression(feelBody(text) as string), read);
}
