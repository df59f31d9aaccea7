// Which audit events are news for someone, of what kind, and for whom: the rules that turn the audit chain's
// events into notifications. Pure: the caller loads the task, case and users the rules read.
import type { AuditEvent } from '../audit/audit-chain.js';
import type { User } from '../auth/users-repository.js';
import type { InstanceRecord } from '../instances/instances-repository.js';
import type { TaskRecord } from '../tasks/tasks-repository.js';
import type { NotificationKind } from './preferences.js';

/** The audit event types the tail reads; kindOf says which of their events are news. */
export const NOTIFIED_EVENT_TYPES = ['task.created', 'task.claimed', 'task.overdue', 'instance.completed', 'instance.cancelled', 'element.ended'] as const;

/** Elements that throw an escalation (a catch reports the same escalation again, so it is not news twice). */
const ESCALATION_THROWS = new Set(['bpmn:IntermediateThrowEvent', 'bpmn:EndEvent']);

/**
 * The kind of notification an audit event is, or undefined when it is none: a claim is news only when an owner
 * assigned the task to someone else (`data.assignedBy`), an element's end only when it threw an escalation.
 */
export function kindOf(event: AuditEvent): NotificationKind | undefined {
  switch (event.type) {
    case 'task.created':
    case 'task.overdue':
      return event.type;
    case 'task.claimed': {
      const by = event.data?.assignedBy;
      return typeof by === 'string' && by !== event.userId ? 'task.assigned' : undefined;
    }
    case 'instance.completed':
    case 'instance.cancelled':
      return 'case.ended';
    case 'element.ended': {
      const defs = event.data?.eventDefinitions;
      const thrown = Array.isArray(defs) && defs.includes('bpmn:EscalationEventDefinition');
      return thrown && ESCALATION_THROWS.has(String(event.data?.elementType)) ? 'escalation' : undefined;
    }
    default:
      return undefined;
  }
}

/** What the rules read about an event: its task (task kinds) and case, the SOP's unit, and the users reachable now. */
export interface RecipientContext {
  task: TaskRecord | undefined;
  instance: InstanceRecord | undefined;
  unit: string | null;
  reachable: readonly User[];
}

const live = (task: TaskRecord | undefined): task is TaskRecord => task !== undefined && (task.status === 'open' || task.status === 'claimed');

/**
 * Who a task concerns, as task-access.ts lets them act on it: its assignee; else the applicant of an initiator lane;
 * else every holder of its role, acting officials (Plh./Plt.) included. A task of no role (done by the unit's
 * owners) notifies nobody, like a Camunda task without candidates.
 */
function taskRecipients(task: TaskRecord, reachable: readonly User[]): User[] {
  const only = task.assignee ?? task.candidateUserId;
  if (only !== null) return reachable.filter((u) => u.id === only);
  const role = task.role;
  return role === null ? [] : reachable.filter((u) => u.roles.includes(role));
}

/**
 * The users an event of `kind` notifies (before their preferences). A task that is done by the time its news is
 * read notifies nobody: the news is stale. A child case's end is its parent's business, not the applicant's.
 */
export function recipientsOf(kind: NotificationKind, event: AuditEvent, ctx: RecipientContext): User[] {
  switch (kind) {
    case 'task.created':
    case 'task.overdue':
      return live(ctx.task) ? taskRecipients(ctx.task, ctx.reachable) : [];
    case 'task.assigned':
      return live(ctx.task) && ctx.task.assignee === event.userId ? ctx.reachable.filter((u) => u.id === event.userId) : [];
    case 'case.ended':
      return ctx.instance && ctx.instance.parentInstanceId === null ? ctx.reachable.filter((u) => u.id === ctx.instance?.startedBy) : [];
    case 'escalation':
      return ctx.reachable.filter((u) => u.roles.includes('owner') || (ctx.unit !== null && u.roles.includes(`owner:${ctx.unit}`)));
  }
}
