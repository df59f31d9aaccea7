// Who may act on a task, and who may read it.
import { holdsRole, isAdmin, isAuditorOf, isOwnerOf } from '../auth/roles.js';
import type { User } from '../auth/users-repository.js';
import type { TaskRecord } from './tasks-repository.js';

/**
 * A task of an initiator lane belongs to the user who started the instance; any other task to the
 * holders of its lane role. A task outside any role-carrying lane is done by the unit's owners.
 */
export function mayAct(user: User, task: TaskRecord, unit: string | null): boolean {
  if (isAdmin(user)) return true;
  if (task.candidateUserId) return task.candidateUserId === user.id;
  if (task.role === null) return isOwnerOf(user, unit);
  return holdsRole(user, task.role);
}

export function mayRead(user: User, task: TaskRecord, unit: string | null): boolean {
  return mayAct(user, task, unit) || task.assignee === user.id || task.completedBy === user.id || isOwnerOf(user, unit) || isAuditorOf(user, unit);
}
