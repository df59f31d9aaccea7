// Which years the calendars' holidays cover, and the warnings while a year lacks confirmed ones: GET /health,
// GET /calendars/:id/coverage and the log; and the due date that goes wrong without them (moved clock).
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import t from 'tap';
import { ADMIN_TOKEN, FIXTURES, startApp, tempDir, TestClock, testDatabases } from '../helpers/app.js';

const WIB = (local: string) => new Date(`${local}:00+07:00`).toISOString();
const NEW_YEAR_2027 = { date: '2027-01-01', name: 'Tahun Baru 2027 Masehi (uji)', kind: 'libur-nasional', provisional: true };

for (const database of await testDatabases()) {
  t.test(`[${database}] coverage per year and warnings within 90 days of the next year`, async (t) => {
    const clock = new TestClock(new Date('2026-09-01T00:00:00Z'));
    let logged = '';
    const sink = new Writable({ write: (chunk, _enc, done) => ((logged += String(chunk)), done()) });
    const app = await startApp(t, { database, clock, app: { logStream: sink } });
    t.same((await app.call('GET', '/health')).json().calendarWarnings, [], '122 days before 2027: nothing yet');
    const coverage = (await app.call('GET', '/calendars/wib/coverage', ADMIN_TOKEN)).json();
    t.same(coverage.years, [
      { year: 2026, status: 'confirmed', holidays: 25, provisional: 0 },
      { year: 2027, status: 'none', holidays: 0, provisional: 0 },
    ]);
    t.equal((await app.call('GET', '/calendars/nowhere/coverage', ADMIN_TOKEN)).statusCode, 404);

    clock.set('2026-10-03T00:00:00Z');
    const warnings = (await app.call('GET', '/health')).json().calendarWarnings as Array<{ calendar: string; year: number; status: string }>;
    t.match(warnings, [{ calendar: 'wib', year: 2027, status: 'none' }, { calendar: 'wit', year: 2027 }, { calendar: 'wita', year: 2027 }], '90 days before 2027');

    const wib = (await app.call('GET', '/calendars', ADMIN_TOKEN)).json().items.find((c: { id: string }) => c.id === 'wib');
    t.equal((await app.call('PUT', '/calendars/wib', ADMIN_TOKEN, { holidays: [...wib.holidays, NEW_YEAR_2027] })).statusCode, 200);
    t.match((await app.call('GET', '/calendars/wib/coverage', ADMIN_TOKEN)).json().years[1], { year: 2027, status: 'provisional', holidays: 1, provisional: 1 });
    t.match((await app.call('GET', '/health')).json().calendarWarnings[0], { calendar: 'wib', year: 2027, status: 'provisional' });
    const { provisional: _, ...confirmed } = NEW_YEAR_2027;
    t.equal((await app.call('PUT', '/calendars/wib', ADMIN_TOKEN, { holidays: [...wib.holidays, confirmed] })).statusCode, 200);
    t.same(((await app.call('GET', '/health')).json().calendarWarnings as Array<{ calendar: string }>).map((w) => w.calendar), ['wit', 'wita'], 'confirmed: wib warns no more');

    // In 2027 the calendars without its holidays warn for the current year; the log says so too.
    clock.set('2027-01-05T00:00:00Z');
    t.match((await app.call('GET', '/health')).json().calendarWarnings, [{ calendar: 'wit', year: 2027, status: 'none' }, { calendar: 'wita', year: 2027 }]);
    app.app.log.level = 'warn';
    t.equal(await app.app.services.calendars.logWarnings(), 2);
    t.match(logged, /"event":"calendar.unconfirmed".*calendar wit has no holidays for 2027/);
  });

  t.test(`[${database}] PT15M from Thursday 31 December 2026 15:55 WIB: Friday without 2027's holidays, Monday with them`, async (t) => {
    const dir = tempDir(t);
    fs.copyFileSync(path.join(FIXTURES, 'scheduled-session.bpmn'), path.join(dir, 'scheduled.bpmn'));
    const clock = new TestClock(new Date(WIB('2026-12-31T15:55')));
    const app = await startApp(t, { database, processesDir: dir, clock, app: { calendarRefreshMs: 0 } });
    const staff = await app.user(['uji/staf']);
    const id = (await app.call('POST', '/definitions/uji-sesi-terjadwal/instances', staff.token, {})).json().id;
    const due = async () => (await app.call('GET', `/tasks?instanceId=${id}`, staff.token)).json().items[0].dueAt;
    t.equal(await due(), WIB('2027-01-01T07:40'), 'Tahun Baru counts as a working day while 2027 is not loaded');
    t.match((await app.call('GET', '/health')).json().calendarWarnings, [{ calendar: 'wib', year: 2027, status: 'none' }]);
    const wib = (await app.call('GET', '/calendars', ADMIN_TOKEN)).json().items.find((c: { id: string }) => c.id === 'wib');
    t.equal((await app.call('PUT', '/calendars/wib', ADMIN_TOKEN, { holidays: [...wib.holidays, NEW_YEAR_2027] })).statusCode, 200);
    t.equal(await due(), WIB('2027-01-04T07:40'), 'loaded: the open task moves to Monday');
  });
}
