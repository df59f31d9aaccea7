// Holidays as iCalendar through the API: a feed answers its difference against the calendar and changes it only with
// apply=true (audited); the export is a valid VCALENDAR that imports back to no change, for a national and a regional
// calendar; a broken feed answers 400 naming its line, a non-admin 403, another content type 415.
import fs from 'node:fs';
import path from 'node:path';
import ICAL from 'ical.js';
import t from 'tap';
import { ADMIN_TOKEN, FIXTURES, startApp, testDatabases, type TestApp } from '../helpers/app.js';

const FEED = fs.readFileSync(path.join(FIXTURES, 'holidays-2027-test-data.ics'), 'utf8');
const ICS = { 'content-type': 'text/calendar' };
const FEED_DATES = ['2027-01-01', '2027-02-06', '2027-03-10', '2027-03-11', '2027-03-12', '2027-03-13', '2027-03-14', '2027-05-01', '2027-08-17', '2027-12-25', '2028-05-01'];

interface Holiday {
  date: string;
  name: string;
  kind?: string;
  provisional?: boolean;
}
interface Diff {
  calendar: string;
  applied: boolean;
  years: number[];
  added: Holiday[];
  removed: Holiday[];
  changed: Array<Holiday & { previous: Holiday }>;
  unchanged: Holiday[];
}

const holidaysOf = async (app: TestApp, id: string): Promise<Holiday[]> =>
  (await app.call('GET', '/calendars', ADMIN_TOKEN)).json().items.find((c: { id: string }) => c.id === id).holidays;
const put = (app: TestApp, id: string, body: string, query = '', token = ADMIN_TOKEN, headers: Record<string, string> = ICS) =>
  app.call('PUT', `/calendars/${id}/holidays${query}`, token, body, headers);

for (const database of await testDatabases()) {
  t.test(`[${database}] a feed answers its difference, and changes the calendar only with apply=true`, async (t) => {
    const app = await startApp(t, { database });
    const before = await holidaysOf(app, 'wita');
    t.ok(before.length > 0 && before.every((h) => h.date.startsWith('2026')), 'seeded with the 2026 holidays');

    const preview = await put(app, 'wita', FEED);
    t.equal(preview.statusCode, 200, preview.body);
    const diff = preview.json() as Diff;
    t.equal(diff.applied, false);
    t.same(diff.added.map((h) => h.date), FEED_DATES, 'multi-day events (DTEND, DURATION) and a yearly RRULE expand to days');
    t.match(diff.added, [
      { date: '2027-01-01', name: 'Tahun Baru 2027 Masehi (uji)', kind: 'libur-nasional' },
      { date: '2027-02-06', provisional: true },
      { date: '2027-03-10', name: 'Idul Fitri 1448 Hijriah (uji)' },
    ]);
    t.same(diff.years, [2027, 2028], 'the years the feed has events in');
    t.same(diff.removed, [], 'by default a feed replaces only its own years: 2026 stays');
    t.same(diff.changed, []);
    t.same(diff.unchanged, []);
    const whole = (await put(app, 'wita', FEED, '?scope=all')).json() as Diff;
    t.same(whole.removed.map((h) => h.date), before.map((h) => h.date).sort(), 'scope=all: the feed replaces every year, so 2026 would go');
    t.same(await holidaysOf(app, 'wita'), before, 'a preview changes nothing');

    const applied = await put(app, 'wita', FEED, '?apply=true');
    t.equal(applied.statusCode, 200, applied.body);
    t.match(applied.json(), { applied: true, years: [2027, 2028], added: diff.added, removed: [] });
    t.same((await holidaysOf(app, 'wita')).map((h) => h.date), [...before.map((h) => h.date), ...FEED_DATES].sort());
    const events = (await app.call('GET', '/audit/events?type=calendar.updated', ADMIN_TOKEN)).json().items;
    t.match(events.at(-1), { type: 'calendar.updated', data: { calendar: 'wita', source: 'ics', scope: 'years', years: [2027, 2028], holidaysChanged: { added: 11, removed: 0, changed: 0 } } });
    t.match((await app.call('GET', '/audit/verify', ADMIN_TOKEN)).json(), { ok: true });

    const again = await put(app, 'wita', FEED, '?apply=true');
    t.match(again.json(), { applied: false, added: [], removed: [], changed: [] }, 'the same feed again changes nothing');
    t.equal((await app.call('GET', '/audit/events?type=calendar.updated', ADMIN_TOKEN)).json().items.length, events.length, 'and writes no event');

    const renamed = await put(app, 'wita', FEED.replace('SUMMARY:Hari Kemerdekaan Republik Indonesia (uji)', 'SUMMARY:HUT RI (uji)'));
    t.match(renamed.json().changed, [{ date: '2027-08-17', name: 'HUT RI (uji)', previous: { name: 'Hari Kemerdekaan Republik Indonesia (uji)' } }]);
  });

  t.test(`[${database}] the export is a VCALENDAR of all-day events that imports back to no change`, async (t) => {
    const app = await startApp(t, { database });
    const res = await app.call('GET', '/calendars/wib/holidays.ics', ADMIN_TOKEN);
    t.equal(res.statusCode, 200, res.body);
    t.match(res.headers['content-type'], /^text\/calendar; charset=utf-8/);
    t.ok(res.body.includes('\r\n'), 'lines end in CRLF');
    const vcalendar = new ICAL.Component(ICAL.parse(res.body) as unknown[]);
    t.equal(vcalendar.name, 'vcalendar');
    t.equal(vcalendar.getFirstPropertyValue('version'), '2.0');
    t.match(String(vcalendar.getFirstPropertyValue('prodid')), /SOP BPMN service/);
    const vevents = vcalendar.getAllSubcomponents('vevent');
    const holidays = await holidaysOf(app, 'wib');
    t.equal(vevents.length, holidays.length);
    for (const vevent of vevents) {
      const start = vevent.getFirstProperty('dtstart');
      t.equal(start?.type, 'date', 'DTSTART;VALUE=DATE');
      t.equal(vevent.getFirstProperty('dtend')?.type, 'date');
      t.match(String(vevent.getFirstPropertyValue('uid')), /^\d{4}-\d{2}-\d{2}-wib@sop-bpmn$/);
      t.ok(vevent.getFirstPropertyValue('dtstamp'));
    }
    t.equal(new Set(vevents.map((v) => v.getFirstPropertyValue('uid'))).size, vevents.length, 'one UID per day');
    t.equal((await app.call('GET', '/calendars/wib/holidays.ics', ADMIN_TOKEN)).body, res.body, 'the same data gives the same text');
    const staff = await app.user(['uji/staf']);
    t.equal((await app.call('GET', '/calendars/wib/holidays.ics', staff.token)).statusCode, 200, 'any user reads it');

    const back = await put(app, 'wib', res.body, '?apply=true');
    t.equal(back.statusCode, 200, back.body);
    t.match(back.json(), { applied: false, added: [], removed: [], changed: [] });
    t.equal(back.json().unchanged.length, holidays.length);
    t.same(await holidaysOf(app, 'wib'), holidays);

    // A regional calendar: it exports what it counts on, and that feed imported again changes nothing either.
    const created = await app.call('POST', '/calendars', ADMIN_TOKEN, {
      id: 'bkd-ntb',
      name: 'Kalender BKD NTB',
      inherits: 'wita',
      unit: 'bkd-ntb',
      holidays: [{ date: '2026-08-20', name: 'Hari jadi daerah (uji)', kind: 'libur-daerah' }],
      removed: ['2026-12-24'],
    });
    t.equal(created.statusCode, 201, created.body);
    const regional = (await app.call('GET', '/calendars/bkd-ntb/holidays.ics', ADMIN_TOKEN)).body;
    t.ok(regional.includes('SUMMARY:Hari jadi daerah (uji)') && regional.includes('DTSTART;VALUE=DATE:20260101') && !regional.includes('DTSTART;VALUE=DATE:20261224'), 'the parent\'s days, its own, not the removed');
    t.match((await put(app, 'bkd-ntb', regional, '?apply=true')).json(), { applied: false, added: [], removed: [], changed: [] });

    // Dropping a parent's day and adding one in the feed: the region removes the one and owns the other.
    const edited = regional.replace(/BEGIN:VEVENT\r\nUID:2026-01-01-bkd-ntb[\s\S]*?END:VEVENT\r\n/, '').replace('SUMMARY:Hari jadi daerah (uji)', 'SUMMARY:Hari jadi daerah ke-50 (uji)');
    const change = await put(app, 'bkd-ntb', edited, '?apply=true');
    t.match(change.json(), { applied: true, added: [], removed: [{ date: '2026-01-01' }], changed: [{ date: '2026-08-20', name: 'Hari jadi daerah ke-50 (uji)' }] });
    const stored = (await app.call('GET', '/calendars', ADMIN_TOKEN)).json().items.find((c: { id: string }) => c.id === 'bkd-ntb');
    t.same(stored.removed, ['2026-01-01', '2026-12-24']);
    t.same(stored.holidays, [{ date: '2026-08-20', name: 'Hari jadi daerah ke-50 (uji)', kind: 'libur-daerah' }]);
    t.match((await put(app, 'bkd-ntb', (await app.call('GET', '/calendars/bkd-ntb/holidays.ics', ADMIN_TOKEN)).body)).json(), { added: [], removed: [], changed: [] });
  });

  t.test(`[${database}] a broken feed answers 400 naming the line or the event; others 403, 404, 415`, async (t) => {
    const app = await startApp(t, { database });
    const broken = FEED.replace('DTSTART;VALUE=DATE:20270206', 'DTSTART;VALUE=DATE:20270230');
    const bad = await put(app, 'wita', broken, '?apply=true');
    t.equal(bad.statusCode, 400, bad.body);
    t.match(bad.json(), { code: 'SOP_ERR_VALIDATION', message: /line 21/, details: { fields: [{ name: 'body', message: /^line 21: DTSTART 20270230 is not a date/ }] } });
    const noColon = await put(app, 'wita', FEED.replace('SUMMARY:Tahun Baru Imlek (uji)', 'SUMMARY Tahun Baru Imlek'));
    t.match(noColon.json(), { statusCode: 400, details: { fields: [{ message: /^line 22: invalid line/ }] } });
    const timed = await put(app, 'wita', FEED.replace('DTSTART;VALUE=DATE:20270817', 'DTSTART:20270817T080000Z'));
    t.match(timed.json(), { statusCode: 400, message: /UID test-2027-kemerdekaan@sop-bpmn-test, SUMMARY "Hari Kemerdekaan Republik Indonesia \(uji\)"/ });
    t.match(timed.json().details.fields[0].message, /not an all-day event/);
    t.same((await holidaysOf(app, 'wita')).every((h) => h.date.startsWith('2026')), true, 'nothing applied');

    const staff = await app.user(['uji/staf']);
    const owner = await app.user(['owner:uji']);
    t.equal((await put(app, 'wita', FEED, '?apply=true', staff.token)).statusCode, 403);
    t.match((await put(app, 'wita', FEED, '', owner.token)).json(), { statusCode: 403, code: 'SOP_ERR_FORBIDDEN' }, 'a national calendar is the admin\'s');
    t.equal((await put(app, 'wita', FEED, '', '')).statusCode, 401);
    t.equal((await put(app, 'nowhere', FEED)).statusCode, 404);
    t.equal((await app.call('GET', '/calendars/nowhere/holidays.ics', ADMIN_TOKEN)).statusCode, 404);
    const json = await put(app, 'wita', JSON.stringify({ holidays: [] }), '', ADMIN_TOKEN, { 'content-type': 'application/json' });
    t.match(json.json(), { statusCode: 415, code: 'SOP_ERR_UNSUPPORTED_MEDIA', message: /text\/calendar/ });
    t.equal((await put(app, 'wita', FEED, '', ADMIN_TOKEN, { 'content-type': 'text/plain' })).statusCode, 415);
    t.match((await app.call('PUT', '/calendars/wita/holidays', ADMIN_TOKEN)).json(), { statusCode: 415, message: /not 'no content type'/ });
    t.equal((await put(app, 'wita', FEED, '', ADMIN_TOKEN, { 'content-type': 'Text/Calendar; charset=utf-8' })).statusCode, 200, 'the media type in any case, with parameters');
    // A unit's calendar is also its owners' to import into, not another unit's.
    t.equal((await app.call('POST', '/calendars', ADMIN_TOKEN, { id: 'bkd-ntb', name: 'Kalender BKD NTB', inherits: 'wita', unit: 'bkd-ntb' })).statusCode, 201);
    const unitOwner = await app.user(['owner:bkd-ntb']);
    t.match((await put(app, 'bkd-ntb', FEED, '', unitOwner.token)).json(), { applied: false });
    t.match((await put(app, 'bkd-ntb', FEED, '', owner.token)).json(), { statusCode: 403, message: /needs owner:bkd-ntb or admin/ });
    t.equal((await put(app, 'wita', '', '', ADMIN_TOKEN)).statusCode, 400, 'an empty body');
    t.equal((await put(app, 'wita', FEED, '?apply=yes')).statusCode, 400, 'apply is true or false');
    const big = await put(app, 'wita', `${FEED}${' '.repeat(1024 * 1024)}`);
    t.match(big.json(), { statusCode: 413, code: 'SOP_ERR_TOO_LARGE' });
  });
}

t.test('the OpenAPI document declares the iCalendar body and answer', async (t) => {
  const app = await startApp(t);
  const doc = (await app.call('GET', '/docs/json')).json();
  const putHolidays = doc.paths['/calendars/{id}/holidays'].put;
  t.same(Object.keys(putHolidays.requestBody.content), ['text/calendar']);
  t.equal(putHolidays.requestBody.content['text/calendar'].schema.type, 'string');
  t.ok(putHolidays.parameters.some((p: { name: string; in: string }) => p.name === 'apply' && p.in === 'query'));
  const getIcs = doc.paths['/calendars/{id}/holidays.ics'].get;
  t.same(Object.keys(getIcs.responses['200'].content), ['text/calendar']);
});
