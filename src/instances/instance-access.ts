// Who may see an instance: its starter, the holders of its (non-applicant) lane roles, the unit's owners and auditors;
// and who may start one.
import { holdsRole, isAdmin, isAuditorOf, isCandidateStarter, isOwnerOf, isTaskCandidateOf, maySeeDefinition } from '../auth/roles.js';
import { ForbiddenError, NotFoundError } from '../errors.js';
import type { User } from '../auth/users-repository.js';
import type { DefinitionVersion } from '../definitions/definitions-repository.js';
import type { InstanceRecord } from './instances-repository.js';

/**
 * Every case of a definition: the unit's owners and auditors, the holders of its non-applicant lane roles, and the
 * literal candidate groups and users of its tasks (Camunda assignment).
 */
export function maySeeEveryInstanceOf(user: User, definition: Pick<DefinitionVersion, 'metadata'>): boolean {
  const unit = definition.metadata.unit;
  return isOwnerOf(user, unit) || isAuditorOf(user, unit) || definition.metadata.roles.some((r) => !r.initiator && user.roles.includes(r.id)) || isTaskCandidateOf(user, definition);
}

/** One case: also its starter. */
export function maySeeInstance(user: User, instance: InstanceRecord, definition: DefinitionVersion): boolean {
  return instance.startedBy === user.id || maySeeEveryInstanceOf(user, definition);
}

/**
 * Whether `user` may start a case of `definition`: admins; the start lane's role and Camunda's candidate starters
 * (camunda:candidateStarterGroups/Users); for a process that names neither, its unit's owners.
 * @throws NotFoundError for another unit's SOP the user has no role in (as if it did not exist), ForbiddenError
 * naming the roles that may start it.
 */
export function checkMayStart(user: User, definition: DefinitionVersion): void {
  const { startRole, unit } = definition.metadata;
  if (isAdmin(user)) return;
  if (!maySeeDefinition(user, definition)) throw new NotFoundError(`definition ${definition.key} not found`);
  const starters = [...(definition.metadata.candidateStarterGroups ?? []), ...(definition.metadata.candidateStarterUsers ?? [])];
  if (isCandidateStarter(user, definition)) return;
  if (startRole ? holdsRole(user, startRole) : starters.length === 0 && isOwnerOf(user, unit)) return;
  throw new ForbiddenError(`starting ${definition.key} needs the role ${[startRole, ...(definition.metadata.candidateStarterGroups ?? [])].filter(Boolean).join(' or ') || `owner:${unit ?? '*'}`}`);
}
