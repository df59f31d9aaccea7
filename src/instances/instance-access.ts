// Who may see an instance: its starter, the holders of its (non-applicant) lane roles, the unit's owners and auditors.
import { isAuditorOf, isOwnerOf } from '../auth/roles.js';
import type { User } from '../auth/users-repository.js';
import type { DefinitionVersion } from '../definitions/definitions-repository.js';
import type { InstanceRecord } from './instances-repository.js';

export function maySeeInstance(user: User, instance: InstanceRecord, definition: DefinitionVersion): boolean {
  const unit = definition.metadata.unit;
  if (instance.startedBy === user.id || isOwnerOf(user, unit) || isAuditorOf(user, unit)) return true;
  return definition.metadata.roles.some((r) => !r.initiator && user.roles.includes(r.id));
}
