// Due dates and durations in the working time of the SOP's calendar, with a moved clock (WITA fixture).
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { ADMIN_TOKEN, FIXTURES, startApp, tempDir, TestClock, testDatabases } from '../helpers/app.js';

const WITA = (local: string) => new Date(`${local}+08:00`);

for (const database of await testDatabases()) {
  t.test(`[${database}] due dates, holidays, breaches and weekends in working time`, async (t) => {
    const dir = tempDir(t);
    fs.copyFileSync(path.join(FIXTURES, 'two-step.bpmn'), path.join(dir, 'two-step.bpmn'));
    const clock = new TestClock(WITA('2026-03-06T15:10:00'));
    const app = await startApp(t, { database, processesDir: dir, clock });
    const u = await app.user(['uji/staf', 'uji/kepala']);
    const docs = { documents: [{ name: 'Surat Permohonan' }], output: [{ name: 'Agenda' }] };
    const openTask = async (id: string) => (await app.call('GET', `/tasks?instanceId=${id}`, u.token)).json().items[0];

    // Friday 15:10 WITA: the 15-minute step is due 15:25; done at 15:30 it took 20 working minutes: a breach.
    const a = (await app.call('POST', '/definitions/uji-dua-langkah/instances', u.token, {})).json().id as string;
    const first = await openTask(a);
    t.equal(first.dueAt, WITA('2026-03-06T15:25:00').toISOString());
    clock.set(WITA('2026-03-06T15:30:00').toISOString());
    t.equal((await app.call('POST', `/tasks/${first.id}/complete`, u.token, docs)).statusCode, 200);
    const done = (await app.call('GET', `/audit/instances/${a}`, ADMIN_TOKEN)).json().events.find((e: { type: string }) => e.type === 'task.completed');
    t.match(done, { workingMs: 20 * 60_000, wallMs: 20 * 60_000, standardMs: 15 * 60_000, breached: true });

    // Created Friday 15:30 WITA with a 1-day standard: due Monday 15:30 WITA.
    const second = await openTask(a);
    t.equal(second.dueAt, WITA('2026-03-09T15:30:00').toISOString());

    // A holiday on that Monday moves the next one to Tuesday.
    const wita = (await app.call('GET', '/calendars', u.token)).json().items.find((c: { id: string }) => c.id === 'wita');
    t.equal(wita.timeZone, 'Asia/Makassar');
    t.ok(wita.holidays.some((h: { date: string; kind: string }) => h.date === '2026-03-19' && h.kind === 'libur-nasional'), 'shipped 2026 holidays');
    const put = await app.call('PUT', '/calendars/wita', ADMIN_TOKEN, { holidays: [...wita.holidays, { date: '2026-03-09', name: 'Libur uji', kind: 'libur-daerah' }] });
    t.equal(put.statusCode, 200, put.body);
    clock.set(WITA('2026-03-06T15:10:00').toISOString());
    const b = (await app.call('POST', '/definitions/uji-dua-langkah/instances', u.token, {})).json().id as string;
    clock.set(WITA('2026-03-06T15:30:00').toISOString());
    t.equal((await app.call('POST', `/tasks/${(await openTask(b)).id}/complete`, u.token, docs)).statusCode, 200);
    t.equal((await openTask(b)).dueAt, WITA('2026-03-10T15:30:00').toISOString(), 'a holiday moves it one more day');

    // The first instance's decision spans the weekend and the holiday: Fri 15:30–16:30, then Tue 07:30–08:30.
    clock.set(WITA('2026-03-10T08:30:00').toISOString());
    const decided = await app.call('POST', `/tasks/${second.id}/complete`, u.token, { output: [{ name: 'Keputusan' }], variables: { setuju: 'tidak' } });
    t.equal(decided.statusCode, 200, decided.body);
    const events = (await app.call('GET', `/audit/instances/${a}`, ADMIN_TOKEN)).json().events.filter((e: { type: string }) => e.type === 'task.completed');
    t.match(events[1], { workingMs: 2 * 3600_000, breached: false });
    t.ok(events[1].wallMs > 80 * 3600_000, 'wall time counts the weekend; working time does not');
    t.match((await app.call('GET', '/audit/verify', ADMIN_TOKEN)).json(), { ok: true });
  });

  t.test(`[${database}] calendar routes: admins change them, others read; bad data names the field`, async (t) => {
    const app = await startApp(t, { database });
    const staff = await app.user(['bkd-kalteng/jft']);
    const list = (await app.call('GET', '/calendars', staff.token)).json().items as Array<{ id: string; holidays: unknown[]; hours: Record<string, unknown[]> }>;
    t.same(list.map((c) => c.id), ['wib', 'wit', 'wita']);
    t.equal(list[0]?.holidays.length, 25, '17 hari libur nasional + 8 cuti bersama of 2026');
    t.same(list[0]?.hours['6'], [], 'Saturday is closed');
    t.equal((await app.call('PUT', '/calendars/wib', staff.token, { name: 'x' })).statusCode, 403);
    t.equal((await app.call('PUT', '/calendars/nope', ADMIN_TOKEN, { name: 'x' })).statusCode, 404);
    const badHours = await app.call('PUT', '/calendars/wib', ADMIN_TOKEN, { hours: { 1: [{ start: '7:30', end: '16:00' }] } });
    t.match(badHours.json(), { statusCode: 400, code: 'SOP_ERR_VALIDATION', details: { fields: [{ name: 'hours.1.0.start' }] } });
    const badZone = await app.call('PUT', '/calendars/wib', ADMIN_TOKEN, { timeZone: 'Mars/Olympus' });
    t.equal(badZone.statusCode, 400);
    const twice = await app.call('PUT', '/calendars/wib', ADMIN_TOKEN, { holidays: [{ date: '2027-01-01', name: 'a', provisional: true }, { date: '2027-01-01', name: 'b' }] });
    t.equal(twice.statusCode, 400);
    const ok = await app.call('PUT', '/calendars/wib', ADMIN_TOKEN, { hours: { 5: [{ start: '07:30', end: '11:30' }, { start: '13:00', end: '16:30' }] } });
    t.equal(ok.statusCode, 200);
    t.same(ok.json().hours['5'], [{ start: '07:30', end: '11:30' }, { start: '13:00', end: '16:30' }]);
    t.same(ok.json().hours['1'], [{ start: '07:30', end: '16:00' }], 'other days keep their hours');
    const trail = await app.call('GET', '/audit/verify', ADMIN_TOKEN);
    t.match(trail.json(), { ok: true });
  });

}