// When a calendar changes, the timer jobs that count on it are due again by the new calendar, in the transaction that
// stores the change (after the tasks' due dates moved): a working-time duration from the moment its wait began, a
// timer at its task's deadline (`sop:at="dueAt"`) at that task's new due date.
import type { Knex } from 'knex';
import type { DefinitionVersion, DefinitionsRepository } from '../definitions/definitions-repository.js';
import type { TimerDefinition } from '../engine/process-runtime.js';
import type { Retime } from '../sop/calendar-store.js';
import type { WorkingCalendar } from '../sop/working-calendar.js';
import type { TasksRepository } from '../tasks/tasks-repository.js';
import type { JobRecord, JobsRepository } from './jobs-repository.js';
import { readTimerForm, timerDueAt, TimerFormError } from './timer-forms.js';

export interface JobRetimeDeps {
  definitions: DefinitionsRepository;
  jobs: JobsRepository;
  tasks: TasksRepository;
  /** The timer events of a deployed version (its compiled form). */
  timersOf: (definition: DefinitionVersion) => Promise<readonly TimerDefinition[]>;
}

/** The job's due time by `calendar`, ISO 8601, or undefined when it cannot be computed (the value no longer reads). */
async function dueBy(deps: JobRetimeDeps, trx: Knex.Transaction, job: JobRecord, timer: TimerDefinition, calendar: WorkingCalendar): Promise<string | undefined> {
  if (timer.at === 'dueAt') {
    const task = (await deps.tasks.openForInstance(job.instanceId, trx)).find((t) => t.elementId === timer.attachedTo);
    return task?.dueAt ?? undefined;
  }
  try {
    return timerDueAt(readTimerForm(job.timerType as TimerDefinition['timerType'], job.timerValue), { from: new Date(job.startedAt), calendar, workingTime: true }).toISOString();
  } catch (err) {
    if (err instanceof TimerFormError) return undefined;
    throw err;
  }
}

/**
 * The calendar store's `Retime` for jobs: every waiting job of a working-time or `sop:at` timer of a version on a
 * changed calendar gets the due time the new calendar gives it. Returns the number of jobs moved.
 */
export function jobRetimer(deps: JobRetimeDeps): Retime {
  return async (trx, changed) => {
    let moved = 0;
    for (const definition of await deps.definitions.onCalendars([...changed.keys()], trx)) {
      const calendar = changed.get(String(definition.metadata.calendar).toLowerCase()) as WorkingCalendar;
      const timers = (await deps.timersOf(definition)).filter((t) => t.workingTime || t.at === 'dueAt');
      if (timers.length === 0) continue;
      for (const job of await deps.jobs.waitingOf(trx, definition.id, timers.map((t) => t.elementId))) {
        const timer = timers.find((t) => t.elementId === job.elementId) as TimerDefinition;
        const due = await dueBy(deps, trx, job, timer, calendar);
        if (due !== undefined && due !== job.dueAt && (await deps.jobs.retime(trx, job.id, due))) moved++;
      }
    }
    return moved;
  };
}
