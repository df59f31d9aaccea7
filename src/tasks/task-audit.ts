// The fields every audit event about one task carries, taken from its row.
import type { NewAuditEvent } from '../audit/audit-chain.js';
import type { TaskRecord } from './tasks-repository.js';

export function aboutTask(task: TaskRecord): Pick<NewAuditEvent, 'definitionKey' | 'version' | 'instanceId' | 'taskId' | 'elementId' | 'step' | 'role'> {
  return { definitionKey: task.definitionKey, version: task.version, instanceId: task.instanceId, taskId: task.id, elementId: task.elementId, step: task.step, role: task.role };
}
