// A unit's calendar over a national one: its owners create and edit it, a SOP names it, it adds and removes days,
// and a change to it or to its parent moves the due dates of the open tasks counting on it.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { ADMIN_TOKEN, FIXTURES, startApp, tempDir, TestClock, testDatabases } from '../helpers/app.js';

const WITA = (local: string) => new Date(`${local}:00+08:00`).toISOString();

for (const database of await testDatabases()) {
  t.test(`[${database}] a regional holiday on Monday: P1D from Friday 15:30 WITA is due Tuesday 15:30`, async (t) => {
    const dir = tempDir(t);
    const xml = fs.readFileSync(path.join(FIXTURES, 'two-step.bpmn'), 'utf8').replace('calendar="wita"', 'calendar="uji-kaltim"');
    fs.writeFileSync(path.join(dir, 'two-step.bpmn'), xml);
    const clock = new TestClock(new Date(WITA('2026-03-06T15:10')));
    const app = await startApp(t, { database, processesDir: dir, clock, app: { calendarRefreshMs: 0 } });
    const staff = await app.user(['uji/staf', 'uji/kepala']);
    const owner = await app.user(['owner:uji']);
    const stranger = await app.user(['owner:ipdn']);
    const regional = { id: 'uji-kaltim', name: 'Kalender Unit Uji (Kalimantan Timur)', inherits: 'wita', unit: 'uji', holidays: [{ date: '2026-03-09', name: 'Libur daerah uji', kind: 'libur-daerah' }] };

    t.equal((await app.call('POST', '/calendars', stranger.token, regional)).statusCode, 403, "another unit's owner");
    const bad = await app.call('POST', '/calendars', owner.token, { ...regional, id: 'uji-lain', inherits: 'nowhere' });
    t.equal(bad.statusCode, 400, bad.body);
    t.match(bad.json().details.fields, [{ name: 'inherits' }]);
    const created = await app.call('POST', '/calendars', owner.token, regional);
    t.equal(created.statusCode, 201, created.body);
    t.match(created.json(), { id: 'uji-kaltim', inherits: 'wita', unit: 'uji', timeZone: 'Asia/Makassar', holidays: [{ date: '2026-03-09' }] });
    t.equal((await app.call('POST', '/calendars', owner.token, regional)).statusCode, 409, 'the id is taken');
    t.equal((await app.call('POST', '/calendars', owner.token, { ...regional, id: 'uji-cucu', inherits: 'uji-kaltim' })).statusCode, 400, 'only a national calendar is inherited');
    t.match((await app.call('GET', '/definitions/uji-dua-langkah', staff.token)).json(), { calendar: 'uji-kaltim', timeZone: 'Asia/Makassar' });
    t.match((await app.call('GET', '/calendars/uji-kaltim/coverage', staff.token)).json().years[0], { year: 2026, status: 'confirmed', holidays: 26 }, 'the national holidays and its own');

    const id = (await app.call('POST', '/definitions/uji-dua-langkah/instances', staff.token, {})).json().id;
    const open = async () => (await app.call('GET', `/tasks?instanceId=${id}`, staff.token)).json().items[0] as { id: string; dueAt: string };
    clock.set(WITA('2026-03-06T15:30'));
    t.equal((await app.call('POST', `/tasks/${(await open()).id}/complete`, staff.token, { documents: [{ name: 'Surat Permohonan' }], output: [{ name: 'Agenda' }] })).statusCode, 200);
    t.equal((await open()).dueAt, WITA('2026-03-10T15:30'), 'the regional holiday on Monday moves it to Tuesday');

    t.equal((await app.call('PUT', '/calendars/uji-kaltim', stranger.token, { holidays: [] })).statusCode, 403);
    t.equal((await app.call('PUT', '/calendars/uji-kaltim', owner.token, { holidays: [] })).statusCode, 200, 'its owner edits it');
    t.equal((await open()).dueAt, WITA('2026-03-09T15:30'), 'without it: Monday');

    // A national holiday added to wita reaches the region's tasks; the region may decline it.
    const wita = (await app.call('GET', '/calendars', ADMIN_TOKEN)).json().items.find((c: { id: string }) => c.id === 'wita');
    t.equal((await app.call('PUT', '/calendars/wita', ADMIN_TOKEN, { holidays: [...wita.holidays, { date: '2026-03-09', name: 'Libur nasional uji', kind: 'libur-nasional' }] })).statusCode, 200);
    t.equal((await open()).dueAt, WITA('2026-03-10T15:30'), "the parent's change moves the child's task");
    t.equal((await app.call('PUT', '/calendars/uji-kaltim', owner.token, { removed: ['2026-03-09'] })).statusCode, 200);
    t.equal((await open()).dueAt, WITA('2026-03-09T15:30'), 'removed in the region: a working day there');
    const trail = (await app.call('GET', `/audit/instances/${id}`, ADMIN_TOKEN)).json().events.filter((e: { type: string }) => e.type === 'task.rescheduled');
    t.equal(trail.length, 3, 'each move an audit event');
  });
}
