// Holidays as iCalendar (RFC 5545) through ical.js: a feed read into dated holidays, and a calendar's holidays written
// as a VCALENDAR of all-day events that a calendar app subscribes to.
import ICAL from 'ical.js';
import { ValidationError } from '../errors.js';
import type { CalendarHoliday } from './calendar-resolve.js';
import { WINDOW_END_MS, WINDOW_START_MS } from './date-window.js';

/** The most days one import may hold: the most holidays `PUT /calendars/:id` takes. */
export const MAX_ICS_DAYS = 2000;
/** The longest single event, in days (a multi-day holiday such as a cuti bersama block). */
export const MAX_EVENT_DAYS = 366;
/** PRODID of the exported calendars (RFC 5545 §3.7.3). */
export const ICS_PRODID = '-//SOP BPMN service//Hari Libur//ID';

const DAY_MS = 86_400_000;
const FIRST_DATE = new Date(WINDOW_START_MS).toISOString().slice(0, 10);
const LAST_DATE = new Date(WINDOW_END_MS - DAY_MS).toISOString().slice(0, 10);

/** A jCal component as ical.js builds it: `[name, properties, components]`. */
type JCal = [string, unknown[], JCal[]];

interface ContentLine {
  /** 1-based number of the line's first physical line (folded lines continue it, RFC 5545 §3.1). */
  line: number;
  text: string;
}

/** The refusal of a text that is not iCalendar, naming the line. */
function lineError(line: number, message: string): ValidationError {
  return new ValidationError(`invalid iCalendar: line ${line}: ${message}`, [{ name: 'body', message: `line ${line}: ${message}` }]);
}

/** The content lines of `text`, unfolded, each with the number of the physical line it starts on. */
function contentLines(text: string): ContentLine[] {
  const out: ContentLine[] = [];
  text.split(/\r?\n/).forEach((physical, index) => {
    const last = out[out.length - 1];
    if ((physical.startsWith(' ') || physical.startsWith('\t')) && last) last.text += physical.slice(1);
    else if (physical.trim() !== '') out.push({ line: index + 1, text: physical });
  });
  return out;
}

const dateExists = (v: string): boolean => {
  const t = Date.parse(`${v}T00:00:00Z`);
  return /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(t) && new Date(t).toISOString().startsWith(v);
};

/** Why a parsed property's value is malformed (ical.js keeps `20271301` as `2027-13-01` and rolls it over later). */
function valueProblem(property: unknown[]): string | undefined {
  const [name, , type, ...values] = property as [string, unknown, string, ...unknown[]];
  for (const text of values) {
    if (typeof text !== 'string') continue;
    if (type === 'date' && !dateExists(text)) return `${name.toUpperCase()} ${text.replace(/-/g, '')} is not a date (YYYYMMDD)`;
    if (type === 'date-time' && !(dateExists(text.slice(0, 10)) && /^.{10}T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(Z)?$/.test(text))) return `${name.toUpperCase()} is not a date-time (YYYYMMDDTHHMMSS)`;
    if (type === 'duration' && !/^[+-]?P(\d+W|(\d+D)?(T(\d+H)?(\d+M)?(\d+S)?)?)$/.test(text)) return `${name.toUpperCase()} ${text} is not a duration`;
  }
  return undefined;
}

/** The one VCALENDAR of `text` as jCal, with the line each component begins on. Throws ValidationError naming the line. */
function readCalendar(text: string): { jcal: JCal; lines: WeakMap<JCal, number> } {
  const root: JCal[] = [];
  const stack: JCal[] = [];
  const lines = new WeakMap<JCal, number>();
  for (const { line, text: content } of contentLines(text)) {
    const marker = /^(BEGIN|END):(.+)$/i.exec(content.trim());
    if (marker) {
      const name = (marker[2] as string).trim().toLowerCase();
      if ((marker[1] as string).toUpperCase() === 'BEGIN') {
        const component: JCal = [name, [], []];
        if (stack.length === 0 && (root.length > 0 || name !== 'vcalendar')) throw lineError(line, 'the text must be one BEGIN:VCALENDAR … END:VCALENDAR');
        (stack.length === 0 ? root : (stack[stack.length - 1] as JCal)[2]).push(component);
        stack.push(component);
        lines.set(component, line);
        continue;
      }
      const open = stack.pop();
      if (!open) throw lineError(line, `END:${name.toUpperCase()} without its BEGIN`);
      if (open[0] !== name) throw lineError(line, `END:${name.toUpperCase()} does not close BEGIN:${open[0].toUpperCase()} of line ${lines.get(open)}`);
      continue;
    }
    const parent = stack[stack.length - 1];
    if (!parent) throw lineError(line, 'the text must begin with BEGIN:VCALENDAR');
    let property: unknown[];
    try {
      property = ICAL.parse.property(content, ICAL.design.icalendar) as unknown[];
    } catch (err) {
      throw lineError(line, (err as Error).message);
    }
    const problem = valueProblem(property);
    if (problem) throw lineError(line, problem);
    parent[1].push(property);
  }
  const unclosed = stack[stack.length - 1];
  if (unclosed) throw lineError(lines.get(unclosed) as number, `BEGIN:${unclosed[0].toUpperCase()} is never closed`);
  if (!root[0]) throw lineError(1, 'no BEGIN:VCALENDAR');
  return { jcal: root[0], lines };
}

/** The refusal of an event that is iCalendar but no holiday this service can keep, naming it by UID, SUMMARY and line. */
function eventError(event: ICAL.Component, line: number, message: string): ValidationError {
  const uid = event.getFirstPropertyValue('uid');
  const summary = event.getFirstPropertyValue('summary');
  const name = [uid ? `UID ${String(uid)}` : undefined, summary ? `SUMMARY "${String(summary)}"` : undefined, `line ${line}`].filter(Boolean).join(', ');
  return new ValidationError(`invalid holiday event (${name}): ${message}`, [{ name: 'body', message: `VEVENT ${name}: ${message}` }]);
}

const isoDate = (t: ICAL.Time): string => `${String(t.year).padStart(4, '0')}-${String(t.month).padStart(2, '0')}-${String(t.day).padStart(2, '0')}`;
const addDays = (date: string, days: number): string => new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/** The dates an all-day occurrence covers, DTEND exclusive (RFC 5545 §3.6.1: no DTEND and no DURATION is one day). */
function occurrenceDates(start: ICAL.Time, end: ICAL.Time, fail: (message: string) => ValidationError): string[] {
  if (!start.isDate) throw fail('not an all-day event: DTSTART needs VALUE=DATE');
  if (!end.isDate) throw fail('DTEND needs VALUE=DATE like DTSTART, and DURATION whole days');
  const first = isoDate(start);
  const days = Math.round((Date.parse(`${isoDate(end)}T00:00:00Z`) - Date.parse(`${first}T00:00:00Z`)) / DAY_MS);
  if (days < 1) throw fail('DTEND must be after DTSTART (DTEND is exclusive)');
  if (days > MAX_EVENT_DAYS) throw fail(`spans ${days} days, more than ${MAX_EVENT_DAYS}`);
  const dates = Array.from({ length: days }, (_, i) => addDays(first, i));
  if (first < FIRST_DATE || (dates[dates.length - 1] as string) > LAST_DATE) throw fail(`lies outside ${FIRST_DATE} … ${LAST_DATE}`);
  return dates;
}

/** A holiday from one occurrence's own properties (an overridden occurrence may rename it). */
function holidayOf(item: ICAL.Event, fail: (message: string) => ValidationError): Omit<CalendarHoliday, 'date'> | undefined {
  const status = String(item.component.getFirstPropertyValue('status') ?? '').toUpperCase();
  if (status === 'CANCELLED') return undefined;
  const name = String(item.summary ?? '').trim();
  if (name === '') throw fail('has no SUMMARY (the holiday\'s name)');
  if (name.length > 200) throw fail('SUMMARY is longer than 200 characters');
  const kind = item.component.getAllProperties('categories').flatMap((p) => p.getValues().map(String)).join(',').trim();
  if (kind.length > 50) throw fail('CATEGORIES is longer than 50 characters');
  return { name, ...(kind ? { kind } : {}), ...(status === 'TENTATIVE' ? { provisional: true } : {}) };
}

/** Every day of one event (its recurrences expanded up to the window's end, exceptions applied). */
function eventHolidays(master: ICAL.Event, line: number): CalendarHoliday[] {
  const fail = (message: string): ValidationError => eventError(master.component, line, message);
  if (!master.component.hasProperty('dtstart')) throw fail('has no DTSTART');
  const out: CalendarHoliday[] = [];
  const add = (item: ICAL.Event, start: ICAL.Time, end: ICAL.Time): void => {
    const dates = occurrenceDates(start, end, fail);
    const holiday = holidayOf(item, fail);
    if (holiday) out.push(...dates.map((date) => ({ date, ...holiday })));
    if (out.length > MAX_ICS_DAYS) throw fail(`expands to more than ${MAX_ICS_DAYS} days up to ${LAST_DATE}; give its RRULE an UNTIL or a COUNT`);
  };
  if (!master.isRecurring()) {
    add(master, master.startDate, master.endDate);
    return out;
  }
  const iterator = master.iterator();
  for (let next = iterator.next(), n = 0; next && isoDate(next) <= LAST_DATE; next = iterator.next(), n++) {
    if (n >= MAX_ICS_DAYS) throw fail(`recurs more than ${MAX_ICS_DAYS} times up to ${LAST_DATE}; give its RRULE an UNTIL or a COUNT`);
    const details = master.getOccurrenceDetails(next);
    add(details.item, details.startDate, details.endDate);
  }
  return out;
}

/** Several events on one date become one holiday: names joined with " / ", provisional when any is. */
function merge(days: readonly CalendarHoliday[]): CalendarHoliday[] {
  const byDate = new Map<string, CalendarHoliday>();
  for (const day of days) {
    const seen = byDate.get(day.date);
    if (!seen) byDate.set(day.date, { ...day });
    else {
      if (!seen.name.split(' / ').includes(day.name)) seen.name = `${seen.name} / ${day.name}`;
      if (seen.kind === undefined && day.kind !== undefined) seen.kind = day.kind;
      if (day.provisional) seen.provisional = true;
    }
  }
  return [...byDate.values()].sort((a, b) => a.date.localeCompare(b.date));
}

/**
 * The holidays an iCalendar text names: every VEVENT an all-day event (DTSTART;VALUE=DATE), its days from DTSTART up
 * to the exclusive DTEND (or DURATION), a recurring one (RRULE, RDATE, EXDATE, RECURRENCE-ID overrides) expanded up
 * to 2199-12-31, the end of the stored window (date-window.ts). SUMMARY is the name, CATEGORIES the kind,
 * STATUS:TENTATIVE marks it provisional and STATUS:CANCELLED leaves it out; other components are ignored.
 * Throws ValidationError naming `line N` where the text is not iCalendar, or the event (UID, SUMMARY) that is no
 * usable holiday, or when the days exceed MAX_ICS_DAYS.
 */
export function parseHolidayIcs(text: string): CalendarHoliday[] {
  const { jcal, lines } = readCalendar(text);
  const calendar = new ICAL.Component(jcal);
  const vevents = calendar.getAllSubcomponents('vevent');
  const lineOf = (c: ICAL.Component): number => lines.get(c.jCal as JCal) as number;
  const masters = vevents.filter((v) => !v.hasProperty('recurrence-id')).map((v) => new ICAL.Event(v));
  for (const exception of vevents.filter((v) => v.hasProperty('recurrence-id'))) {
    const master = masters.find((m) => m.uid === exception.getFirstPropertyValue('uid'));
    if (!master) throw eventError(exception, lineOf(exception), 'has a RECURRENCE-ID but no event with its UID recurs');
    master.relateException(new ICAL.Event(exception));
  }
  const days = masters.flatMap((m) => eventHolidays(m, lineOf(m.component)));
  const merged = merge(days);
  if (merged.length > MAX_ICS_DAYS) throw new ValidationError(`the calendar names ${merged.length} days, more than ${MAX_ICS_DAYS}`, [{ name: 'body', message: `more than ${MAX_ICS_DAYS} days` }]);
  return merged;
}

const icsDate = (date: string): ICAL.Time => ICAL.Time.fromDateString(date);

/** The stable UID of a calendar's holiday on a date: a subscribed app updates the same event when its name changes. */
export function holidayUid(calendarId: string, date: string): string {
  return `${date}-${calendarId}@sop-bpmn`;
}

/**
 * A calendar's holidays as an RFC 5545 VCALENDAR: one all-day VEVENT per date (DTSTART/DTEND;VALUE=DATE, DTEND the
 * next day), UID from calendar and date, DTSTAMP the calendar's last change (so the same data gives the same text),
 * kind as CATEGORIES, provisional as STATUS:TENTATIVE. parseHolidayIcs reads it back to the same holidays.
 */
export function holidaysToIcs(calendar: { id: string; name: string; timeZone: string; updatedAt: string }, holidays: readonly CalendarHoliday[]): string {
  const vcalendar = new ICAL.Component('vcalendar');
  vcalendar.addPropertyWithValue('prodid', ICS_PRODID);
  vcalendar.addPropertyWithValue('version', '2.0');
  vcalendar.addPropertyWithValue('calscale', 'GREGORIAN');
  vcalendar.addPropertyWithValue('method', 'PUBLISH');
  vcalendar.addPropertyWithValue('x-wr-calname', `Hari libur: ${calendar.name}`);
  vcalendar.addPropertyWithValue('x-wr-timezone', calendar.timeZone);
  const stamp = ICAL.Time.fromJSDate(new Date(calendar.updatedAt), true);
  for (const h of holidays) {
    const event = new ICAL.Component('vevent');
    event.addPropertyWithValue('uid', holidayUid(calendar.id, h.date));
    event.addPropertyWithValue('dtstamp', stamp);
    event.addPropertyWithValue('dtstart', icsDate(h.date));
    event.addPropertyWithValue('dtend', icsDate(addDays(h.date, 1)));
    event.addPropertyWithValue('summary', h.name);
    if (h.kind) event.addProperty(categories(h.kind));
    event.addPropertyWithValue('status', h.provisional ? 'TENTATIVE' : 'CONFIRMED');
    event.addPropertyWithValue('transp', 'TRANSPARENT');
    vcalendar.addSubcomponent(event);
  }
  return `${vcalendar.toString()}\r\n`;
}

/** CATEGORIES holding the kind as its values (a kind with a comma is several categories, joined again on import). */
function categories(kind: string): ICAL.Property {
  const property = new ICAL.Property('categories');
  property.setValues(kind.split(','));
  return property;
}
