// ISO 8601 dates and date-times as the API accepts them: of days that exist, never rolled over as Date.parse does.

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** Whether `date` (YYYY-MM-DD) names a day of the Gregorian calendar: 2026-02-30 does not, 2028-02-29 does. */
export function isExistingDay(date: string): boolean {
  const m = DAY.exec(date);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const at = new Date(Date.UTC(year, month - 1, day));
  // Date.UTC maps years 0-99 to 1900-1999; setUTCFullYear puts them back where they were written.
  at.setUTCFullYear(year);
  return at.getUTCFullYear() === year && at.getUTCMonth() === month - 1 && at.getUTCDate() === day;
}

/**
 * Whether `value` is an ISO 8601 date-time with a zone (`Z` or `±hh:mm`), e.g. 2026-01-05T09:00:00+07:00, on a
 * day that exists (its written date, before the zone is applied) and at a time Date.parse accepts.
 */
export function isIsoDateTime(value: string): boolean {
  return DATE_TIME.test(value) && isExistingDay(value.slice(0, 10)) && !Number.isNaN(Date.parse(value));
}
