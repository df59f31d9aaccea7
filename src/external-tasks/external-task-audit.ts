// The audit events of external tasks, in their case's chain: created by a run, then completed, failed or ended by a
// BPMN error through their worker (a lock is transient and not audited: the worker is named by what it reports).
import type { NewAuditEvent } from '../audit/audit-chain.js';
import type { ExternalTaskRecord } from './external-tasks-repository.js';

/** `external-task.created` for each row a run inserted; `base` carries the run's time, case and user. */
export function externalTaskCreatedEvents(created: readonly ExternalTaskRecord[], base: NewAuditEvent): NewAuditEvent[] {
  return created.map((t) => ({ ...base, type: 'external-task.created', elementId: t.elementId, data: { externalTaskId: t.id, topic: t.topic, priority: t.priority, executionId: t.executionId } }));
}

/** An event about one external task reported by its worker at `at` (ISO 8601), by the worker's user. */
export function externalTaskEvent(type: 'external-task.completed' | 'external-task.failed' | 'external-task.bpmn-error', task: ExternalTaskRecord, userId: string, at: string, data: Record<string, unknown>): NewAuditEvent {
  return { type, at, definitionKey: task.definitionKey, version: task.version, instanceId: task.instanceId, elementId: task.elementId, userId, data: { externalTaskId: task.id, topic: task.topic, ...data } };
}
