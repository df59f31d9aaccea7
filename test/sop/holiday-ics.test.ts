// Holidays read from and written as iCalendar (src/sop/holiday-ics.ts), and what an applied feed does to the due dates
// of open tasks: Tahun Baru 2027 added by a feed moves a step created on 31 December 2026 past the long weekend.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { holidaysToIcs, MAX_ICS_DAYS, parseHolidayIcs } from '../../src/sop/holiday-ics.js';
import { changesAnything, holidayDiff, regionalHolidays } from '../../src/sop/holiday-diff.js';
import { ValidationError } from '../../src/errors.js';
import { ADMIN_TOKEN, FIXTURES, startApp, tempDir, TestClock, testDatabases } from '../helpers/app.js';

const FEED = fs.readFileSync(path.join(FIXTURES, 'holidays-2027-test-data.ics'), 'utf8');
const WITA = (local: string) => new Date(`${local}:00+08:00`).toISOString();
const calendarOf = (...events: string[]) => ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//uji//ID', ...events, 'END:VCALENDAR'].join('\r\n');
const event = (...lines: string[]) => ['BEGIN:VEVENT', ...lines, 'END:VEVENT'].join('\r\n');

/** The message of the field problem `fn` is refused with. */
function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof ValidationError) return (err.details as { fields: Array<{ message: string }> }).fields[0]?.message ?? '';
    throw err;
  }
  throw new Error('not refused');
}

t.test('the test fixture says it is test data, not the 2027 SKB', async (t) => {
  t.match(FEED, /X-WR-CALDESC:TEST DATA ONLY\. This is NOT the official 2027 list/);
  t.equal(parseHolidayIcs(FEED).length, 11);
});

t.test('a text that is not iCalendar is refused naming the line', async (t) => {
  t.equal(refusal(() => parseHolidayIcs('hello')), 'line 1: the text must begin with BEGIN:VCALENDAR');
  t.equal(refusal(() => parseHolidayIcs('BEGIN:VEVENT\r\nEND:VEVENT')), 'line 1: the text must be one BEGIN:VCALENDAR … END:VCALENDAR');
  t.equal(refusal(() => parseHolidayIcs(`${calendarOf()}\r\n${calendarOf()}`)), 'line 5: the text must be one BEGIN:VCALENDAR … END:VCALENDAR');
  t.equal(refusal(() => parseHolidayIcs('BEGIN:VCALENDAR\r\nEND:VEVENT')), 'line 2: END:VEVENT does not close BEGIN:VCALENDAR of line 1');
  t.equal(refusal(() => parseHolidayIcs(`${calendarOf()}\r\nEND:VCALENDAR`)), 'line 5: END:VCALENDAR without its BEGIN');
  t.equal(refusal(() => parseHolidayIcs('BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x\r\n')), 'line 3: BEGIN:VEVENT is never closed');
  t.equal(refusal(() => parseHolidayIcs('\r\n\r\n')), 'line 1: no BEGIN:VCALENDAR');
  t.match(refusal(() => parseHolidayIcs(calendarOf(event('UID:a', 'DTSTART;VALUE=DATE:20270101', 'RRULE:FREQ=SOMETIMES')))), /^line 7: invalid frequency/);
  t.equal(refusal(() => parseHolidayIcs(calendarOf(event('UID:a', 'DTSTART;VALUE=DATE:20270101', 'DURATION:two days')))), 'line 7: DURATION two days is not a duration');
  t.equal(refusal(() => parseHolidayIcs(calendarOf(event('UID:a', 'DTSTAMP:20271301T000000Z', 'DTSTART;VALUE=DATE:20270101')))), 'line 6: DTSTAMP is not a date-time (YYYYMMDDTHHMMSS)');
  t.equal(refusal(() => parseHolidayIcs(calendarOf(event('UID:a', 'DTSTART;VALUE=DATE:2027', 'SUMMARY:x')))), 'line 6: DTSTART 2027 is not a date (YYYYMMDD)');
  // A folded line counts where it starts; the lines after it keep their own numbers.
  t.equal(refusal(() => parseHolidayIcs(calendarOf(event('UID:a', 'SUMMARY:Tahun', ' Baru', 'DTSTART;VALUE=DATE:20271301')))), 'line 8: DTSTART 20271301 is not a date (YYYYMMDD)');
});

t.test('an event that is no usable holiday is refused naming its UID and SUMMARY', async (t) => {
  const refused = (...lines: string[]) => refusal(() => parseHolidayIcs(calendarOf(event(...lines))));
  t.equal(refused('UID:a', 'SUMMARY:Libur'), 'VEVENT UID a, SUMMARY "Libur", line 4: has no DTSTART');
  t.equal(refused('SUMMARY:Libur', 'DTSTART:20270101T010000Z'), 'VEVENT SUMMARY "Libur", line 4: not an all-day event: DTSTART needs VALUE=DATE');
  t.equal(refused('UID:a', 'DTSTART;VALUE=DATE:20270101', 'DTEND:20270102T000000Z', 'SUMMARY:x'), 'VEVENT UID a, SUMMARY "x", line 4: DTEND needs VALUE=DATE like DTSTART, and DURATION whole days');
  t.match(refused('UID:a', 'DTSTART;VALUE=DATE:20270105', 'DTEND;VALUE=DATE:20270105', 'SUMMARY:x'), /DTEND must be after DTSTART/);
  t.match(refused('UID:a', 'DTSTART;VALUE=DATE:20270101', 'DTEND;VALUE=DATE:20290101', 'SUMMARY:x'), /spans 731 days, more than 366/);
  t.match(refused('UID:a', 'DTSTART;VALUE=DATE:18991231', 'SUMMARY:x'), /lies outside 1900-01-01 … 2199-12-31/);
  t.match(refused('UID:a', 'DTSTART;VALUE=DATE:20270101'), /UID a, line 4: has no SUMMARY/);
  t.match(refused('UID:a', 'DTSTART;VALUE=DATE:20270101', `SUMMARY:${'x'.repeat(201)}`), /SUMMARY is longer than 200/);
  t.match(refused('UID:a', 'DTSTART;VALUE=DATE:20270101', 'SUMMARY:x', `CATEGORIES:${'k'.repeat(51)}`), /CATEGORIES is longer than 50/);
  t.match(refused('UID:a', 'DTSTART;VALUE=DATE:20270101', 'SUMMARY:x', 'RRULE:FREQ=DAILY'), /recurs more than 2000 times up to 2199-12-31; give its RRULE an UNTIL or a COUNT/);
  t.match(refused('UID:a', 'DTSTART;VALUE=DATE:20270101', 'DTEND;VALUE=DATE:20270301', 'SUMMARY:x', 'RRULE:FREQ=YEARLY;COUNT=40'), /expands to more than 2000 days/);
  t.match(refusal(() => parseHolidayIcs(calendarOf(event('UID:b', 'RECURRENCE-ID;VALUE=DATE:20270101', 'DTSTART;VALUE=DATE:20270102', 'SUMMARY:x')))), /UID b, SUMMARY "x", line 4: has a RECURRENCE-ID but no event with its UID recurs/);
  const basic = (i: number) => new Date(Date.UTC(2027, 0, 1 + 2 * i)).toISOString().slice(0, 10).replace(/-/g, '');
  const many = Array.from({ length: 1001 }, (_, i) => event(`UID:m${i}`, `DTSTART;VALUE=DATE:${basic(i)}`, 'DURATION:P2D', 'SUMMARY:x'));
  t.match(refusal(() => parseHolidayIcs(calendarOf(...many))), /more than 2000 days/);
  t.equal(MAX_ICS_DAYS, 2000);
});

t.test('recurrences, exceptions, cancelled and coinciding events become dated holidays', async (t) => {
  const text = calendarOf(
    event('UID:r', 'DTSTART;VALUE=DATE:20270817', 'RRULE:FREQ=YEARLY;UNTIL=20300817', 'EXDATE;VALUE=DATE:20280817', 'SUMMARY:HUT RI', 'CATEGORIES:libur-nasional'),
    event('UID:r', 'RECURRENCE-ID;VALUE=DATE:20290817', 'DTSTART;VALUE=DATE:20290818', 'SUMMARY:HUT RI (digeser)', 'STATUS:TENTATIVE'),
    event('UID:c', 'DTSTART;VALUE=DATE:20270101', 'SUMMARY:Batal', 'STATUS:CANCELLED'),
    event('UID:d1', 'DTSTART;VALUE=DATE:20270817', 'SUMMARY:Hari jadi daerah'),
    event('UID:d2', 'DTSTART;VALUE=DATE:20270817', 'SUMMARY:HUT RI', 'STATUS:TENTATIVE'),
    'BEGIN:VTODO\r\nUID:t\r\nSUMMARY:bukan libur\r\nEND:VTODO',
  );
  t.same(parseHolidayIcs(text), [
    { date: '2027-08-17', name: 'HUT RI / Hari jadi daerah', kind: 'libur-nasional', provisional: true },
    { date: '2029-08-18', name: 'HUT RI (digeser)', provisional: true }, // an override carries its own properties (RFC 5545 §3.8.4.4)
    { date: '2030-08-17', name: 'HUT RI', kind: 'libur-nasional' },
  ]);
  t.same(parseHolidayIcs(calendarOf(event('UID:k', 'DTSTART;VALUE=DATE:20270101', 'SUMMARY:x', 'CATEGORIES:a,b'))), [{ date: '2027-01-01', name: 'x', kind: 'a,b' }]);
  t.same(parseHolidayIcs(calendarOf(event('UID:e', 'DTSTART;VALUE=DATE:20270101', 'SUMMARY:kosong'), event('UID:f', 'DTSTART;VALUE=DATE:20270101', 'SUMMARY:lain', 'CATEGORIES:cuti-bersama'))), [{ date: '2027-01-01', name: 'kosong / lain', kind: 'cuti-bersama' }]);
});

t.test('an exported calendar reads back to the same holidays', async (t) => {
  const holidays = [
    { date: '2027-01-01', name: 'Tahun Baru, 2027; "Masehi"', kind: 'libur-nasional' },
    { date: '2027-03-10', name: 'Idul Fitri', kind: 'a,b', provisional: true },
    { date: '2027-08-17', name: 'HUT RI' },
  ];
  const ics = holidaysToIcs({ id: 'wib', name: 'WIB', timeZone: 'Asia/Jakarta', updatedAt: '2026-11-01T00:00:00.000Z' }, holidays);
  t.match(ics, /^BEGIN:VCALENDAR\r\nPRODID:-\/\/SOP BPMN service\/\/Hari Libur\/\/ID\r\nVERSION:2\.0\r\n/);
  t.match(ics, /UID:2027-03-10-wib@sop-bpmn\r\nDTSTAMP:20261101T000000Z\r\nDTSTART;VALUE=DATE:20270310\r\nDTEND;VALUE=DATE:20270311\r\n/);
  t.same(parseHolidayIcs(ics), holidays);
  t.equal(changesAnything(holidayDiff(holidays, parseHolidayIcs(ics))), false);
});

t.test('a diff compares by date, and a region stores what it counts on as its own days and removed ones', async (t) => {
  const diff = holidayDiff([{ date: '2027-01-01', name: 'a', provisional: false }, { date: '2027-01-02', name: 'b' }, { date: '2027-01-03', name: 'c', kind: 'x' }], [
    { date: '2027-01-03', name: 'c', kind: 'y' },
    { date: '2027-01-01', name: 'a' },
    { date: '2027-01-04', name: 'd' },
  ]);
  t.same(diff, {
    added: [{ date: '2027-01-04', name: 'd' }],
    removed: [{ date: '2027-01-02', name: 'b' }],
    changed: [{ date: '2027-01-03', name: 'c', kind: 'y', previous: { date: '2027-01-03', name: 'c', kind: 'x' } }],
    unchanged: [{ date: '2027-01-01', name: 'a' }],
  });
  t.same(regionalHolidays([{ date: '2027-01-01', name: 'a' }, { date: '2027-01-03', name: 'c2' }, { date: '2027-05-05', name: 'daerah' }], [{ date: '2027-01-01', name: 'a' }, { date: '2027-01-02', name: 'b' }, { date: '2027-01-03', name: 'c' }]), {
    holidays: [{ date: '2027-01-03', name: 'c2' }, { date: '2027-05-05', name: 'daerah' }],
    removed: ['2027-01-02'],
  });
});

for (const database of await testDatabases()) {
  t.test(`[${database}] an applied feed that adds Tahun Baru 2027 moves open tasks past it, not completed ones`, async (t) => {
    const dir = tempDir(t);
    fs.copyFileSync(path.join(FIXTURES, 'two-step.bpmn'), path.join(dir, 'two-step.bpmn'));
    // Thursday 31 December 2026, 15:55 WITA: the 15-minute step would fall due on Friday 1 January at 07:40.
    const clock = new TestClock(new Date(WITA('2026-12-31T15:55')));
    const app = await startApp(t, { database, processesDir: dir, clock, app: { calendarRefreshMs: 0 } });
    const staff = await app.user(['uji/staf', 'uji/kepala']);
    const tasksOf = async (id: string) => (await app.call('GET', `/tasks?instanceId=${id}&status=open,claimed,completed`, ADMIN_TOKEN)).json().items as Array<{ id: string; status: string; dueAt: string }>;
    const start = async () => (await app.call('POST', '/definitions/uji-dua-langkah/instances', staff.token, {})).json().id as string;
    const a = await start();
    const b = await start();
    const [first] = await tasksOf(a);
    t.equal(first?.dueAt, WITA('2027-01-01T07:40'), 'no 2027 holidays yet');
    clock.set(WITA('2026-12-31T15:57'));
    t.equal((await app.call('POST', `/tasks/${first?.id}/complete`, staff.token, { documents: [{ name: 'Surat Permohonan' }], output: [{ name: 'Agenda' }] })).statusCode, 200);
    t.equal((await tasksOf(a)).find((x) => x.status === 'open')?.dueAt, WITA('2027-01-01T15:57'), 'P1D: Friday at the same office-clock time');

    // The calendar's own export with the test feed's events added: nothing removed, eleven days added.
    const exported = (await app.call('GET', '/calendars/wita/holidays.ics', ADMIN_TOKEN)).body;
    const events = FEED.slice(FEED.indexOf('BEGIN:VEVENT'), FEED.lastIndexOf('END:VCALENDAR'));
    const feed = exported.replace('END:VCALENDAR', `${events}END:VCALENDAR`);
    const applied = await app.call('PUT', '/calendars/wita/holidays?apply=true', ADMIN_TOKEN, feed, { 'content-type': 'text/calendar; charset=utf-8' });
    t.equal(applied.statusCode, 200, applied.body);
    t.match(applied.json(), { applied: true, removed: [], changed: [] });
    t.equal(applied.json().added.length, 11);

    t.equal((await tasksOf(b))[0]?.dueAt, WITA('2027-01-04T07:40'), 'PT15M: Monday 4 January 07:40');
    const afterA = await tasksOf(a);
    t.equal(afterA.find((x) => x.status === 'completed')?.dueAt, WITA('2027-01-01T07:40'), 'the completed step keeps its due date');
    t.equal(afterA.find((x) => x.status === 'open')?.dueAt, WITA('2027-01-04T15:57'), 'P1D: Monday at the same time');
    const trail = (await app.call('GET', `/audit/instances/${b}`, ADMIN_TOKEN)).json().events as Array<{ type: string; dueAt?: unknown }>;
    t.match(trail.filter((e) => e.type === 'task.rescheduled'), [{ dueAt: { from: WITA('2027-01-01T07:40'), to: WITA('2027-01-04T07:40') } }]);
    t.match((await app.call('GET', '/audit/verify', ADMIN_TOKEN)).json(), { ok: true });
  });
}
