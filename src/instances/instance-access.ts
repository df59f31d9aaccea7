// Who may see an instance: its starter, the holders of its (non-applicant) lane roles, the unit's owners and auditors.
import { isAuditorOf, isOwnerOf, isTaskCandidateOf } from '../auth/roles.js';
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
