// Working-time arithmetic over a business calendar (time zone, office hours per weekday, holidays), pure and clock-free.
import { compileCalendar, dayHours, totalsBefore, DAY, MINUTE, type Compiled, type DayMinutes } from './calendar-compile.js';

/** ISO weekday: 1 = Monday … 7 = Sunday (luxon's `weekday`). */
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/**
 * One stretch of office hours on a weekday, local wall-clock `HH:mm`, start inclusive and end exclusive.
 * `end` may be `24:00`. Several intervals per day model a lunch break; overlapping or touching ones are merged.
 */
export interface OfficeInterval {
  start: string;
  end: string;
}

/** A whole local day without office hours. */
export interface Holiday {
  /** Local date, `YYYY-MM-DD`. */
  date: string;
  name: string;
}

/**
 * A dated period with office hours of its own, e.g. Ramadan's shorter days set by the yearly MenPAN-RB circular.
 * `from` and `to` are local `YYYY-MM-DD` dates, both included; a weekday missing from `hours` keeps the calendar's.
 */
export interface OfficeHoursPeriod {
  from: string;
  to: string;
  name: string;
  /** Where the hours come from, e.g. the circular's number. */
  source?: string;
  hours: Partial<Record<IsoWeekday, readonly OfficeInterval[]>>;
}

/** One local date with its own office hours: a half day, or an extra working day on a weekend. */
export interface DatedHours {
  date: string;
  name: string;
  source?: string;
  hours: readonly OfficeInterval[];
}

export interface WorkingCalendar {
  id: string;
  /** IANA zone the office hours and holiday dates are read in, e.g. `Asia/Jakarta`. */
  timeZone: string;
  /** Office hours per ISO weekday; an empty list means the office is closed that day. */
  hours: Readonly<Record<IsoWeekday, readonly OfficeInterval[]>>;
  holidays: readonly Holiday[];
  /** Dated periods with their own weekly hours; they may not overlap. */
  periods?: readonly OfficeHoursPeriod[];
  /** Single dates with their own hours; a date is either a holiday or here, never both. */
  days?: readonly DatedHours[];
}

/** The zones of the calendar ids the SOP sheets use. */
export const CALENDAR_TIME_ZONES: Readonly<Record<string, string>> = {
  wib: 'Asia/Jakarta',
  wita: 'Asia/Makassar',
  wit: 'Asia/Jayapura',
};

/**
 * The civil-service week: Mon–Thu 07:30–16:00, Fri 07:30–16:30, weekend closed, no holidays yet.
 * `timeZone` defaults to the zone of `id` (`wib`, `wita`, `wit`), else Asia/Jakarta.
 */
export function defaultCalendar(id: string, timeZone?: string): WorkingCalendar {
  const day = [{ start: '07:30', end: '16:00' }];
  return {
    id,
    timeZone: timeZone ?? CALENDAR_TIME_ZONES[id.toLowerCase()] ?? 'Asia/Jakarta',
    hours: { 1: day, 2: day, 3: day, 4: day, 5: [{ start: '07:30', end: '16:30' }], 6: [], 7: [] },
    holidays: [],
  };
}


// Compiling parses every date with luxon, a good part of a request's time when done on each call. The result is
// remembered per calendar object. A frozen calendar (the calendar store's) cannot change, so its object is enough;
// for any other the calendar's JSON is kept too and the result used only while it is unchanged, so a caller that
// edits a calendar in place still gets its edit.
const compiledCache = new WeakMap<WorkingCalendar, { json: string | null; compiled: Compiled }>();

function compile(cal: WorkingCalendar): Compiled {
  const known = compiledCache.get(cal);
  const frozen = isDeepFrozen(cal);
  const json = frozen ? null : JSON.stringify(cal);
  if (known && known.json === json) return known.compiled;
  const compiled = compileCalendar(cal);
  compiledCache.set(cal, { json, compiled });
  return compiled;
}

function isDeepFrozen(cal: WorkingCalendar): boolean {
  return [cal, cal.hours, cal.holidays, cal.periods, cal.days].every((part) => part === undefined || Object.isFrozen(part));
}

/** Freezes a calendar and everything in it, so that it can be shared and compiled once. */
export function freezeCalendar<T extends WorkingCalendar>(cal: T): T {
  const freeze = (value: unknown): void => {
    if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return;
    Object.freeze(value);
    for (const v of Object.values(value)) freeze(v);
  };
  freeze(cal);
  return cal;
}

/** Checks a calendar the way the arithmetic reads it; throws a RangeError naming what is wrong. */
export function checkCalendar(cal: WorkingCalendar): void {
  compile(cal);
}

// The search for the day a span ends on is a binary search over this many days whatever the span, so its cost
// is the same for a quarter of an hour and for a century (2^17 days is about 359 years, more than the 1900–2199
// window of stored dates).
const SEARCH_DAYS = 2 ** 17;

export { lookupCount } from './calendar-compile.js';

function millis(date: Date): number {
  const t = date.getTime();
  if (Number.isNaN(t)) throw new RangeError('invalid date');
  return t;
}

/**
 * Working time is counted on the calendar's wall clock: an instant becomes its local milliseconds since
 * 1970-01-01, and the result goes back through the zone. Office hours are wall-clock hours, so in a zone with
 * daylight saving a shift inside office hours would count by the clock; no Indonesian zone has one.
 */
const wallOf = (c: Compiled, t: number): number => t + c.offset(t) * MINUTE;
const instantOf = (c: Compiled, wall: number): number => wall - c.offset(wall - c.offset(wall) * MINUTE) * MINUTE;

/** Working milliseconds of a day's `hours` inside the window [from, to), both in milliseconds since that day's midnight. */
function overlapInDay(hours: DayMinutes, from: number, to: number): number {
  let sum = 0;
  for (const [s, e] of hours) sum += Math.max(0, Math.min(e * MINUTE, to) - Math.max(s * MINUTE, from));
  return sum;
}

/**
 * The first local day D after `day` such that the days (day, D] hold at least `need` working minutes (`measure` 0)
 * or open days (`measure` 1). Throws a RangeError when not even SEARCH_DAYS days hold that much.
 */
function firstDayReaching(c: Compiled, day: number, need: number, measure: 0 | 1): number {
  const base = totalsBefore(c, day + 1)[measure];
  let lo = day + 1;
  let hi = day + SEARCH_DAYS;
  if (totalsBefore(c, hi + 1)[measure] - base < need) throw new RangeError('the span is longer than the calendar arithmetic reaches');
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (totalsBefore(c, mid + 1)[measure] - base >= need) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** The wall time `w` itself when it is inside office hours, else the next opening. */
function openingWall(c: Compiled, w: number): number {
  const day = Math.floor(w / DAY);
  const at = w - day * DAY;
  const open = dayHours(c, day).find(([, e]) => e * MINUTE > at);
  if (open) return day * DAY + Math.max(open[0] * MINUTE, at);
  const next = firstDayReaching(c, day, 1, 1);
  return next * DAY + (dayHours(c, next)[0] as readonly [number, number])[0] * MINUTE;
}

/** Whether `date` lies inside office hours: opening instants count, closing instants do not. */
export function isWorkingInstant(cal: WorkingCalendar, date: Date): boolean {
  const c = compile(cal);
  const w = wallOf(c, millis(date));
  return openingWall(c, w) === w;
}

/** `date` itself when it is a working instant, else the next opening. */
export function nextOpening(cal: WorkingCalendar, date: Date): Date {
  const c = compile(cal);
  const t = millis(date);
  const w = wallOf(c, t);
  const opening = openingWall(c, w);
  return new Date(opening === w ? t : instantOf(c, opening));
}

/** Where `remaining` ms of working time after `from` (ms since the day's midnight) end within a day's hours. */
function endWithinDay(hours: DayMinutes, from: number, remaining: number): number {
  let left = remaining;
  for (const [s, e] of hours) {
    const a = Math.max(s * MINUTE, from);
    if (e * MINUTE <= a) continue;
    if (left <= e * MINUTE - a) return a + left;
    left -= e * MINUTE - a;
  }
  throw new RangeError('working time does not fit the day it was found on');
}

/**
 * The instant `ms` of working time after `start`.
 * A due time that falls exactly on a closing instant stays there (Mon 15:45 + 15 min = Mon 16:00, not Tue 07:30),
 * so the result of a positive amount lies in (opening, closing] of a working day.
 * Adding 0 returns `start` unchanged, even outside office hours: nothing was added, so nothing moves.
 * The cost does not depend on `ms`: the start day, a binary search of running totals, the end day.
 */
export function addWorkingTime(cal: WorkingCalendar, start: Date, ms: number): Date {
  const c = compile(cal);
  const t = millis(start);
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`working time must be a non-negative number of milliseconds, got ${ms}`);
  if (ms === 0) return new Date(t);
  const w = wallOf(c, t);
  const day = Math.floor(w / DAY);
  const at = w - day * DAY;
  const hours = dayHours(c, day);
  const first = overlapInDay(hours, at, DAY);
  if (ms <= first) return new Date(instantOf(c, day * DAY + endWithinDay(hours, at, ms)));
  const rest = ms - first;
  const end = firstDayReaching(c, day, rest / MINUTE, 0);
  const before = (totalsBefore(c, end)[0] - totalsBefore(c, day + 1)[0]) * MINUTE;
  return new Date(instantOf(c, end * DAY + endWithinDay(dayHours(c, end), 0, rest - before)));
}

/** Working milliseconds in [a, b); 0 when b <= a. The first and last days, and running totals between them. */
export function workingTimeBetween(cal: WorkingCalendar, a: Date, b: Date): number {
  const c = compile(cal);
  const from = millis(a);
  const to = millis(b);
  if (to <= from) return 0;
  const wa = wallOf(c, from);
  const wb = wallOf(c, to);
  const da = Math.floor(wa / DAY);
  const db = Math.floor(wb / DAY);
  if (da === db) return overlapInDay(dayHours(c, da), wa - da * DAY, wb - da * DAY);
  const middle = (totalsBefore(c, db)[0] - totalsBefore(c, da + 1)[0]) * MINUTE;
  return overlapInDay(dayHours(c, da), wa - da * DAY, DAY) + middle + overlapInDay(dayHours(c, db), 0, wb - db * DAY);
}

/**
 * `N hari`: the same office-clock time `n` working days later (a working day is a day with office hours: not a
 * weekend, not a holiday, or a dated extra working day). A start outside office hours counts from its next opening,
 * and `n = 0` returns that opening. When the clock time is not inside the target day's office hours it is clamped
 * into them: after closing (or in a lunch break) to the end of the interval before it, e.g. Fri 16:20 + 1 hari =
 * Mon 16:00; before opening to the opening. Clamping changes only the wall clock, never the working time between
 * start and result. The cost does not depend on `n`.
 */
export function addWorkingDays(cal: WorkingCalendar, start: Date, n: number): Date {
  const c = compile(cal);
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`working days must be a non-negative integer, got ${n}`);
  const t = millis(start);
  const w = wallOf(c, t);
  const opening = openingWall(c, w);
  if (n === 0) return new Date(opening === w ? t : instantOf(c, opening));
  const startDay = Math.floor(opening / DAY);
  const clock = opening - startDay * DAY;
  const day = firstDayReaching(c, startDay, n, 1);
  const hours = dayHours(c, day);
  const before = hours.filter(([s]) => s * MINUTE <= clock).pop();
  if (!before) return new Date(instantOf(c, day * DAY + (hours[0] as readonly [number, number])[0] * MINUTE));
  return new Date(instantOf(c, day * DAY + Math.min(clock, before[1] * MINUTE)));
}
