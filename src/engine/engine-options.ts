// The bpmn-engine options every engine here is built with: safe expressions, no scripts, no services, no logs.
import { hasExpression, isExpression, readerOf, resolveTemplate } from './safe-expression.js';

interface ExpressionContext {
  environment?: { variables?: Record<string, unknown> };
}

/** Replaces bpmn-elements' expression handler: only variable reads and comparisons, never calls. */
export const safeExpressions = {
  isExpression,
  hasExpression,
  resolveExpression(text: unknown, context?: ExpressionContext): unknown {
    // Absent attributes reach here too (a Camunda 8 call activity has no calledElement): nothing to resolve.
    if (typeof text !== 'string') return text;
    const variables = context?.environment?.variables ?? {};
    return resolveTemplate(text, readerOf(variables));
  },
};

/** A script registry that never registers or returns a script, so nothing in a diagram is compiled or run. */
export const noScripts = {
  register(): undefined {
    return undefined;
  },
  getScript(): undefined {
    return undefined;
  },
};

const silent = { debug() {}, error() {}, warn() {} };

export const baseEngineOptions = {
  expressions: safeExpressions,
  scripts: noScripts,
  Logger: () => silent,
};
