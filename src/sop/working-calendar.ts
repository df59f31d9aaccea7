// Working-time arithmetic over a business calendar (time zone, office hours per weekday, holidays), pure and clock-free.
import { DateTime, IANAZone, type Zone } from 'luxon';

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

export interface WorkingCalendar {
  id: string;
  /** IANA zone the office hours and holiday dates are read in, e.g. `Asia/Jakarta`. */
  timeZone: string;
  /** Office hours per ISO weekday; an empty list means the office is closed that day. */
  hours: Readonly<Record<IsoWeekday, readonly OfficeInterval[]>>;
  holidays: readonly Holiday[];
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

/** A calendar checked and reduced to numbers, so the day walks below do no parsing and build no DateTime objects. */
interface Compiled {
  /** UTC offset in minutes at an instant. */
  offset: (t: number) => number;
  /** Index = ISO weekday; merged, sorted [startMinute, endMinute) pairs. */
  minutes: Array<Array<[number, number]>>;
  /** Local days (days since 1970-01-01 on the local calendar) that are holidays. */
  holidays: Set<number>;
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const WEEKDAYS: readonly IsoWeekday[] = [1, 2, 3, 4, 5, 6, 7];
const HH_MM = /^(?:([01]\d|2[0-3]):([0-5]\d)|(24):(00))$/;
const YMD = /^\d{4}-\d{2}-\d{2}$/;

function minuteOf(value: string, where: string): number {
  const m = HH_MM.exec(value);
  if (!m) throw new RangeError(`${where}: '${value}' is not a HH:mm time`);
  return Number(m[1] ?? m[3]) * 60 + Number(m[2] ?? m[4]);
}

// Compiling parses every holiday date with luxon, a good part of a request's time when done on each call. The result
// is remembered per calendar object. A frozen calendar (the calendar store's) cannot change, so its object is enough;
// for any other the calendar's JSON is kept too and the result used only while it is unchanged, so a caller that
// edits a calendar in place still gets its edit (the JSON of a calendar with years of holidays was 2.5 % of the CPU).
const compiledCache = new WeakMap<WorkingCalendar, { json: string | null; compiled: Compiled }>();

function compile(cal: WorkingCalendar): Compiled {
  const known = compiledCache.get(cal);
  const frozen = isDeepFrozen(cal);
  const json = frozen ? null : JSON.stringify(cal);
  if (known && known.json === json) return known.compiled;
  const compiled = compileNow(cal);
  compiledCache.set(cal, { json, compiled });
  return compiled;
}

function isDeepFrozen(cal: WorkingCalendar): boolean {
  return Object.isFrozen(cal) && Object.isFrozen(cal.hours) && Object.isFrozen(cal.holidays);
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

function compileNow(cal: WorkingCalendar): Compiled {
  const zone = IANAZone.create(cal.timeZone);
  if (!zone.isValid) throw new RangeError(`calendar ${cal.id}: unknown time zone '${cal.timeZone}'`);
  const minutes: Array<Array<[number, number]>> = [[]];
  let open = false;
  for (const wd of WEEKDAYS) {
    const where = `calendar ${cal.id} weekday ${wd}`;
    const pairs = (cal.hours[wd] ?? []).map((iv): [number, number] => {
      const pair: [number, number] = [minuteOf(iv.start, where), minuteOf(iv.end, where)];
      if (pair[0] >= pair[1]) throw new RangeError(`${where}: ${iv.start}–${iv.end} ends before it starts`);
      return pair;
    });
    pairs.sort((x, y) => x[0] - y[0]);
    const merged: Array<[number, number]> = [];
    for (const p of pairs) {
      const last = merged[merged.length - 1];
      if (last && p[0] <= last[1]) last[1] = Math.max(last[1], p[1]);
      else merged.push([p[0], p[1]]);
    }
    open ||= merged.length > 0;
    minutes.push(merged);
  }
  // Without a single open weekday every forward walk below would never end.
  if (!open) throw new RangeError(`calendar ${cal.id} has no office hours`);
  const holidays = new Set<number>();
  for (const h of cal.holidays) {
    const date = DateTime.fromISO(h.date, { zone: 'utc' });
    if (!YMD.test(h.date) || !date.isValid) throw new RangeError(`calendar ${cal.id}: holiday '${h.date}' is not a YYYY-MM-DD date`);
    holidays.add(date.toMillis() / DAY);
  }
  return { offset: offsetsOf(zone), minutes, holidays };
}

// luxon reads a zone's offset by formatting through Intl, microseconds a call; day walks ask again and again for
// the same office boundaries, so answers are remembered per zone. The cache is bounded and invisible to callers.
const offsetCache = new Map<string, Map<number, number>>();
const OFFSET_CACHE_LIMIT = 10_000;

function offsetsOf(zone: Zone): (t: number) => number {
  let memo = offsetCache.get(zone.name);
  if (!memo) offsetCache.set(zone.name, (memo = new Map()));
  const known = memo;
  return (t) => {
    let o = known.get(t);
    if (o === undefined) {
      if (known.size >= OFFSET_CACHE_LIMIT) known.clear();
      known.set(t, (o = zone.offset(t)));
    }
    return o;
  };
}

function millis(date: Date): number {
  const t = date.getTime();
  if (Number.isNaN(t)) throw new RangeError('invalid date');
  return t;
}

/** The local day (days since 1970-01-01 on the calendar's wall clock) containing instant `t`. */
function localDay(c: Compiled, t: number): number {
  return Math.floor((t + c.offset(t) * MINUTE) / DAY);
}

/**
 * The instant at which the calendar's wall clock shows `wall` (milliseconds since 1970-01-01 local).
 * Two offset look-ups settle it in every zone without DST; in a DST gap or overlap it picks one side, which
 * only matters to zones no Indonesian office uses.
 */
function instantOf(c: Compiled, wall: number): number {
  return wall - c.offset(wall - c.offset(wall) * MINUTE) * MINUTE;
}

/** The office intervals of a local day as absolute [start, end) milliseconds; none on a holiday. */
function intervalsOf(c: Compiled, day: number): Array<[number, number]> {
  if (c.holidays.has(day)) return [];
  // 1970-01-01 was a Thursday (ISO 4).
  const weekday = (((day + 3) % 7) + 7) % 7 + 1;
  return (c.minutes[weekday] as Array<[number, number]>).map(([s, e]) => {
    const start = instantOf(c, day * DAY + s * MINUTE);
    return [start, Math.max(start, instantOf(c, day * DAY + e * MINUTE))];
  });
}

// Every forward walk ends: compile() guarantees an open weekday and holidays are finite.
function openingFrom(c: Compiled, t: number): number {
  let opening: number | undefined;
  for (let day = localDay(c, t); opening === undefined; day++) {
    const open = intervalsOf(c, day).find(([, e]) => e > t);
    if (open) opening = Math.max(open[0], t);
  }
  return opening;
}

/** Whether `date` lies inside office hours: opening instants count, closing instants do not. */
export function isWorkingInstant(cal: WorkingCalendar, date: Date): boolean {
  const c = compile(cal);
  const t = millis(date);
  return openingFrom(c, t) === t;
}

/** `date` itself when it is a working instant, else the next opening. */
export function nextOpening(cal: WorkingCalendar, date: Date): Date {
  const c = compile(cal);
  return new Date(openingFrom(c, millis(date)));
}

/**
 * The instant `ms` of working time after `start`.
 * A due time that falls exactly on a closing instant stays there (Mon 15:45 + 15 min = Mon 16:00, not Tue 07:30),
 * so the result of a positive amount lies in (opening, closing] of a working day.
 * Adding 0 returns `start` unchanged, even outside office hours: nothing was added, so nothing moves.
 */
export function addWorkingTime(cal: WorkingCalendar, start: Date, ms: number): Date {
  const c = compile(cal);
  const t = millis(start);
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`working time must be a non-negative number of milliseconds, got ${ms}`);
  if (ms === 0) return new Date(t);
  let remaining = ms;
  let due: number | undefined;
  for (let day = localDay(c, t); due === undefined; day++) {
    for (const [s, e] of intervalsOf(c, day)) {
      if (e <= t) continue;
      const from = Math.max(s, t);
      if (remaining <= e - from) {
        due = from + remaining;
        break;
      }
      remaining -= e - from;
    }
  }
  return new Date(due);
}

/** Working milliseconds in [a, b); 0 when b <= a. Walks day by day, so a year costs about 365 steps. */
export function workingTimeBetween(cal: WorkingCalendar, a: Date, b: Date): number {
  const c = compile(cal);
  const from = millis(a);
  const to = millis(b);
  let total = 0;
  for (let day = localDay(c, from); instantOf(c, day * DAY) < to; day++) {
    for (const [s, e] of intervalsOf(c, day)) total += Math.max(0, Math.min(e, to) - Math.max(s, from));
  }
  return total;
}

/**
 * `N hari`: the same office-clock time `n` working days later (a working day is a weekday with office hours
 * that is no holiday). A start outside office hours counts from its next opening, and `n = 0` returns that opening.
 * When the clock time is not inside the target day's office hours it is clamped into them: after closing (or in a
 * lunch break) to the end of the interval before it, e.g. Fri 16:20 + 1 hari = Mon 16:00; before opening to the opening.
 * Clamping changes only the wall clock, never the working time between start and result.
 */
export function addWorkingDays(cal: WorkingCalendar, start: Date, n: number): Date {
  const c = compile(cal);
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`working days must be a non-negative integer, got ${n}`);
  const opening = openingFrom(c, millis(start));
  if (n === 0) return new Date(opening);
  // The office-clock time of the (normalised) start, carried to the target day below.
  const startDay = localDay(c, opening);
  const clock = opening + c.offset(opening) * MINUTE - startDay * DAY;
  let day = startDay;
  let intervals: Array<[number, number]> = [];
  for (let counted = 0; counted < n; ) {
    day++;
    intervals = intervalsOf(c, day);
    if (intervals.length > 0) counted++;
  }
  const target = instantOf(c, day * DAY + clock);
  const before = intervals.filter(([s]) => s <= target).pop();
  if (!before) return new Date((intervals[0] as [number, number])[0]);
  return new Date(Math.min(target, before[1]));
}
