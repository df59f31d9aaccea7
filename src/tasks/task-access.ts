// Who may act on a task, and who may read it.
import { holdsRole, isAdmin, isAuditorOf, isOwnerOf } from '../auth/roles.js';
import type { User } from '../auth/users-repository.js';
import type { TaskRecord } from './tasks-repository.js';

/** Whether the task's Camunda assignment names the user: one of its candidate users, or a holder of a candidate group. */
export function isCandidate(user: User, task: Pick<TaskRecord, 'candidateGroups' | 'candidateUsers'>): boolean {
  return task.candidateUsers.includes(user.id) || task.candidateGroups.some((g) => user.roles.includes(g));
}

/**
 * A task of an initiator lane belongs to the user who started the instance; any other task to the
 * holders of its lane role. A task outside any role-carrying lane is done by the unit's owners. Beside the lane, a
 * task's Camunda candidates (groups are role ids, held directly or by delegation) may act on it: either is enough.
 */
export function mayAct(user: User, task: TaskRecord, unit: string | null): boolean {
  if (isAdmin(user) || isCandidate(user, task)) return true;
  if (task.candidateUserId) return task.candidateUserId === user.id;
  if (task.role === null) return task.candidateGroups.length === 0 && task.candidateUsers.length === 0 && isOwnerOf(user, unit);
  return holdsRole(user, task.role);
}

/**
 * A task of another applicant's case is not shown to an applicant at all: reading or acting on it answers
 * 404, as if it did not exist. Staff of the unit (owners, auditors, admins) still see it.
 */
export function isHiddenFrom(user: User, task: TaskRecord, unit: string | null): boolean {
  return task.candidateUserId !== null && task.candidateUserId !== user.id && !isCandidate(user, task) && !isOwnerOf(user, unit) && !isAuditorOf(user, unit);
}

export function mayRead(user: User, task: TaskRecord, unit: string | null): boolean {
  return mayAct(user, task, unit) || task.assignee === user.id || task.completedBy === user.id || isOwnerOf(user, unit) || isAuditorOf(user, unit);
}
