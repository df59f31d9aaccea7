// Who a new task's Camunda assignment names for this case: its candidate groups, candidate users and assignee,
// with expressions (`${initiator}`, `=initiator`, `${reviewer}`) evaluated over the case's variables.
import { evaluateVendorExpression } from '../engine/vendor-expression.js';
import { TEXT_LIMITS } from '../db/text-limits.js';
import type { SopMetadata, SopStep } from '../sop/sop-metadata.js';

export interface ResolvedAssignment {
  candidateGroups: string[];
  candidateUsers: string[];
  /** A user id the task is claimed for as it is created; that user is among candidateUsers too. */
  assignee: string | null;
}

/** An evaluated assignment as ids: a text is split at commas, a list taken item by item; anything else names no one. */
function ids(value: unknown): string[] {
  const items = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [];
  return items.filter((v): v is string => typeof v === 'string').map((v) => v.trim()).filter((v) => v.length > 0 && v.length <= TEXT_LIMITS.role);
}

/**
 * The variables an assignment reads: the case's, with `initiator` (and the variable `camunda:initiator` names) set to
 * the user who started the case, as Camunda sets it at the start event.
 */
export function assignmentVariables(metadata: Pick<SopMetadata, 'initiatorVariable'>, variables: Record<string, unknown>, startedBy: string): Record<string, unknown> {
  const own: Record<string, unknown> = { ...variables, initiator: startedBy };
  if (metadata.initiatorVariable) own[metadata.initiatorVariable] = startedBy;
  return own;
}

/** Resolves a step's Camunda assignment for one case (expressions were checked at deploy, so none runs code). */
export function resolveAssignment(step: SopStep | undefined, variables: Record<string, unknown>): ResolvedAssignment {
  const resolve = (texts: string[] | undefined) => [...new Set((texts ?? []).flatMap((t) => ids(evaluateVendorExpression(t, variables))))];
  const assignee = step?.assignee ? (ids(evaluateVendorExpression(step.assignee, variables))[0] ?? null) : null;
  const candidateUsers = resolve(step?.candidateUsers);
  if (assignee && !candidateUsers.includes(assignee)) candidateUsers.push(assignee);
  return { candidateGroups: resolve(step?.candidateGroups), candidateUsers, assignee };
}
