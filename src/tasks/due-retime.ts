// When a calendar changes, the open tasks that count on it get the due date and standard the new calendar gives
// them, each move an audit event, in the transaction that stores the change. Completed steps keep their figures.
import type { Knex } from 'knex';
import type { AuditChain, NewAuditEvent } from '../audit/audit-chain.js';
import type { DefinitionsRepository } from '../definitions/definitions-repository.js';
import type { EffectiveCalendar } from '../sop/calendar-resolve.js';
import type { Retime } from '../sop/calendar-store.js';
import { storedInstant } from '../sop/date-window.js';
import { dueAt, standardMs, standardProblem } from '../sop/time-standard.js';
import type { TaskRecord, TasksRepository } from './tasks-repository.js';

interface Plan {
  task: TaskRecord;
  dueAt: string;
  standardMs: number;
}

/** The due date and standard `calendar` gives an open task, or undefined when it has no usable standard or nothing changes. */
function replan(task: TaskRecord, iso: string | null | undefined, calendar: EffectiveCalendar): Plan | undefined {
  if (!iso || standardProblem(iso)) return undefined;
  const clockStart = new Date(task.startsAt ?? task.createdAt);
  const due = storedInstant(dueAt(calendar, clockStart, iso));
  const standard = standardMs(calendar, clockStart, iso);
  if (due === task.dueAt && standard === task.standardMs) return undefined;
  return { task, dueAt: due, standardMs: standard };
}

function rescheduled(plan: Plan, calendarId: string, at: string, userId: string): NewAuditEvent {
  const { task } = plan;
  return {
    type: 'task.rescheduled',
    at,
    userId,
    definitionKey: task.definitionKey,
    version: task.version,
    instanceId: task.instanceId,
    taskId: task.id,
    elementId: task.elementId,
    step: task.step,
    role: task.role,
    standardMs: plan.standardMs,
    data: { calendar: calendarId, dueAt: { from: task.dueAt, to: plan.dueAt }, standardMs: { from: task.standardMs, to: plan.standardMs } },
  };
}

/**
 * The calendar store's `Retime`: every open or claimed task of a definition version on a changed calendar is planned
 * again from its clock start (its `startsAt`, else its creation); a task already marked overdue whose new due date
 * lies ahead of `now` loses the mark, so the sweeper marks it again when it is due.
 */
export function dueRetimer(deps: { definitions: DefinitionsRepository; tasks: TasksRepository; audit: AuditChain; clock: () => Date }): Retime {
  return async (trx: Knex.Transaction, changed, at, userId) => {
    const definitions = await deps.definitions.onCalendars([...changed.keys()], trx);
    const now = deps.clock().toISOString();
    const events: NewAuditEvent[] = [];
    for (const definition of definitions) {
      const calendarId = String(definition.metadata.calendar).toLowerCase();
      const calendar = changed.get(calendarId) as EffectiveCalendar;
      const steps = new Map(definition.metadata.steps.map((s) => [s.elementId, s]));
      for (const task of await deps.tasks.openOfDefinitions(trx, [definition.id])) {
        const plan = replan(task, steps.get(task.elementId)?.timeStandard?.iso, calendar);
        if (!plan) continue;
        const overdueAt = task.overdueAt !== null && plan.dueAt > now ? null : task.overdueAt;
        if (await deps.tasks.retime(trx, task.id, { due_at: plan.dueAt, standard_ms: plan.standardMs, overdue_at: overdueAt })) events.push(rescheduled(plan, calendarId, at, userId));
      }
    }
    if (events.length > 0) await deps.audit.append(trx, events);
    return events.length;
  };
}
