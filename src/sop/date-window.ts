// The window of dates and durations the service accepts (DESIGN.md, "Dates and durations"): stored instants lie in
// 1900–2199, a date a user sets at most five years ahead, a time standard at most one year. Inside the window every
// instant's ISO text has the same width, so text order is time order.

/** First instant the service stores: 1900-01-01T00:00:00Z. */
export const WINDOW_START_MS = Date.UTC(1900, 0, 1);
/** First instant after the window: 2200-01-01T00:00:00Z (exclusive). */
export const WINDOW_END_MS = Date.UTC(2200, 0, 1);
/** How far ahead of now a user may set a date, in years. */
export const USER_YEARS_AHEAD = 5;
/** The longest time standard, as nominal time: 365 days (P365D, PT8760H). */
export const MAX_STANDARD_MS = 365 * 24 * 3_600_000;

/** ISO 8601 date-time with seconds optional and a zone (`Z` or `±hh:mm`), the form every date-time input takes. */
export const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * The instant of an ISO date-time text, or undefined when it is not one: wrong form, an hour or minute out of range,
 * or a day the month does not have (Date.parse alone rolls 2026-02-30 over to 2 March).
 */
export function parseIsoDateTime(value: string): number | undefined {
  if (!ISO_DATE_TIME.test(value)) return undefined;
  const t = Date.parse(value);
  if (Number.isNaN(t)) return undefined;
  const [y, m, d] = value.slice(0, 10).split('-').map(Number) as [number, number, number];
  const day = new Date(Date.UTC(2000, m - 1, d));
  return m >= 1 && m <= 12 && day.getUTCMonth() === m - 1 && (m !== 2 || d !== 29 || isLeap(y)) ? t : undefined;
}

const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/** Whether instant `t` (ms) lies in the stored window 1900-01-01 … 2199-12-31. */
export function inStoredWindow(t: number): boolean {
  return t >= WINDOW_START_MS && t < WINDOW_END_MS;
}

/** The latest instant a user may set at `now`: five calendar years later (29 February counts as 28 February). */
export function latestUserInstant(now: Date): number {
  const limit = new Date(now.getTime());
  limit.setUTCFullYear(limit.getUTCFullYear() + USER_YEARS_AHEAD);
  if (limit.getUTCDate() !== now.getUTCDate()) limit.setUTCDate(0);
  return limit.getTime();
}

/** Why instant `t` cannot be a date a user sets at `now`, in English, or undefined when it can. */
export function userInstantProblem(t: number, now: Date): string | undefined {
  if (!inStoredWindow(t)) return 'must lie between 1900-01-01 and 2199-12-31';
  if (t > latestUserInstant(now)) return `must be at most ${USER_YEARS_AHEAD} years ahead (until ${new Date(latestUserInstant(now)).toISOString()})`;
  return undefined;
}

/** The ISO text of a stored instant; throws a RangeError outside the window, so no row holds a wider year. */
export function storedInstant(t: Date): string {
  if (!inStoredWindow(t.getTime())) throw new RangeError(`instant ${Number.isNaN(t.getTime()) ? 'NaN' : t.toISOString()} lies outside 1900–2199`);
  return t.toISOString();
}
