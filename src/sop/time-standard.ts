// Turns an SOP sheet's waktu text into an ISO 8601 duration, and an ISO duration into a due time on a working calendar.
import { MAX_STANDARD_MS } from './date-window.js';
import { addWorkingDays, addWorkingTime, workingTimeBetween, type WorkingCalendar } from './working-calendar.js';

/** A time standard as the sheet wrote it and as the BPMN carries it. */
export interface ParsedWaktu {
  text: string;
  iso: string;
}

/** An ISO duration split the way the calendar applies it: office days first, then working milliseconds. */
export interface IsoDurationParts {
  days: number;
  ms: number;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

// Sheets write "1 (satu) hari", "± 15 menit", "maks. 2 jam", "1 s.d. 2 hari"; the spelled-out number and the qualifier add nothing.
const WAKTU =
  /^(?:±|\+\/-|kurang lebih|lebih kurang|maks(?:\.|imal)?|paling lama)?\s*(\d+)(?:\s*(?:-|–|s\.?\s?d\.?|sampai(?: dengan)?)\s*(\d+))?\s*(detik|menit|jam|hari(?: kerja)?)$/;

function timeIso(totalSeconds: number): string {
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = totalSeconds % 60;
  return `PT${h ? `${h}H` : ''}${m ? `${m}M` : ''}${s ? `${s}S` : ''}`;
}

/**
 * Reads the waktu column of an SOP sheet ("15 Menit", "1 Jam", "1-2 hari", "3 hari kerja", "1 (satu) hari").
 * A range keeps its text and uses its upper bound ("4-5 Hari" → P5D); "hari" and "hari kerja" both mean office days.
 * Returns null for blank text, for a zero amount and for anything it cannot read: the caller decides whether that is an error.
 */
export function parseWaktu(text: string): ParsedWaktu | null {
  const trimmed = text.trim();
  const normal = trimmed
    .toLowerCase()
    .replace(/\([^)]*\)/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const m = WAKTU.exec(normal);
  if (!m) return null;
  const amount = Math.max(Number(m[1]), Number(m[2] ?? 0));
  if (amount === 0) return null;
  const unit = m[3] as string;
  if (unit.startsWith('hari')) return { text: trimmed, iso: `P${amount}D` };
  const seconds = amount * (unit === 'jam' ? 3600 : unit === 'menit' ? 60 : 1);
  return { text: trimmed, iso: timeIso(seconds) };
}

const ISO = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

/**
 * Splits an ISO 8601 duration of days, hours, minutes and whole seconds (P1D, PT30M, P1DT2H) into office days and
 * working milliseconds. Returns undefined for anything else: years, months and weeks (their length in office days
 * is a policy this service does not guess), fractions, signs, and empty forms such as `P` or `P1DT`.
 * Days and hours do not convert into each other: PT24H is 24 working hours, about three office days.
 */
export function parseIsoDuration(iso: string): IsoDurationParts | undefined {
  const m = ISO.exec(iso);
  if (!m || iso === 'P' || iso.endsWith('T')) return undefined;
  const [, d, h, min, s] = m.map((x) => Number(x ?? 0));
  return { days: d as number, ms: (h as number) * HOUR + (min as number) * MINUTE + (s as number) * SECOND };
}

/**
 * Why `iso` cannot be a time standard, in English, or undefined when it can: it must be a duration `parseIsoDuration`
 * reads, of at most one year as nominal time (days of 24 hours plus the time part: P365D, PT8760H), the contract's
 * bound that keeps every due date inside the window of stored dates.
 */
export function standardProblem(iso: string): string | undefined {
  const parts = parseIsoDuration(iso);
  if (!parts) return `duration '${iso}' must be an ISO 8601 duration in days, hours, minutes or seconds (e.g. PT30M, P1D)`;
  if (parts.days * 24 * HOUR + parts.ms > MAX_STANDARD_MS) return `duration '${iso}' is longer than one year (at most P365D or PT8760H)`;
  return undefined;
}

/**
 * When a step whose clock started at `clockStart` is due: the days part with `addWorkingDays` (same office-clock
 * time N working days later), then the time part with `addWorkingTime`. A zero duration is due at `clockStart`.
 * Throws a RangeError for a duration `standardProblem` refuses; definitions are checked for that when deployed.
 */
export function dueAt(cal: WorkingCalendar, clockStart: Date, iso: string): Date {
  const problem = standardProblem(iso);
  if (problem) throw new RangeError(problem);
  const parts = parseIsoDuration(iso) as IsoDurationParts;
  const afterDays = parts.days > 0 ? addWorkingDays(cal, clockStart, parts.days) : clockStart;
  return addWorkingTime(cal, afterDays, parts.ms);
}

/** The working time a step is allowed: from its clock start to its due time, measured like its actual duration. */
export function standardMs(cal: WorkingCalendar, clockStart: Date, iso: string): number {
  return workingTimeBetween(cal, clockStart, dueAt(cal, clockStart, iso));
}
