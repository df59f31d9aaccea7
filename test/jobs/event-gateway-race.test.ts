// An event-based gateway racing a message against a timer (issue 19): whichever comes first takes its branch, and
// the engine discards the other, so the loser's job or subscription is gone in the same transaction.
import fs from 'node:fs';
import path from 'node:path';
import t, { type Test } from 'tap';
import { ADMIN_TOKEN, startApp, tempDir, TestClock, testDatabases, type TestApp } from '../helpers/app.js';

const EXAMPLE = fs.readFileSync(path.resolve(import.meta.dirname, '..', '..', 'examples', 'event-gateway.bpmn'), 'utf8');
const WIB = (local: string) => new Date(`${local}:00+07:00`).toISOString();

async function startCase(t: Test, app: TestApp, businessKey: string): Promise<string> {
  const res = await app.call('POST', '/definitions/contoh-gerbang-peristiwa/instances', ADMIN_TOKEN, { businessKey });
  t.equal(res.statusCode, 201, res.body);
  return res.json().id as string;
}

const openTasks = async (app: TestApp, id: string) => ((await app.call('GET', `/instances/${id}`, ADMIN_TOKEN)).json().openTasks as Array<{ elementId: string }>).map((x) => x.elementId);

for (const database of await testDatabases()) {
  t.test(`[${database}] a message and a working-time timer race at an event-based gateway`, async (t) => {
    const clock = new TestClock(new Date(WIB('2026-03-02T09:00')));
    const app = await startApp(t, { database, processesDir: tempDir(t), clock, app: { calendarRefreshMs: 0 } });
    const deployed = await app.call('POST', '/definitions', ADMIN_TOKEN, EXAMPLE, { 'content-type': 'application/xml' });
    t.equal(deployed.statusCode, 201, deployed.body);
    const loket = await app.user(['contoh/loket'], 'Loket');
    const { jobs, subscriptions, executor } = app.app.services;

    const answered = await startCase(t, app, 'R-1');
    const waited = await startCase(t, app, 'R-2');
    const [job] = await jobs.forInstance(answered);
    t.match(job, { elementId: 'batas', dueAt: WIB('2026-03-09T09:00') }, 'five working days: the next Monday at the same office time');
    t.same((await subscriptions.forInstance(answered)).map((s) => s.kind).sort(), ['message', 'signal']);

    // The message comes first: the timer's job goes with the discarded branch.
    t.equal((await app.call('POST', '/messages', loket.token, { name: 'JawabanPemohon', businessKey: 'R-1' })).statusCode, 200);
    t.same(await jobs.forInstance(answered), [], 'the timer no longer waits');
    t.same(await openTasks(app, answered), ['proses']);

    // The timer comes first: the message finds no case waiting any more.
    clock.set(WIB('2026-03-09T09:00'));
    t.match(await executor.runDue(), { fired: 1, failed: 0, incidents: 0 }, 'only the case still waiting fires');
    t.same(await openTasks(app, waited), ['tanpa-jawaban']);
    t.same(await subscriptions.forInstance(waited), [], 'the message and signal branches no longer wait');
    t.equal((await app.call('POST', '/messages', loket.token, { name: 'JawabanPemohon', businessKey: 'R-2' })).statusCode, 404);
    t.match(await executor.runDue(), { fired: 0 }, 'a fired timer never fires again');
    const trail = (await app.call('GET', `/audit/instances/${waited}`, ADMIN_TOKEN)).json().events as Array<{ type: string; elementId?: string }>;
    t.ok(trail.some((e) => e.type === 'timer.fired' && e.elementId === 'batas'), 'timer.fired is in the case trail');
    t.notOk(trail.some((e) => e.type === 'message.delivered'));
  });
}
