// Reads the three BPMN timer forms (BPMN 2.0 §10.5.3, TimerEventDefinition) and computes when a timer is due, on the
// wall clock or in the working time of an SOP's calendar. Pure: the caller gives the instant it counts from.
import { CronExpressionParser } from 'cron-parser';
import { DateTime, Duration } from 'luxon';
import { dueAt as workingDueAt, parseIsoDuration } from '../sop/time-standard.js';
import { MAX_STANDARD_MS, inStoredWindow } from '../sop/date-window.js';
import { defaultCalendar, type WorkingCalendar } from '../sop/working-calendar.js';

/** The BPMN attribute a timer is given by. */
export type TimerType = 'timeDate' | 'timeDuration' | 'timeCycle';

/** A timer's value, read: one instant, one duration, a repeated duration, or a cron schedule. */
export type TimerForm =
  | { kind: 'date'; text: string }
  | { kind: 'duration'; iso: string }
  /** `R<n>/[<start>/]<duration>`; `repeat` -1 for an unbounded `R/…`. */
  | { kind: 'cycle'; repeat: number; iso: string; start?: string }
  | { kind: 'cron'; expression: string };

/** A timer's value that cannot be read; the message names what is wrong, in English. */
export class TimerFormError extends Error {}

const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;
const OFFSET_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
const CYCLE = /^R(\d*)\/(?:([^/]+)\/)?(P[^/]+)$/;

function checkDuration(iso: string): void {
  const d = Duration.fromISO(iso);
  if (!d.isValid || /[YMW]/.test(iso.split('T')[0] as string) || d.toMillis() <= 0) {
    throw new TimerFormError(`'${iso}' is not an ISO 8601 duration in days, hours, minutes or seconds (e.g. PT4H, P1D)`);
  }
  if (d.toMillis() > MAX_STANDARD_MS) throw new TimerFormError(`duration '${iso}' is longer than one year`);
}

function checkCron(expression: string): void {
  let fields;
  try {
    fields = CronExpressionParser.parse(expression).fields;
  } catch (err) {
    throw new TimerFormError(`'${expression}' is neither R<n>/<duration> nor a cron expression: ${(err as Error).message}`);
  }
  // A six-field (Quartz) cron with more than one second value fires more than once a minute.
  if (fields.second.values.length > 1) throw new TimerFormError(`cron '${expression}' fires more than once a minute`);
}

/**
 * Reads a timer's (resolved) value. `timeDate`: ISO 8601 date-time, with an offset or local to the calendar's zone;
 * `timeDuration`: an ISO 8601 duration of days, hours, minutes, seconds (no months or years: their length is no
 * fixed amount of working time), at most one year; `timeCycle`: `R<n>/<duration>` (ISO 8601 repeating interval,
 * `R/` unbounded, an optional start between) or a cron expression (five fields, or Quartz's six with seconds),
 * never more often than once a minute. Throws TimerFormError otherwise.
 */
export function readTimerForm(type: TimerType, value: string): TimerForm {
  const text = value.trim();
  if (!text) throw new TimerFormError(`${type} is empty`);
  if (type === 'timeDate') {
    if (!LOCAL_DATE_TIME.test(text) && !OFFSET_DATE_TIME.test(text)) throw new TimerFormError(`'${text}' is not an ISO 8601 date-time (e.g. 2026-03-06T15:30:00+08:00)`);
    if (!DateTime.fromISO(text, { setZone: true }).isValid) throw new TimerFormError(`'${text}' is not a valid date-time`);
    return { kind: 'date', text };
  }
  if (type === 'timeDuration') {
    checkDuration(text);
    return { kind: 'duration', iso: text };
  }
  const cycle = CYCLE.exec(text);
  if (cycle) {
    const [, count, start, iso] = cycle as unknown as [string, string, string | undefined, string];
    checkDuration(iso);
    if (start !== undefined) readTimerForm('timeDate', start);
    const repeat = count === '' ? -1 : Number(count);
    if (repeat === 0) throw new TimerFormError(`'${text}' repeats zero times`);
    return { kind: 'cycle', repeat, iso, ...(start === undefined ? {} : { start }) };
  }
  checkCron(text);
  return { kind: 'cron', expression: text };
}

/** What a due time is counted in: the calendar gives the zone of local dates and cron, and working time when asked. */
export interface DueContext {
  /** The instant the timer starts counting from (its wait began, or its cycle fired). */
  from: Date;
  calendar: WorkingCalendar;
  /** `sop:workingTime="true"`: durations count office time of `calendar` (P1D = one working day). */
  workingTime: boolean;
}

function addDuration(iso: string, ctx: DueContext): Date {
  // A working-time duration uses the time standard's reading of ISO (days, then office hours).
  if (ctx.workingTime && parseIsoDuration(iso)) return workingDueAt(ctx.calendar, ctx.from, iso);
  return new Date(ctx.from.getTime() + Duration.fromISO(iso).toMillis());
}

/** The instant a `timeDate` names: its own offset, else the calendar's zone. */
export function timeDateInstant(text: string, calendar: WorkingCalendar): Date {
  const zone = OFFSET_DATE_TIME.test(text) ? undefined : calendar.timeZone;
  return DateTime.fromISO(text, zone ? { zone } : { setZone: true }).toJSDate();
}

/**
 * When a timer of `form` is next due, counted from `ctx.from`: a date is due at that instant, a duration and each
 * cycle repetition that much (wall or working) time later, a cycle with a start date at that start when it lies
 * ahead, a cron at its next slot in the calendar's zone. Throws TimerFormError when the instant lies outside the
 * stored window (1900–2199).
 */
export function timerDueAt(form: TimerForm, ctx: DueContext): Date {
  let due: Date;
  if (form.kind === 'date') due = timeDateInstant(form.text, ctx.calendar);
  else if (form.kind === 'duration') due = addDuration(form.iso, ctx);
  else if (form.kind === 'cycle') {
    const start = form.start === undefined ? undefined : timeDateInstant(form.start, ctx.calendar);
    due = start && start > ctx.from ? start : addDuration(form.iso, ctx);
  } else {
    due = CronExpressionParser.parse(form.expression, { currentDate: ctx.from, tz: ctx.calendar.timeZone }).next().toDate();
  }
  if (!inStoredWindow(due.getTime())) throw new TimerFormError(`the timer would be due at ${due.toISOString()}, outside 1900–2199`);
  return due;
}

/** How many times a timer of `form` fires in all: a cycle's count (-1 unbounded, as a cron), else once. */
export function timerRepeat(form: TimerForm): number {
  if (form.kind === 'cycle') return form.repeat;
  return form.kind === 'cron' ? -1 : 1;
}

/**
 * The due time of a timer on the wall clock of `timeZone` (local dates and cron read in it), with no working time:
 * what a run uses when the service gives no schedule of its own (engine tests, a version without a calendar).
 */
export function wallClockTimerDue(timeZone = 'UTC'): (request: { timerType: TimerType; value: string; repeat?: number; now: Date }) => { expireAt: Date; repeat: number } {
  const calendar = defaultCalendar('wall-clock', timeZone);
  return ({ timerType, value, repeat, now }) => {
    const form = readTimerForm(timerType, value);
    return { expireAt: timerDueAt(form, { from: now, calendar, workingTime: false }), repeat: repeat ?? timerRepeat(form) };
  };
}
