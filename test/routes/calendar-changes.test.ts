// Dated office hours and calendar changes through the API: a Ramadan period shortens a real task's due date, and a
// change moves the due dates of open tasks (each an audit event, in the change's transaction) but not completed ones.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { ADMIN_TOKEN, FIXTURES, startApp, tempDir, TestClock, testDatabases } from '../helpers/app.js';

const WITA = (local: string) => new Date(`${local}:00+08:00`).toISOString();
const RAMADAN = {
  from: '2026-02-18',
  to: '2026-03-19',
  name: 'Ramadan 1447 H',
  source: 'Surat Edaran MenPAN-RB tentang jam kerja ASN bulan Ramadan (uji)',
  hours: { 1: [{ start: '08:00', end: '15:00' }], 2: [{ start: '08:00', end: '15:00' }], 3: [{ start: '08:00', end: '15:00' }], 4: [{ start: '08:00', end: '15:00' }], 5: [{ start: '08:00', end: '15:30' }] },
};

interface Task {
  id: string;
  elementId: string;
  status: string;
  dueAt: string;
  standardMs?: number;
}

for (const database of await testDatabases()) {
  t.test(`[${database}] a Ramadan period and a holiday move open tasks' due dates, never completed ones`, async (t) => {
    const dir = tempDir(t);
    fs.copyFileSync(path.join(FIXTURES, 'two-step.bpmn'), path.join(dir, 'two-step.bpmn'));
    // Monday 2 March 2026, 14:40 WITA.
    const clock = new TestClock(new Date(WITA('2026-03-02T14:40')));
    const app = await startApp(t, { database, processesDir: dir, clock, app: { calendarRefreshMs: 0 } });
    const staff = await app.user(['uji/staf', 'uji/kepala']);
    const tasksOf = async (id: string): Promise<Task[]> => (await app.call('GET', `/tasks?instanceId=${id}&status=open,claimed,completed`, ADMIN_TOKEN)).json().items;
    const start = async () => (await app.call('POST', '/definitions/uji-dua-langkah/instances', staff.token, {})).json().id as string;

    const a = await start();
    const [received] = await tasksOf(a);
    clock.set(WITA('2026-03-02T14:50'));
    t.equal((await app.call('POST', `/tasks/${received?.id}/complete`, staff.token, { documents: [{ name: 'Surat Permohonan' }], output: [{ name: 'Agenda' }] })).statusCode, 200);
    const b = await start();
    const before = (await tasksOf(b))[0] as Task;
    t.equal(before.dueAt, WITA('2026-03-02T15:05'), 'before Ramadan: 15 minutes inside Monday');

    const owner = await app.user(['owner:uji']);
    t.equal((await app.call('PUT', '/calendars/wita', owner.token, { periods: [RAMADAN] })).statusCode, 403, 'a national calendar is the admin\'s');
    const put = await app.call('PUT', '/calendars/wita', ADMIN_TOKEN, { periods: [RAMADAN] });
    t.equal(put.statusCode, 200, put.body);
    t.same(put.json().periods, [RAMADAN]);

    const after = (await tasksOf(b))[0] as Task;
    t.equal(after.dueAt, WITA('2026-03-03T08:05'), 'Ramadan closes at 15:00 and opens at 08:00');
    const stepsOfA = await tasksOf(a);
    const done = stepsOfA.find((x) => x.status === 'completed') as Task;
    t.equal(done.dueAt, WITA('2026-03-02T14:55'), 'the completed step keeps its due date');
    const open = stepsOfA.find((x) => x.status !== 'completed') as Task;
    t.equal(open.dueAt, WITA('2026-03-03T14:50'), 'P1D inside Ramadan hours: unchanged');

    const trail = (await app.call('GET', `/audit/instances/${b}`, ADMIN_TOKEN)).json().events as Array<{ type: string; taskId: string; dueAt: { from: string; to: string } }>;
    const moved = trail.filter((e) => e.type === 'task.rescheduled');
    t.equal(moved.length, 1);
    t.same(moved[0]?.dueAt, { from: WITA('2026-03-02T15:05'), to: WITA('2026-03-03T08:05') });
    const inA = (await app.call('GET', `/audit/instances/${a}`, ADMIN_TOKEN)).json().events.filter((e: { type: string }) => e.type === 'task.rescheduled');
    t.match(inA, [{ taskId: open.id, standardMs: 7 * 3_600_000, dueAt: { from: WITA('2026-03-03T14:50'), to: WITA('2026-03-03T14:50') } }], 'same due date, shorter standard: Mon 10 min + Tue 08:00–14:50');
    t.equal(inA.length, 1, 'the completed step is not re-timed');

    // A regional holiday on Tuesday moves both open tasks a day on; a new case counts on Ramadan hours at once.
    const wita = (await app.call('GET', '/calendars', ADMIN_TOKEN)).json().items.find((c: { id: string }) => c.id === 'wita');
    t.equal((await app.call('PUT', '/calendars/wita', ADMIN_TOKEN, { holidays: [...wita.holidays, { date: '2026-03-03', name: 'Libur uji', kind: 'libur-daerah' }] })).statusCode, 200);
    t.equal(((await tasksOf(b))[0] as Task).dueAt, WITA('2026-03-04T08:05'));
    t.equal(((await tasksOf(a)).find((x) => x.status !== 'completed') as Task).dueAt, WITA('2026-03-04T14:50'));
    clock.set(WITA('2026-03-04T14:55'));
    t.equal(((await tasksOf(await start()))[0] as Task).dueAt, WITA('2026-03-05T08:10'));
    t.match((await app.call('GET', '/audit/verify', ADMIN_TOKEN)).json(), { ok: true });
  });

  t.test(`[${database}] dated hours are checked, each problem naming its field`, async (t) => {
    const app = await startApp(t, { database });
    const put = (body: unknown) => app.call('PUT', '/calendars/wib', ADMIN_TOKEN, body);
    const overlapping = await put({ periods: [RAMADAN, { ...RAMADAN, from: '2026-03-19', to: '2026-03-25', name: 'lain' }] });
    t.equal(overlapping.statusCode, 400, overlapping.body);
    t.match(overlapping.json().details.fields, [{ name: 'periods', message: /overlaps/ }]);
    const twice = await put({ holidays: [{ date: '2026-03-05', name: 'x' }], days: [{ date: '2026-03-05', name: 'setengah hari', hours: [{ start: '07:30', end: '12:00' }] }] });
    t.equal(twice.statusCode, 400, twice.body);
    t.match(twice.json().details.fields, [{ name: 'holidays', message: /listed twice/ }]);
    const reversed = await put({ days: [{ date: '2026-03-07', name: 'hari kerja pengganti', hours: [{ start: '12:00', end: '07:30' }] }] });
    t.equal(reversed.statusCode, 400, reversed.body);
    t.match(reversed.json().details.fields, [{ name: 'days' }]);
    const far = await put({ days: [{ date: '9999-03-07', name: 'jauh', hours: [] }] });
    t.equal(far.statusCode, 400, far.body);
    t.match(far.json().details.fields, [{ name: /days/ }]);
  });
}
