// What crosses between a parent case and the child case its call activity started: the variables as the call
// activity declares them, and the called key the engine resolved.
import type { CallDeclaration, VariablePassing } from '../engine/call-activity-declarations.js';
import type { DefinitionVersion } from '../definitions/definitions-repository.js';
import { readerOf, resolveTemplate } from '../engine/safe-expression.js';
import { evaluateExpression } from '../engine/expressions.js';

type Variables = Record<string, unknown>;

/**
 * The variables `passing` lets through from `from`: every one when `all`, then each mapping's source (or its
 * expression's value over `from`) under its target name (a source the case does not hold passes as absent, as in
 * Camunda). Own properties only.
 */
export function passVariables(passing: VariablePassing | undefined, from: Variables): Variables {
  const passed: Variables = passing?.all ? { ...from } : {};
  for (const mapping of passing?.mappings ?? []) {
    if ('expression' in mapping) {
      const value = evaluateExpression(mapping.expression, from);
      if (value !== undefined) passed[mapping.target] = value;
    } else if (Object.hasOwn(from, mapping.source)) {
      passed[mapping.target] = from[mapping.source];
    }
  }
  return passed;
}

/** The declaration of a version's call activity `elementId`; undefined for a version deployed without one. */
export function callDeclaration(definition: DefinitionVersion, elementId: string): CallDeclaration | undefined {
  return definition.metadata.calls?.find((c) => c.elementId === elementId);
}

const KEY = /^[A-Za-z_][\w.-]{0,199}$/;

/**
 * The key a call activity calls now: its declared calledElement, a literal or one safe `${…}` read from the calling
 * case's variables (Camunda 8's `=name` was read as `${name}`); `text` is what it resolved to, `key` is set only
 * when that is a process key.
 */
export function calledKey(declaration: CallDeclaration, variables: Variables): { text: string; key: string | undefined } {
  const resolved = resolveTemplate(declaration.calledElement, readerOf(variables));
  const text = String(resolved ?? '');
  return { text, key: typeof resolved === 'string' && KEY.test(resolved) ? resolved : undefined };
}

/** How a binding reads in an error message: ` version 2`, ` (versionTag v1)`, or nothing for latest. */
export function describeBinding(declaration: CallDeclaration | undefined): string {
  const binding = declaration?.binding;
  if (!binding || binding.type === 'latest') return '';
  if (binding.type === 'versionTag') return ` with version tag '${binding.versionTag}'`;
  if (binding.type === 'version') return ` version ${binding.version}`;
  return binding.version === null ? ' as deployed with the caller (none was)' : ` version ${binding.version} (deployed with the caller)`;
}
