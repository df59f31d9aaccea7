// Which years a calendar's holidays cover: confirmed by a decree, provisional, or not at all; and the warnings the
// service gives while the current year, or the next one within 90 days of its start, is not confirmed.
import type { CalendarHoliday } from './calendar-resolve.js';

/** `confirmed`: holidays, none provisional; `provisional`: some not yet fixed by a decree; `none`: no holidays that year. */
export type YearStatus = 'confirmed' | 'provisional' | 'none';

export interface YearCoverage {
  year: number;
  status: YearStatus;
  holidays: number;
  provisional: number;
}

export interface CalendarWarning {
  calendar: string;
  year: number;
  status: Exclude<YearStatus, 'confirmed'>;
  message: string;
}

/** How long before a year starts its holidays are wanted, in days. */
export const NEXT_YEAR_NOTICE_DAYS = 90;

function statusOf(holidays: readonly CalendarHoliday[], year: number): YearCoverage {
  const inYear = holidays.filter((h) => h.date.startsWith(`${year}-`));
  const provisional = inYear.filter((h) => h.provisional === true).length;
  const status: YearStatus = inYear.length === 0 ? 'none' : provisional > 0 ? 'provisional' : 'confirmed';
  return { year, status, holidays: inYear.length, provisional };
}

/** Per year, from the first year with a holiday (or the current one) to the next year (or the last with a holiday). */
export function coverage(holidays: readonly CalendarHoliday[], now: Date): YearCoverage[] {
  const current = now.getUTCFullYear();
  const years = holidays.map((h) => Number(h.date.slice(0, 4)));
  const first = Math.min(current, ...years);
  const last = Math.max(current + 1, ...years);
  const out: YearCoverage[] = [];
  for (let year = first; year <= last; year++) out.push(statusOf(holidays, year));
  return out;
}

/**
 * The years a calendar lacks confirmed holidays for at `now`: the current year, and the next one from
 * NEXT_YEAR_NOTICE_DAYS before it starts. Until then its days count as working days, which may put a due date on
 * a holiday.
 */
export function calendarWarnings(calendar: string, holidays: readonly CalendarHoliday[], now: Date): CalendarWarning[] {
  const current = now.getUTCFullYear();
  const years = [current];
  if (Date.UTC(current + 1, 0, 1) - now.getTime() <= NEXT_YEAR_NOTICE_DAYS * 86_400_000) years.push(current + 1);
  const warnings: CalendarWarning[] = [];
  for (const year of years) {
    const { status } = statusOf(holidays, year);
    if (status === 'confirmed') continue;
    const what = status === 'none' ? 'has no holidays' : 'has only provisional holidays';
    warnings.push({ calendar, year, status, message: `calendar ${calendar} ${what} for ${year}: its days count as working days until an admin adds the decree's holidays` });
  }
  return warnings;
}
