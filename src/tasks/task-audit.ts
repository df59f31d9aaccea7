// The fields every audit event about one task carries, taken from its row.
import type { NewAuditEvent } from '../audit/audit-chain.js';
import { fromJson } from '../db/json.js';
import type { TaskRecord, TaskRow } from './tasks-repository.js';

type TaskRef = Pick<TaskRow, 'id' | 'element_id' | 'step' | 'role' | 'standard_ms'> & Partial<Pick<TaskRow, 'candidate_groups' | 'candidate_users' | 'assignee'>>;

/** A new task's Camunda assignment, for its `task.created` event (nothing for a task of lane roles only). */
function assignmentData(r: TaskRef): Record<string, unknown> | undefined {
  if (!r.candidate_groups && !r.candidate_users) return undefined;
  return { candidateGroups: fromJson<string[]>(r.candidate_groups ?? null, []), candidateUsers: fromJson<string[]>(r.candidate_users ?? null, []), assignee: r.assignee ?? null };
}

/** `task.created` / `task.cancelled` events of task rows, on top of `base` (instance, user, time). */
export function taskEvents(type: 'task.created' | 'task.cancelled', rows: TaskRef[], base: NewAuditEvent): NewAuditEvent[] {
  return rows.map((r) => {
    const data = type === 'task.created' ? assignmentData(r) : undefined;
    return { ...base, type, taskId: r.id, elementId: r.element_id, step: r.step, role: r.role, standardMs: r.standard_ms === null ? null : Number(r.standard_ms), ...(data ? { data } : {}) };
  });
}

/** A task record in the row shape taskEvents reads. */
export const asRow = (t: TaskRecord): TaskRef => ({ id: t.id, element_id: t.elementId, step: t.step, role: t.role, standard_ms: t.standardMs });

export function aboutTask(task: TaskRecord): Pick<NewAuditEvent, 'definitionKey' | 'version' | 'instanceId' | 'taskId' | 'elementId' | 'step' | 'role'> {
  return { definitionKey: task.definitionKey, version: task.version, instanceId: task.instanceId, taskId: task.id, elementId: task.elementId, step: task.step, role: task.role };
}
