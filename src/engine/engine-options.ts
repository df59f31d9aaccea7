// The bpmn-engine options every engine here is built with: safe expressions, no scripts, no services, no logs.
import { gatewayElements } from './elements/gateways.js';
import { hasExpression, isExpression, readerOf, resolveTemplate } from './safe-expression.js';

interface ExpressionContext {
  environment?: { variables?: Record<string, unknown> };
}

/** Replaces bpmn-elements' expression handler: only variable reads and comparisons, never calls. */
export const safeExpressions = {
  isExpression,
  hasExpression,
  resolveExpression(text: string, context?: ExpressionContext): unknown {
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

/**
 * Every engine's options. `elements` replaces bpmn-elements 17's parallel and inclusive gateways with joins that wait
 * for taken tokens (see elements/join-activity.ts); bpmn-engine merges it over the default element types.
 */
export const baseEngineOptions = {
  elements: gatewayElements,
  expressions: safeExpressions,
  scripts: noScripts,
  Logger: () => silent,
};
