// Boundary timers as durable jobs, through the real app: working-time due dates on the SOP's calendar, the paths a
// non-interrupting and an interrupting timer take, and jobs that follow the case (completed task, cancelled case).
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { validateXML } from 'xmllint-wasm';
import { ADMIN_TOKEN, FIXTURES, XES_DIR, startApp, tempDir, TestClock, testDatabases, type TestApp } from '../helpers/app.js';

const XSD = fs.readFileSync(path.join(XES_DIR, 'xes.xsd'), 'utf8');
const WITA = (local: string) => new Date(`${local}:00+08:00`).toISOString();

interface Task {
  id: string;
  elementId: string;
  status: string;
  dueAt: string | null;
}

async function timerApp(t: Parameters<typeof startApp>[0], database: 'sqlite' | 'postgres', clock: TestClock, fixture = 'boundary-task.bpmn') {
  const dir = tempDir(t);
  fs.copyFileSync(path.join(FIXTURES, 'timers', fixture), path.join(dir, fixture));
  return startApp(t, { database, processesDir: dir, clock, app: { calendarRefreshMs: 0 } });
}

const tasksOf = async (app: TestApp, id: string): Promise<Task[]> => (await app.call('GET', `/tasks?instanceId=${id}&status=open,claimed,completed,cancelled`, ADMIN_TOKEN)).json().items;
const eventsOf = async (app: TestApp, id: string): Promise<Array<{ type: string; elementId: string | null; taskId: string | null }>> => (await app.call('GET', `/audit/instances/${id}`, ADMIN_TOKEN)).json().events;
const start = async (app: TestApp, key = 'uji-timer-batas'): Promise<string> => {
  const res = await app.call('POST', `/definitions/${key}/instances`, ADMIN_TOKEN, {});
  if (res.statusCode !== 201) throw new Error(`start → ${res.statusCode} ${res.body}`);
  return res.json().id as string;
};

for (const database of await testDatabases()) {
  t.test(`[${database}] a working-time P1D boundary timer on a task created Friday 15:30 WITA fires Monday 15:30`, async (t) => {
    const clock = new TestClock(new Date(WITA('2026-03-06T15:30')));
    const app = await timerApp(t, database, clock);
    const id = await start(app);
    const jobs = await app.app.services.jobs.forInstance(id);
    t.same(jobs.map((j) => [j.elementId, j.dueAt]).sort(), [['ingatkan', WITA('2026-03-09T15:30')], ['tunda', WITA('2026-03-13T15:30')]], 'P1D = Monday 15:30, P5D = next Friday 15:30');

    clock.set(WITA('2026-03-09T15:29'));
    t.same(await app.app.services.executor.runDue(), { fired: 0, failed: 0, incidents: 0, started: 0 }, 'nothing is due a minute early');
    clock.set(WITA('2026-03-09T15:30'));
    t.same(await app.app.services.executor.runDue(), { fired: 1, failed: 0, incidents: 0, started: 0 });
    const after = await tasksOf(app, id);
    t.same(after.map((x) => [x.elementId, x.status]).sort(), [['diingatkan', 'open'], ['tandatangan', 'open']], 'non-interrupting: the escalation task opens, the original stays');
    const events = await eventsOf(app, id);
    t.equal(events.filter((e) => e.type === 'timer.fired' && e.elementId === 'ingatkan').length, 1, 'timer.fired in the trail');
    t.same((await app.app.services.jobs.forInstance(id)).map((j) => j.elementId), ['tunda'], 'the fired job is gone, the other waits');
    t.same(await app.app.services.executor.runDue(), { fired: 0, failed: 0, incidents: 0, started: 0 }, 'a fired job never fires again');

    // The interrupting timer: the task is cancelled and its path taken.
    clock.set(WITA('2026-03-13T15:30'));
    t.same(await app.app.services.executor.runDue(), { fired: 1, failed: 0, incidents: 0, started: 0 });
    const last = await tasksOf(app, id);
    t.equal(last.find((x) => x.elementId === 'tandatangan')?.status, 'cancelled', 'interrupting: the task is cancelled');
    const trail = await eventsOf(app, id);
    t.ok(trail.some((e) => e.type === 'task.cancelled' && e.elementId === 'tandatangan'), 'task.cancelled recorded');
    t.equal(trail.filter((e) => e.type === 'timer.fired').length, 2);
    t.same(await app.app.services.jobs.forInstance(id), [], 'no job left');
    const xes = (await app.call('GET', '/audit/export?format=xes', ADMIN_TOKEN)).body;
    t.equal(xes.match(/key="sop:eventType" value="timer.fired"/g)?.length, 2, 'both firings are events of the XES trace');
    t.ok((await validateXML({ xml: { fileName: 'export.xes', contents: xes }, schema: { fileName: 'xes.xsd', contents: XSD } })).valid, 'and the log is schema-valid');
    const verify = (await app.call('GET', '/audit/verify', ADMIN_TOKEN)).json();
    t.equal(verify.ok, true, 'the hash chain holds with timer events in it');
  });

  t.test(`[${database}] with that Monday a holiday, the P1D timer fires Tuesday 15:30`, async (t) => {
    const clock = new TestClock(new Date(WITA('2026-03-06T15:30')));
    const app = await timerApp(t, database, clock);
    const wita = (await app.call('GET', '/calendars', ADMIN_TOKEN)).json().items.find((c: { id: string }) => c.id === 'wita');
    t.equal((await app.call('PUT', '/calendars/wita', ADMIN_TOKEN, { holidays: [...wita.holidays, { date: '2026-03-09', name: 'Libur uji', kind: 'libur-daerah' }] })).statusCode, 200);
    const id = await start(app);
    const ingatkan = (await app.app.services.jobs.forInstance(id)).find((j) => j.elementId === 'ingatkan');
    t.equal(ingatkan?.dueAt, WITA('2026-03-10T15:30'));
    clock.set(WITA('2026-03-10T15:29'));
    t.equal((await app.app.services.executor.runDue()).fired, 0);
    clock.set(WITA('2026-03-10T15:30'));
    t.equal((await app.app.services.executor.runDue()).fired, 1);
  });

  t.test(`[${database}] a calendar change moves pending working-time jobs in its transaction`, async (t) => {
    const clock = new TestClock(new Date(WITA('2026-03-06T15:30')));
    const app = await timerApp(t, database, clock);
    const id = await start(app);
    const dueOf = async (elementId: string) => (await app.app.services.jobs.forInstance(id)).find((j) => j.elementId === elementId)?.dueAt;
    t.equal(await dueOf('ingatkan'), WITA('2026-03-09T15:30'));
    const wita = (await app.call('GET', '/calendars', ADMIN_TOKEN)).json().items.find((c: { id: string }) => c.id === 'wita');
    t.equal((await app.call('PUT', '/calendars/wita', ADMIN_TOKEN, { holidays: [...wita.holidays, { date: '2026-03-09', name: 'Libur uji', kind: 'libur-daerah' }] })).statusCode, 200);
    t.equal(await dueOf('ingatkan'), WITA('2026-03-10T15:30'), 'P1D now ends Tuesday');
    t.equal(await dueOf('tunda'), WITA('2026-03-16T15:30'), 'P5D a day later too');
    clock.set(WITA('2026-03-09T15:30'));
    t.equal((await app.app.services.executor.runDue()).fired, 0, 'not on the holiday');
    clock.set(WITA('2026-03-10T15:30'));
    t.equal((await app.app.services.executor.runDue()).fired, 1, 'on Tuesday, though the engine had Monday stored');
    // Taking the holiday back makes the interrupting timer due earlier than the engine's stored time: the job wins.
    t.equal((await app.call('PUT', '/calendars/wita', ADMIN_TOKEN, { holidays: wita.holidays })).statusCode, 200);
    t.equal(await dueOf('tunda'), WITA('2026-03-13T15:30'));
    clock.set(WITA('2026-03-13T15:30'));
    t.equal((await app.app.services.executor.runDue()).fired, 1);
    t.equal((await tasksOf(app, id)).find((x) => x.elementId === 'tandatangan')?.status, 'cancelled');
  });

  t.test(`[${database}] a waiting timer survives a restart and fires once from the stored state`, async (t) => {
    const clock = new TestClock(new Date(WITA('2026-03-06T15:30')));
    const dir = tempDir(t);
    fs.copyFileSync(path.join(FIXTURES, 'timers', 'boundary-task.bpmn'), path.join(dir, 'boundary-task.bpmn'));
    const first = await startApp(t, { database, processesDir: dir, clock, dir });
    const id = await start(first);
    await first.close();
    // No engine survives: the new process recovers the case from the database, as after a crash.
    const second = await startApp(t, { databaseUrl: first.databaseUrl, processesDir: dir, clock, dir, engineCacheMiB: 0 });
    clock.set(WITA('2026-03-09T15:30'));
    t.equal((await second.app.services.executor.runDue()).fired, 1);
    t.equal((await second.app.services.executor.runDue()).fired, 0);
    t.same((await tasksOf(second, id)).map((x) => [x.elementId, x.status]).sort(), [['diingatkan', 'open'], ['tandatangan', 'open']]);
  });

  t.test(`[${database}] completing the task deletes its jobs; cancelling the case deletes its jobs`, async (t) => {
    const clock = new TestClock(new Date(WITA('2026-03-06T10:00')));
    const app = await timerApp(t, database, clock);
    const done = await start(app);
    const [task] = await tasksOf(app, done);
    t.equal((await app.call('POST', `/tasks/${task?.id}/complete`, ADMIN_TOKEN, { documents: [], output: [] })).statusCode, 200);
    t.same(await app.app.services.jobs.forInstance(done), [], 'the task ended first: its timers are gone');

    const cancelled = await start(app);
    t.equal((await app.app.services.jobs.forInstance(cancelled)).length, 2);
    t.equal((await app.call('POST', `/instances/${cancelled}/cancel`, ADMIN_TOKEN, { reason: 'uji' })).statusCode, 200);
    t.same(await app.app.services.jobs.forInstance(cancelled), []);
    clock.set(WITA('2026-03-20T10:00'));
    t.same(await app.app.services.executor.runDue(), { fired: 0, failed: 0, incidents: 0, started: 0 });
  });
}
