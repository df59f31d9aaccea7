// The fields every audit event about one task carries, taken from its row.
import type { NewAuditEvent } from '../audit/audit-chain.js';
import type { TaskRecord, TaskRow } from './tasks-repository.js';

type TaskRef = Pick<TaskRow, 'id' | 'element_id' | 'step' | 'role' | 'standard_ms'>;

/** `task.created` / `task.cancelled` events of task rows, on top of `base` (instance, user, time). */
export function taskEvents(type: 'task.created' | 'task.cancelled', rows: TaskRef[], base: NewAuditEvent): NewAuditEvent[] {
  return rows.map((r) => ({ ...base, type, taskId: r.id, elementId: r.element_id, step: r.step, role: r.role, standardMs: r.standard_ms === null ? null : Number(r.standard_ms) }));
}

/** A task record in the row shape taskEvents reads. */
export const asRow = (t: TaskRecord): TaskRef => ({ id: t.id, element_id: t.elementId, step: t.step, role: t.role, standard_ms: t.standardMs });

export function aboutTask(task: TaskRecord): Pick<NewAuditEvent, 'definitionKey' | 'version' | 'instanceId' | 'taskId' | 'elementId' | 'step' | 'role'> {
  return { definitionKey: task.definitionKey, version: task.version, instanceId: task.instanceId, taskId: task.id, elementId: task.elementId, step: task.step, role: task.role };
}
