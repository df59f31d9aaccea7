// When a step's clock starts, when it is due, and how long it took, in the working time of the SOP's calendar.
import { ActivityFailedError, InvalidFormError, ValidationError, type ElementProblem, type FieldProblem } from '../errors.js';
import { inStoredWindow, parseIsoDateTime, userInstantProblem } from './date-window.js';
import { nextOpening, workingTimeBetween, type WorkingCalendar } from './working-calendar.js';
import { dueAt, standardMs, standardProblem } from './time-standard.js';
import type { SopMetadata, SopStep } from './sop-metadata.js';

/**
 * Deploy-time checks of the SOP's dates and durations: every step's ISO duration is one the calendar arithmetic
 * understands and at most one year; the sheet's dates (created, revised, effective), when each is a `YYYY-MM-DD` date, lies in 1900–2199.
 */
export function checkTimeStandards(metadata: SopMetadata): ElementProblem[] {
  const problems: ElementProblem[] = [];
  for (const step of metadata.steps) {
    const iso = step.timeStandard?.iso;
    const problem = iso ? standardProblem(iso) : undefined;
    if (problem) problems.push({ elementId: step.elementId, message: problem });
  }
  for (const name of ['created', 'revised', 'effective'] as const) {
    const date = metadata.identity[name];
    if (date && /^\d{4}-\d{2}-\d{2}$/.test(date) && !inStoredWindow(Date.parse(`${date}T00:00:00Z`))) {
      problems.push({ elementId: metadata.key, message: `sop:document ${name} '${date}' must lie between 1900-01-01 and 2199-12-31` });
    }
  }
  return problems;
}

/**
 * What a `startsAt` value names: nothing (no value, or text that is no ISO 8601 date-time: the clock then starts
 * when the task is created), an instant, or a problem for a date-time a user may not set at `now` (outside
 * 1900–2199, or more than five years ahead), so that a far date never reaches the arithmetic.
 */
function readScheduled(value: unknown, now: Date): { at?: Date; problem?: string } {
  const t = typeof value === 'string' ? parseIsoDateTime(value) : undefined;
  if (t === undefined) return {};
  const problem = userInstantProblem(t, now);
  return problem ? { problem } : { at: new Date(t) };
}

/**
 * Start variables that a step's `startsAt` reads must be dates a user may set.
 * Throws ValidationError (400) naming each as `variables.<name>`.
 */
export function checkStartVariables(metadata: SopMetadata, variables: Record<string, unknown>, now: Date): void {
  const fields: FieldProblem[] = [];
  for (const name of new Set(metadata.steps.map((s) => s.startsAt).filter((n): n is string => Boolean(n)))) {
    const { problem } = readScheduled(variables[name], now);
    if (problem) fields.push({ name: `variables.${name}`, message: problem });
  }
  if (fields.length > 0) throw new ValidationError(`start variables outside the accepted dates: ${fields.map((f) => f.name).join(', ')}`, fields);
}

export interface StepPlan {
  startsAt: Date | null;
  dueAt: Date | null;
  standardMs: number | null;
}

/**
 * Plans a new task: its clock starts at creation, or at the time a `startsAt` form field set.
 * Throws InvalidFormError (422 naming the field) for a scheduled time a user may not set, and ActivityFailedError
 * (422 naming the element) for a time standard the deploy check now refuses (a version deployed before it).
 */
export function planStep(calendar: WorkingCalendar, step: SopStep | undefined, createdAt: Date, variables: Record<string, unknown>): StepPlan {
  let startsAt: Date | null = null;
  if (step?.startsAt) {
    const { at, problem } = readScheduled(variables[step.startsAt], createdAt);
    if (problem) throw new InvalidFormError([{ name: step.startsAt, message: problem }]);
    startsAt = at ?? null;
  }
  const iso = step?.timeStandard?.iso;
  if (!iso || !step) return { startsAt, dueAt: null, standardMs: null };
  const problem = standardProblem(iso);
  if (problem) throw new ActivityFailedError(step.elementId, problem);
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
