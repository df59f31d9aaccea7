// A working calendar reduced to numbers on the local wall clock: weekly tables, dated periods and single days, with
// running totals, so that any span's working time is a handful of look-ups however long the span is.
import { DateTime, IANAZone, type Zone } from 'luxon';
import type { IsoWeekday, OfficeInterval, WorkingCalendar } from './working-calendar.js';

export const MINUTE = 60_000;
export const DAY = 24 * 60 * MINUTE;

/** Merged, sorted [startMinute, endMinute) pairs of one local day. */
export type DayMinutes = ReadonlyArray<readonly [number, number]>;

/** The office hours of a week: per ISO weekday (index 1–7) its intervals, working minutes and whether it is open. */
interface WeekTable {
  minutes: DayMinutes[];
  dayMinutes: number[];
  weekMinutes: number;
  weekOpenDays: number;
}

/**
 * A calendar checked and compiled. Days are local days (days since 1970-01-01 on the calendar's wall clock).
 * Segments cover every day: segment i runs from `segStart[i]` to the next start and uses `tables[segTable[i]]`;
 * `segMinutes`/`segOpenDays` are the running totals at each segment's start. Exception days (holidays, half days,
 * extra working days) replace their day's table entry; their differences to it are summed in `excMinutes`/`excOpen`.
 */
export interface Compiled {
  offset: (t: number) => number;
  tables: WeekTable[];
  segStart: number[];
  segTable: number[];
  segMinutes: number[];
  segOpenDays: number[];
  excDays: number[];
  excHours: Map<number, DayMinutes>;
  /** excMinutes[i] = sum of the minute differences of exception days 0..i-1. */
  excMinutes: number[];
  excOpen: number[];
}

/** The first segment starts here, far before any date the service accepts, so running totals are never negative. */
const FIRST_DAY = -1_000_000;
const WEEKDAYS: readonly IsoWeekday[] = [1, 2, 3, 4, 5, 6, 7];
const HH_MM = /^(?:([01]\d|2[0-3]):([0-5]\d)|(24):(00))$/;
const YMD = /^\d{4}-\d{2}-\d{2}$/;

let steps = 0;

/** Counts one look-up of the compiled calendar; `lookupCount` reads the total, so tests can show it does not grow with a span. */
export function countStep(): void {
  steps++;
}

/** How many look-ups the arithmetic has made since the process started (a test's measure of cost, not a timing). */
export function lookupCount(): number {
  return steps;
}

function minuteOf(value: string, where: string): number {
  const m = HH_MM.exec(value);
  if (!m) throw new RangeError(`${where}: '${value}' is not a HH:mm time`);
  return Number(m[1] ?? m[3]) * 60 + Number(m[2] ?? m[4]);
}

/** Checks and merges one day's intervals; throws a RangeError naming `where` for a bad time or a reversed interval. */
export function mergeIntervals(intervals: readonly OfficeInterval[], where: string): DayMinutes {
  const pairs = intervals.map((iv): [number, number] => {
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
  return merged;
}

const total = (day: DayMinutes): number => day.reduce((sum, [s, e]) => sum + e - s, 0);

function weekTable(hours: Partial<Record<IsoWeekday, readonly OfficeInterval[]>>, where: string): WeekTable {
  const minutes: DayMinutes[] = [[]];
  for (const wd of WEEKDAYS) minutes.push(mergeIntervals(hours[wd] ?? [], `${where} weekday ${wd}`));
  const dayMinutes = minutes.map(total);
  return {
    minutes,
    dayMinutes,
    weekMinutes: dayMinutes.reduce((a, b) => a + b, 0),
    weekOpenDays: dayMinutes.filter((m) => m > 0).length,
  };
}

/** The local day of a `YYYY-MM-DD` date; throws a RangeError naming `where` for anything else, 30 February included. */
export function dayOfDate(date: string, where: string): number {
  const parsed = DateTime.fromISO(date, { zone: 'utc' });
  if (!YMD.test(date) || !parsed.isValid) throw new RangeError(`${where}: '${date}' is not a YYYY-MM-DD date`);
  return parsed.toMillis() / DAY;
}

/** ISO weekday of a local day (1970-01-01 was a Thursday). */
export const weekdayOf = (day: number): number => ((((day + 3) % 7) + 7) % 7) + 1;

/** Working minutes and open days of table `t` over the days [a, b), a <= b: whole weeks at once, then at most six days. */
function pattern(t: WeekTable, a: number, b: number): [number, number] {
  const n = b - a;
  const weeks = Math.floor(n / 7);
  let minutes = weeks * t.weekMinutes;
  let open = weeks * t.weekOpenDays;
  for (let d = a + weeks * 7; d < b; d++) {
    const m = t.dayMinutes[weekdayOf(d)] as number;
    minutes += m;
    if (m > 0) open++;
  }
  return [minutes, open];
}

function buildSegments(cal: WorkingCalendar, base: Partial<Record<IsoWeekday, readonly OfficeInterval[]>>): Pick<Compiled, 'tables' | 'segStart' | 'segTable'> {
  const tables = [weekTable(base, `calendar ${cal.id}`)];
  const periods = (cal.periods ?? []).map((p, i) => {
    const where = `calendar ${cal.id} period ${p.name || i + 1}`;
    const from = dayOfDate(p.from, where);
    const to = dayOfDate(p.to, where);
    if (to < from) throw new RangeError(`${where}: ends (${p.to}) before it starts (${p.from})`);
    tables.push(weekTable({ ...base, ...p.hours }, where));
    return { from, to, table: tables.length - 1, where };
  });
  periods.sort((x, y) => x.from - y.from);
  const segStart = [FIRST_DAY];
  const segTable = [0];
  let lastEnd = FIRST_DAY;
  for (const p of periods) {
    if (p.from <= lastEnd) throw new RangeError(`${p.where}: overlaps another period`);
    segStart.push(p.from, p.to + 1);
    segTable.push(p.table, 0);
    lastEnd = p.to;
  }
  return { tables, segStart, segTable };
}

function exceptionDays(cal: WorkingCalendar): Map<number, DayMinutes> {
  const hours = new Map<number, DayMinutes>();
  const add = (date: string, minutes: DayMinutes, where: string) => {
    const day = dayOfDate(date, where);
    if (hours.has(day)) throw new RangeError(`${where}: ${date} is listed twice among holidays and dated days`);
    hours.set(day, minutes);
  };
  for (const h of cal.holidays) add(h.date, [], `calendar ${cal.id}: holiday`);
  for (const d of cal.days ?? []) add(d.date, mergeIntervals(d.hours, `calendar ${cal.id} day ${d.date}`), `calendar ${cal.id}: day`);
  return hours;
}

/** Compiles a calendar; throws a RangeError naming the part that is wrong (zone, time, date, overlap, never open). */
export function compileCalendar(cal: WorkingCalendar): Compiled {
  const zone = IANAZone.create(cal.timeZone);
  if (!zone.isValid) throw new RangeError(`calendar ${cal.id}: unknown time zone '${cal.timeZone}'`);
  const { tables, segStart, segTable } = buildSegments(cal, cal.hours);
  // Without a single open weekday in the base week, working time could not advance past the last dated day.
  if ((tables[0] as WeekTable).weekMinutes === 0) throw new RangeError(`calendar ${cal.id} has no office hours`);
  const segMinutes = [0];
  const segOpenDays = [0];
  for (let i = 1; i < segStart.length; i++) {
    const [m, o] = pattern(tables[segTable[i - 1] as number] as WeekTable, segStart[i - 1] as number, segStart[i] as number);
    segMinutes.push((segMinutes[i - 1] as number) + m);
    segOpenDays.push((segOpenDays[i - 1] as number) + o);
  }
  const excHours = exceptionDays(cal);
  const excDays = [...excHours.keys()].sort((a, b) => a - b);
  const excMinutes = [0];
  const excOpen = [0];
  const partial = { tables, segStart, segTable } as Compiled;
  for (const day of excDays) {
    const regular = regularDay(partial, day);
    const own = excHours.get(day) as DayMinutes;
    excMinutes.push((excMinutes[excMinutes.length - 1] as number) + total(own) - total(regular));
    excOpen.push((excOpen[excOpen.length - 1] as number) + (own.length > 0 ? 1 : 0) - (regular.length > 0 ? 1 : 0));
  }
  return { offset: offsetsOf(zone), tables, segStart, segTable, segMinutes, segOpenDays, excDays, excHours, excMinutes, excOpen };
}

/** Index of the last element of sorted `xs` that is <= x, or -1. */
function lastAtMost(xs: readonly number[], x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((xs[mid] as number) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

function regularDay(c: Pick<Compiled, 'tables' | 'segStart' | 'segTable'>, day: number): DayMinutes {
  const seg = Math.max(0, lastAtMost(c.segStart, day));
  return (c.tables[c.segTable[seg] as number] as WeekTable).minutes[weekdayOf(day)] as DayMinutes;
}

/** The office intervals of a local day, in minutes of that day: its dated entry if it has one, else its week's. */
export function dayHours(c: Compiled, day: number): DayMinutes {
  countStep();
  return c.excHours.get(day) ?? regularDay(c, day);
}

/** Working minutes and open days in the local days [FIRST_DAY, day): running totals, independent of the span. */
export function totalsBefore(c: Compiled, day: number): [number, number] {
  countStep();
  const seg = Math.max(0, lastAtMost(c.segStart, day - 1));
  const [m, o] = pattern(c.tables[c.segTable[seg] as number] as WeekTable, c.segStart[seg] as number, Math.max(day, c.segStart[seg] as number));
  const exc = lastAtMost(c.excDays, day - 1) + 1;
  return [(c.segMinutes[seg] as number) + m + (c.excMinutes[exc] as number), (c.segOpenDays[seg] as number) + o + (c.excOpen[exc] as number)];
}

// luxon reads a zone's offset by formatting through Intl, microseconds a call, and the arithmetic asks for arbitrary
// instants. Zones change offset a few times a century, so the offset is remembered per UTC day: a day whose start and
// end have the same offset has it throughout (no zone changes twice in a day and back); only a day with a change asks
// luxon for the instant itself. The cache is bounded and invisible to callers.
const offsetCache = new Map<string, Map<number, number | null>>();
const OFFSET_CACHE_LIMIT = 20_000;

function offsetsOf(zone: Zone): (t: number) => number {
  let memo = offsetCache.get(zone.name);
  if (!memo) offsetCache.set(zone.name, (memo = new Map()));
  const known = memo;
  return (t) => {
    const day = Math.floor(t / DAY);
    let o = known.get(day);
    if (o === undefined) {
      if (known.size >= OFFSET_CACHE_LIMIT) known.clear();
      const start = zone.offset(day * DAY);
      o = start === zone.offset(day * DAY + DAY - 1) ? start : null;
      known.set(day, o);
    }
    return o ?? zone.offset(t);
  };
}
