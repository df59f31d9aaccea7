// Every timer form through the real app: sop:at="dueAt" at the task's deadline (startsAt too), an R3/PT1H cycle, a
// timeDate in the calendar's zone on an intermediate event, a working-time timer on a sub-process, a value read from
// the case that fails into an incident and is retried, and two executors that fire each job once.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { ADMIN_TOKEN, FIXTURES, startApp, tempDir, TestClock, testDatabases, type TestApp } from '../helpers/app.js';

const WITA = (local: string) => new Date(`${local}:00+08:00`).toISOString();
const FILES = ['due-at.bpmn', 'cycle.bpmn', 'intermediate.bpmn', 'expression.bpmn'];

interface Task {
  id: string;
  elementId: string;
  status: string;
  dueAt: string | null;
}

function timerDir(t: Parameters<typeof startApp>[0]): string {
  const dir = tempDir(t);
  for (const f of FILES) fs.copyFileSync(path.join(FIXTURES, 'timers', f), path.join(dir, f));
  return dir;
}

const tasksOf = async (app: TestApp, id: string): Promise<Task[]> => (await app.call('GET', `/tasks?instanceId=${id}&status=open,claimed,completed,cancelled`, ADMIN_TOKEN)).json().items;
const fired = async (app: TestApp, id: string): Promise<string[]> =>
  ((await app.call('GET', `/audit/instances/${id}`, ADMIN_TOKEN)).json().events as Array<{ type: string; elementId: string }>).filter((e) => e.type === 'timer.fired').map((e) => e.elementId);
const start = async (app: TestApp, key: string): Promise<string> => {
  const res = await app.call('POST', `/definitions/${key}/instances`, ADMIN_TOKEN, {});
  if (res.statusCode !== 201) throw new Error(`start → ${res.statusCode} ${res.body}`);
  return res.json().id as string;
};
const complete = (app: TestApp, task: Task | undefined, variables: Record<string, unknown> = {}) => app.call('POST', `/tasks/${task?.id}/complete`, ADMIN_TOKEN, { documents: [], output: [], variables });

for (const database of await testDatabases()) {
  t.test(`[${database}] sop:at="dueAt" fires exactly when the task becomes overdue, also for a step with startsAt`, async (t) => {
    const clock = new TestClock(new Date(WITA('2026-03-09T10:00')));
    const app = await startApp(t, { database, processesDir: timerDir(t), clock, app: { calendarRefreshMs: 0 } });
    const id = await start(app, 'uji-timer-tenggat');
    const [terima] = await tasksOf(app, id);
    t.equal(terima?.dueAt, WITA('2026-03-09T11:00'));
    t.equal((await app.app.services.jobs.forInstance(id))[0]?.dueAt, terima?.dueAt, 'the job is due when the task is');
    clock.set(WITA('2026-03-09T11:00'));
    t.equal((await app.app.services.executor.runDue()).fired, 1);
    t.same(await fired(app, id), ['terima-tenggat']);

    t.equal((await complete(app, terima, { jadwal: WITA('2026-03-10T13:00') })).statusCode, 200);
    // A holiday on the session's day moves the task's deadline and its timer with it.
    const wita = (await app.call('GET', '/calendars', ADMIN_TOKEN)).json().items.find((c: { id: string }) => c.id === 'wita');
    t.equal((await app.call('PUT', '/calendars/wita', ADMIN_TOKEN, { holidays: [...wita.holidays, { date: '2026-03-10', name: 'Libur uji', kind: 'libur-daerah' }] })).statusCode, 200);
    t.equal((await tasksOf(app, id)).find((x) => x.elementId === 'sesi')?.dueAt, WITA('2026-03-11T08:30'));
    t.same((await app.app.services.jobs.forInstance(id)).map((j) => j.dueAt), [WITA('2026-03-11T08:30')], 'the sop:at job follows the task');
    t.equal((await app.call('PUT', '/calendars/wita', ADMIN_TOKEN, { holidays: wita.holidays })).statusCode, 200);
    const sesi = (await tasksOf(app, id)).find((x) => x.elementId === 'sesi');
    t.equal(sesi?.dueAt, WITA('2026-03-10T14:00'), 'the scheduled session is due an hour after it starts');
    t.same((await app.app.services.jobs.forInstance(id)).map((j) => j.dueAt), [sesi?.dueAt]);
    clock.set(WITA('2026-03-10T13:59'));
    t.equal((await app.app.services.executor.runDue()).fired, 0);
    clock.set(WITA('2026-03-10T14:00'));
    t.equal((await app.app.services.executor.runDue()).fired, 1);
    t.same(await fired(app, id), ['terima-tenggat', 'sesi-tenggat']);
  });

  t.test(`[${database}] R3/PT1H fires three times, then stops`, async (t) => {
    const clock = new TestClock(new Date(WITA('2026-03-09T08:00')));
    const app = await startApp(t, { database, processesDir: timerDir(t), clock, app: { calendarRefreshMs: 0 } });
    const id = await start(app, 'uji-timer-siklus');
    for (const hour of ['09', '10', '11']) {
      const [job] = await app.app.services.jobs.forInstance(id);
      t.equal(job?.dueAt, WITA(`2026-03-09T${hour}:00`));
      clock.set(WITA(`2026-03-09T${hour}:00`));
      t.equal((await app.app.services.executor.runDue()).fired, 1, `fired at ${hour}:00`);
    }
    t.same(await app.app.services.jobs.forInstance(id), [], 'no fourth firing is planned');
    clock.set(WITA('2026-03-09T15:00'));
    t.equal((await app.app.services.executor.runDue()).fired, 0);
    t.equal((await fired(app, id)).length, 3);
    t.equal((await tasksOf(app, id))[0]?.status, 'open', 'the task stays open');
  });

  t.test(`[${database}] an R3 cycle on an intermediate catch event fires once, and the deploy says so naming it`, async (t) => {
    const clock = new TestClock(new Date(WITA('2026-03-09T08:00')));
    const app = await startApp(t, { database, processesDir: tempDir(t), clock, app: { calendarRefreshMs: 0 } });
    const xml = fs.readFileSync(path.join(FIXTURES, 'timers', 'intermediate.bpmn'), 'utf8').replace('<bpmn:timeDate>2026-03-10T09:00:00</bpmn:timeDate>', '<bpmn:timeCycle>R3/PT1H</bpmn:timeCycle>');
    const res = await app.call('POST', '/definitions', ADMIN_TOKEN, xml, { 'content-type': 'application/xml' });
    t.equal(res.statusCode, 201);
    const timerWarnings = (res.json().warnings as Array<{ elementId: string; message: string }>).filter((w) => w.message.startsWith('timeCycle'));
    t.match(timerWarnings, [{ elementId: 'tunggu', message: /^timeCycle repetition is ignored on an intermediate catch event: the timer fires once/ }]);
    t.equal(timerWarnings.length, 1, 'one warning, on the cycle');
    const id = await start(app, 'uji-timer-antara');
    clock.set(WITA('2026-03-09T09:00'));
    t.equal((await app.app.services.executor.runDue()).fired, 1);
    t.same((await tasksOf(app, id)).map((x) => x.elementId), ['kerjakan'], 'the case moved on at the first firing');
    t.same((await app.app.services.jobs.forInstance(id)).map((j) => j.elementId), ['batas'], 'no second firing of tunggu is planned');
    clock.set(WITA('2026-03-09T11:00'));
    await app.app.services.executor.runDue();
    t.same(await fired(app, id), ['tunggu'], 'tunggu fired once');
  });

  t.test(`[${database}] a local timeDate waits in the calendar's zone; a working-time timer interrupts a sub-process`, async (t) => {
    const clock = new TestClock(new Date(WITA('2026-03-09T08:00')));
    const app = await startApp(t, { database, processesDir: timerDir(t), clock, app: { calendarRefreshMs: 0 } });
    const id = await start(app, 'uji-timer-antara');
    t.same(await tasksOf(app, id), []);
    t.equal((await app.app.services.jobs.forInstance(id))[0]?.dueAt, WITA('2026-03-10T09:00'), '09:00 without offset is WITA');
    clock.set(WITA('2026-03-10T09:00'));
    t.equal((await app.app.services.executor.runDue()).fired, 1);
    t.same((await tasksOf(app, id)).map((x) => x.elementId), ['kerjakan']);
    // PT4H of office time from Tue 09:00 is Tue 13:00.
    t.equal((await app.app.services.jobs.forInstance(id))[0]?.dueAt, WITA('2026-03-10T13:00'));
    clock.set(WITA('2026-03-10T13:00'));
    t.equal((await app.app.services.executor.runDue()).fired, 1);
    const after = await tasksOf(app, id);
    t.same(after.map((x) => [x.elementId, x.status]).sort(), [['kerjakan', 'cancelled'], ['tindak', 'open']], 'the sub-process task is cancelled, the timer path taken');
  });

  t.test(`[${database}] a timer reading a missing variable retries, becomes an incident, and fires after a retry`, async (t) => {
    const clock = new TestClock(new Date(WITA('2026-03-09T08:00')));
    const app = await startApp(t, { database, processesDir: timerDir(t), clock, app: { calendarRefreshMs: 0 } });
    const staff = await app.user(['uji/staf']);
    const id = await start(app, 'uji-timer-ekspresi');
    const results = [];
    for (let i = 0; i < 4; i++) {
      results.push(await app.app.services.executor.runDue());
      clock.advance(60_000);
    }
    t.same(results, [
      { fired: 0, failed: 1, incidents: 0, started: 0 },
      { fired: 0, failed: 1, incidents: 0, started: 0 },
      { fired: 0, failed: 1, incidents: 0, started: 0 },
      { fired: 0, failed: 1, incidents: 1, started: 0 },
    ], 'three retries, then an incident');
    t.equal((await app.call('GET', '/incidents', staff.token)).statusCode, 403, 'staff may not list incidents');
    const owner = await app.user(['owner:uji']);
    const stranger = await app.user(['owner:lain']);
    const list = (await app.call('GET', '/incidents', ADMIN_TOKEN)).json();
    t.same((await app.call('GET', '/incidents', owner.token)).json().items.map((i: { id: string }) => i.id), [list.items[0].id], "the unit's owner sees it");
    t.same((await app.call('GET', '/incidents', stranger.token)).json().items, [], "another unit's owner does not");
    t.equal((await app.call('POST', `/incidents/${list.items[0].id}/retry`, stranger.token)).statusCode, 404);
    t.equal((await app.call('POST', '/incidents/no-such-id/retry', ADMIN_TOKEN)).statusCode, 404);
    const page = (await app.call('GET', '/incidents?limit=1', owner.token)).json();
    t.equal(page.items.length, 1);
    t.same((await app.call('GET', `/incidents?limit=1&cursor=${page.nextCursor}`, owner.token)).json(), { items: [], nextCursor: null }, 'paged by cursor');
    t.match(list.items, [{ kind: 'timer', instanceId: id, elementId: 'tunggu-sidang', message: /jadwalSidang|missing/, retries: 0, resolvedAt: null }]);
    t.equal((await app.app.services.executor.runDue()).failed, 0, 'an incident is not retried by itself');

    const jadwalkan = (await tasksOf(app, id)).find((x) => x.elementId === 'jadwalkan');
    t.equal((await complete(app, jadwalkan, { jadwalSidang: WITA('2026-03-09T09:00') })).statusCode, 200);
    const retried = await app.call('POST', `/incidents/${list.items[0].id}/retry`, ADMIN_TOKEN);
    t.equal(retried.statusCode, 200);
    t.ok(retried.json().resolvedAt);
    t.equal((await app.call('POST', `/incidents/${list.items[0].id}/retry`, ADMIN_TOKEN)).statusCode, 409, 'a resolved incident is not retried twice');
    t.same((await app.call('GET', '/incidents', ADMIN_TOKEN)).json().items, [], 'no open incident');
    t.equal((await app.call('GET', '/incidents?status=all', ADMIN_TOKEN)).json().items.length, 1);
    t.equal((await app.app.services.executor.runDue()).fired, 0, 'the value resolves to 09:00, still ahead');
    t.equal((await app.app.services.jobs.forInstance(id))[0]?.dueAt, WITA('2026-03-09T09:00'), 'the job waits for the resolved time');
    clock.set(WITA('2026-03-09T09:00'));
    t.equal((await app.app.services.executor.runDue()).fired, 1, 'and fires then');
    t.same(await fired(app, id), ['tunggu-sidang']);
    t.ok((await tasksOf(app, id)).some((x) => x.elementId === 'sidang' && x.status === 'open'));
  });

  t.test(`[${database}] two executors on one database fire each due job exactly once`, async (t) => {
    const clock = new TestClock(new Date(WITA('2026-03-09T08:00')));
    const dir = timerDir(t);
    const a = await startApp(t, { database, processesDir: dir, clock, dir });
    const b = await startApp(t, { databaseUrl: a.databaseUrl, processesDir: dir, clock, dir });
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push(await start(i % 2 === 0 ? a : b, 'uji-timer-siklus'));
    clock.set(WITA('2026-03-09T09:00'));
    const [ra, rb] = await Promise.all([a.app.services.executor.runDue(), b.app.services.executor.runDue()]);
    t.equal((ra?.fired ?? 0) + (rb?.fired ?? 0), 6, 'six firings in all');
    for (const id of ids) t.equal((await fired(a, id)).length, 1, `case ${id} fired once`);
  });
}
