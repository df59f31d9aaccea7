// When a step's clock starts, when it is due, and how long it took, in the working time of the SOP's calendar.
import type { ElementProblem } from '../errors.js';
import { nextOpening, workingTimeBetween, type WorkingCalendar } from './working-calendar.js';
import { dueAt, parseIsoDuration, standardMs } from './time-standard.js';
import type { SopMetadata, SopStep } from './sop-metadata.js';

/** Every step's ISO duration must be one the calendar arithmetic understands. */
export function checkTimeStandards(metadata: SopMetadata): ElementProblem[] {
  const problems: ElementProblem[] = [];
  for (const step of metadata.steps) {
    const iso = step.timeStandard?.iso;
    if (!iso) continue;
    try {
      if (!parseIsoDuration(iso)) throw new Error('unsupported');
    } catch {
      problems.push({ elementId: step.elementId, message: `duration '${iso}' must be an ISO 8601 duration in days, hours, minutes or seconds (e.g. PT30M, P1D)` });
    }
  }
  return problems;
}

export interface StepPlan {
  startsAt: Date | null;
  dueAt: Date | null;
  standardMs: number | null;
}

/** Plans a new task: its clock starts at creation, or at the time a `startsAt` form field set. */
export function planStep(calendar: WorkingCalendar, step: SopStep | undefined, createdAt: Date, variables: Record<string, unknown>): StepPlan {
  let startsAt: Date | null = null;
  if (step?.startsAt) {
    const value = variables[step.startsAt];
    if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) startsAt = new Date(value);
  }
  const iso = step?.timeStandard?.iso;
  if (!iso) return { startsAt, dueAt: null, standardMs: null };
  const clockStart = startsAt ?? createdAt;
  return { startsAt, dueAt: dueAt(calendar, clockStart, iso), standardMs: standardMs(calendar, clockStart, iso) };
}

/**
 * When a step's working-time clock starts counting: at its `startsAt` (a scheduled session) or its creation, moved to
 * the next opening of office hours when that falls outside them (a task created at 02.06 starts counting at 07.30).
 * Its due date and its measured duration count from the same instant, since closed time adds nothing to either.
 */
export function clockStartsAt(calendar: WorkingCalendar, createdAt: Date, startsAt: Date | null): Date {
  return nextOpening(calendar, startsAt ?? createdAt);
}

/**
 * When a step's clock started, as the export and the measurement take it: its `startsAt` (a scheduled session), unless
 * the step ended (completed or cancelled) before that time; then its creation, the earliest it can have begun. So a
 * step's start never follows its end. Instants are compared as instants; all arguments are ISO 8601.
 */
export function effectiveClockStart(createdAt: string, startsAt: string | null, endedAt: string | null): string {
  if (startsAt === null) return createdAt;
  if (endedAt !== null && Date.parse(endedAt) < Date.parse(startsAt)) return createdAt;
  return startsAt;
}

/** A step's actual duration from its clock start to completion: working time, and wall time beside it. */
export function measureStep(calendar: WorkingCalendar, clockStart: Date, completedAt: Date): { workingMs: number; wallMs: number } {
  return {
    workingMs: clockStart < completedAt ? workingTimeBetween(calendar, clockStart, completedAt) : 0,
    wallMs: Math.max(0, completedAt.getTime() - clockStart.getTime()),
  };
}
