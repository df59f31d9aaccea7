// The service's due times for a case's timers: wall or working time on the SOP's calendar, or the attached task's
// own deadline (`sop:at="dueAt"`), as the task row gets it.
import type { ElementProblem } from '../errors.js';
import type { TimerDefinition, TimerDueFn } from '../engine/process-runtime.js';
import type { SopMetadata, SopStep } from '../sop/sop-metadata.js';
import { planStep } from '../sop/step-clock.js';
import type { WorkingCalendar } from '../sop/working-calendar.js';
import { readTimerForm, timerDueAt, timerRepeat } from './timer-forms.js';

/**
 * The due function of one case's runs: a timer's value read (timer-forms.ts) and counted from the moment it starts
 * waiting, in working time when it says `sop:workingTime="true"`; a `sop:at="dueAt"` timer is due when its task is
 * (planStep: the task's clock start, its `startsAt` where the step has one, plus its mutu baku). Throws what
 * readTimerForm throws, and an Error when the task has no time standard.
 */
export function caseTimerDue(timers: readonly TimerDefinition[], steps: readonly SopStep[], calendar: WorkingCalendar): TimerDueFn {
  return ({ elementId, timerType, value, repeat, now, variables }) => {
    const definition = timers.find((t) => t.elementId === elementId);
    if (definition?.at === 'dueAt') {
      const step = steps.find((s) => s.elementId === definition.attachedTo);
      const due = planStep(calendar, step, now, variables).dueAt;
      if (!due) throw new Error(`task ${definition.attachedTo ?? ''} has no time standard for sop:at="dueAt"`);
      return { expireAt: due, repeat: 1 };
    }
    const form = readTimerForm(timerType, value);
    return { expireAt: timerDueAt(form, { from: now, calendar, workingTime: definition?.workingTime ?? false }), repeat: repeat ?? timerRepeat(form) };
  };
}

/**
 * A `sop:at="dueAt"` timer must be attached to a step with a time standard (its deadline); a process started by a
 * timer has no applicant, so it may have no applicant (initiator) lane.
 */
export function dueAtTimerProblems(timers: readonly TimerDefinition[], metadata: Pick<SopMetadata, 'steps' | 'roles'>): ElementProblem[] {
  const start = timers.find((t) => t.eventType === 'start');
  const applicant = start ? metadata.roles.find((r) => r.initiator) : undefined;
  const noApplicant = start && applicant ? [{ elementId: start.elementId, message: `a case started by a timer has no applicant: lane ${applicant.laneId} (initiator="true") cannot be given its tasks` }] : [];
  return [...noApplicant, ...timers
    .filter((t) => t.at === 'dueAt' && !metadata.steps.find((s) => s.elementId === t.attachedTo)?.timeStandard?.iso)
    .map((t) => ({ elementId: t.elementId, message: `sop:at="dueAt" needs the task it is attached to (${t.attachedTo ?? '?'}) to have a time standard (sop:mutuBaku duration)` }))];
}
