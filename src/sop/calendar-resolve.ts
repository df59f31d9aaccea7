// A regional calendar over a national one: what the arithmetic counts on is the parent's data with the region's
// own holidays, dated days and periods added, and the parent's holidays it does not keep taken away.
import type { DatedHours, Holiday, IsoWeekday, OfficeHoursPeriod, OfficeInterval, WorkingCalendar } from './working-calendar.js';

/** A holiday as calendars store it. */
export interface CalendarHoliday extends Holiday {
  /** `libur-nasional`, `cuti-bersama`, or an admin's own kind (e.g. `libur-daerah`). */
  kind?: string;
  /** True for dates not yet fixed by a published decree; confirmed by sending them again without it. */
  provisional?: boolean;
}

/** A calendar's own data, as stored; `inherits` names the calendar it builds on. */
export interface CalendarData {
  id: string;
  timeZone: string;
  hours: Readonly<Record<IsoWeekday, readonly OfficeInterval[]>>;
  holidays: readonly CalendarHoliday[];
  periods: readonly OfficeHoursPeriod[];
  days: readonly DatedHours[];
  /** The calendar this one inherits (a national one: wib, wita, wit), or null. */
  inherits: string | null;
  /** Dates of the parent's holidays this calendar does not keep (`YYYY-MM-DD`). */
  removed: readonly string[];
}

/** A calendar the arithmetic reads, with the holidays' kinds and provisional marks kept for coverage. */
export interface EffectiveCalendar extends WorkingCalendar {
  holidays: readonly CalendarHoliday[];
  periods: readonly OfficeHoursPeriod[];
  days: readonly DatedHours[];
}

const overlaps = (a: OfficeHoursPeriod, b: OfficeHoursPeriod): boolean => a.from <= b.to && b.from <= a.to;

/**
 * The calendar `own` counts on. Its time zone and weekly hours are its own; the parent's holidays stay unless the
 * calendar removes them or dates them itself, the parent's dated days stay unless the calendar dates the same day,
 * and the parent's periods stay where none of the calendar's own overlaps them.
 */
export function resolveCalendar(own: CalendarData, parent: CalendarData | undefined): EffectiveCalendar {
  if (!parent) return { id: own.id, timeZone: own.timeZone, hours: own.hours, holidays: own.holidays, periods: own.periods, days: own.days };
  const ownDates = new Set([...own.holidays.map((h) => h.date), ...own.days.map((d) => d.date)]);
  const dropped = new Set([...ownDates, ...own.removed]);
  return {
    id: own.id,
    timeZone: own.timeZone,
    hours: own.hours,
    holidays: [...parent.holidays.filter((h) => !dropped.has(h.date)), ...own.holidays].sort((a, b) => a.date.localeCompare(b.date)),
    periods: [...parent.periods.filter((p) => !own.periods.some((o) => overlaps(o, p))), ...own.periods],
    days: [...parent.days.filter((d) => !dropped.has(d.date)), ...own.days],
  };
}
