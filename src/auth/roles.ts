// Who may do what: admin, owners and auditors (all units or one), and lane roles.
import type { User } from './users-repository.js';
import { isVendorExpression } from '../engine/vendor-expression.js';

export function isAdmin(user: User): boolean {
  return user.roles.includes('admin');
}

/** `owner` covers every unit, `owner:<unit>` one unit; admin is an owner everywhere. */
export function isOwnerOf(user: User, unit: string | null): boolean {
  if (isAdmin(user) || user.roles.includes('owner')) return true;
  return unit !== null && user.roles.includes(`owner:${unit}`);
}

export function isAuditorOf(user: User, unit: string | null): boolean {
  if (isAdmin(user) || user.roles.includes('auditor')) return true;
  return unit !== null && user.roles.includes(`auditor:${unit}`);
}

/** An auditor of every unit or of one. */
export function isAnyAuditor(user: User): boolean {
  return isAuditorOf(user, null) || user.roles.some((r) => r.startsWith('auditor:'));
}

export function isAnyOwner(user: User): boolean {
  return isAdmin(user) || user.roles.some((r) => r === 'owner' || r.startsWith('owner:'));
}

export function holdsRole(user: User, role: string | null): boolean {
  return role !== null && user.roles.includes(role);
}

/** What visibility needs to know of a definition: its unit, its lane roles and its Camunda candidates. */
export interface ScopedDefinition {
  metadata: {
    unit: string | null;
    roles: ReadonlyArray<{ id: string }>;
    steps?: ReadonlyArray<{ candidateGroups?: string[]; candidateUsers?: string[] }>;
    candidateStarterGroups?: string[];
    candidateStarterUsers?: string[];
  };
}

/** A candidate written as a literal id; an expression (`${…}`, `=…`) names someone only in a case. */
const literal = (text: string): boolean => !isVendorExpression(text);

/** Whether the process names the user a candidate starter (`camunda:candidateStarterGroups`/`Users`). */
export function isCandidateStarter(user: User, definition: ScopedDefinition): boolean {
  const { candidateStarterGroups = [], candidateStarterUsers = [] } = definition.metadata;
  return candidateStarterUsers.includes(user.id) || candidateStarterGroups.some((g) => user.roles.includes(g));
}

/** Whether a task of the process names the user a candidate by a literal group they hold or their user id. */
export function isTaskCandidateOf(user: User, definition: ScopedDefinition): boolean {
  return (definition.metadata.steps ?? []).some(
    (s) => (s.candidateGroups ?? []).some((g) => literal(g) && user.roles.includes(g)) || (s.candidateUsers ?? []).some((u) => literal(u) && u === user.id),
  );
}

/**
 * A definition is visible to the staff of its unit (owners, auditors; admins and unscoped owners or auditors
 * everywhere), to whoever holds one of its lane roles, applicants included, and to those who may start it or act on
 * one of its tasks by its Camunda candidates. To anyone else it does not exist.
 */
export function maySeeDefinition(user: User, definition: ScopedDefinition): boolean {
  const { unit, roles } = definition.metadata;
  return isOwnerOf(user, unit) || isAuditorOf(user, unit) || roles.some((r) => user.roles.includes(r.id)) || isCandidateStarter(user, definition) || isTaskCandidateOf(user, definition);
}
