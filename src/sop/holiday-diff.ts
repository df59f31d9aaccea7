// What an imported set of holidays changes in a calendar, date by date, and how a regional calendar stores a set it
// should count on (its own days and the parent's days it does not keep).
import type { CalendarHoliday } from './calendar-resolve.js';

/** A changed holiday: its new form, with the one it replaces. */
export interface ChangedHoliday extends CalendarHoliday {
  previous: CalendarHoliday;
}

/** The difference between a calendar's holidays and a new set, each list by date. */
export interface HolidayDiff {
  added: CalendarHoliday[];
  removed: CalendarHoliday[];
  /** Same date, another name, kind or provisional mark. */
  changed: ChangedHoliday[];
  unchanged: CalendarHoliday[];
}

/** A holiday in one canonical shape (no empty kind, `provisional` only when true), so equal data compares equal. */
export function canonicalHoliday(h: CalendarHoliday): CalendarHoliday {
  return { date: h.date, name: h.name, ...(h.kind ? { kind: h.kind } : {}), ...(h.provisional ? { provisional: true } : {}) };
}

const same = (a: CalendarHoliday, b: CalendarHoliday): boolean => a.name === b.name && (a.kind ?? '') === (b.kind ?? '') && Boolean(a.provisional) === Boolean(b.provisional);

/** What replacing `current` by `next` adds, removes and changes, date by date (each list in date order). */
export function holidayDiff(current: readonly CalendarHoliday[], next: readonly CalendarHoliday[]): HolidayDiff {
  const before = new Map(current.map((h) => [h.date, canonicalHoliday(h)]));
  const after = new Map(next.map((h) => [h.date, canonicalHoliday(h)]));
  const diff: HolidayDiff = { added: [], removed: [], changed: [], unchanged: [] };
  for (const [date, h] of after) {
    const old = before.get(date);
    if (!old) diff.added.push(h);
    else if (same(old, h)) diff.unchanged.push(h);
    else diff.changed.push({ ...h, previous: old });
  }
  for (const [date, h] of before) if (!after.has(date)) diff.removed.push(h);
  for (const list of Object.values(diff) as CalendarHoliday[][]) list.sort((a, b) => a.date.localeCompare(b.date));
  return diff;
}

/** Whether a diff changes anything. */
export function changesAnything(diff: HolidayDiff): boolean {
  return diff.added.length + diff.removed.length + diff.changed.length > 0;
}

/**
 * How a calendar inheriting `parent` stores `desired` as the holidays it counts on (calendar-resolve.ts): its own
 * holidays are the desired days the parent lacks or names otherwise, and `removed` lists the parent's days it does
 * not keep.
 */
export function regionalHolidays(desired: readonly CalendarHoliday[], parent: readonly CalendarHoliday[]): { holidays: CalendarHoliday[]; removed: string[] } {
  const fromParent = new Map(parent.map((h) => [h.date, h]));
  const wanted = new Set(desired.map((h) => h.date));
  return {
    holidays: desired.filter((h) => {
      const inherited = fromParent.get(h.date);
      return !inherited || !same(inherited, h);
    }).map(canonicalHoliday),
    removed: parent.filter((h) => !wanted.has(h.date)).map((h) => h.date).sort(),
  };
}

/** Which holidays a feed replaces: only the years it has events in (the default), or every year. */
export type FeedScope = 'years' | 'all';

/**
 * The holidays a calendar would count on after a feed, and the ones the feed is compared with: with scope `years`,
 * `replaced` is what it has now in the years the feed has events in, and `holidays` keeps the rest beside the feed's;
 * with `all`, every holiday is replaced. `years` lists the feed's years, ascending. A published feed of next year's
 * decree then leaves this year's holidays alone, while `all` can still remove a whole year.
 */
export function holidaysAfterFeed(current: readonly CalendarHoliday[], feed: readonly CalendarHoliday[], scope: FeedScope): { holidays: CalendarHoliday[]; replaced: CalendarHoliday[]; years: number[] } {
  const years = [...new Set(feed.map((h) => Number(h.date.slice(0, 4))))].sort((a, b) => a - b);
  if (scope === 'all') return { holidays: [...feed], replaced: [...current], years };
  const covered = (h: CalendarHoliday) => years.includes(Number(h.date.slice(0, 4)));
  return { holidays: [...current.filter((h) => !covered(h)), ...feed], replaced: current.filter(covered), years };
}
