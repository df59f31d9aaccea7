// examples/kalteng-eskalasi-tanda-tangan.bpmn (issue 19 item 7): the Kalteng SOP with the Kepala Badan's signature
// escalated at its mutu baku. A non-interrupting sop:at="dueAt" timer opens the Sekretaris's reminder when the
// signature becomes overdue, and the Kepala Badan's task stays open.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { ADMIN_TOKEN, startApp, tempDir, TestClock, testDatabases } from '../helpers/app.js';
import { advanceCase } from '../helpers/drive-case.js';

const EXAMPLE = fs.readFileSync(path.resolve(import.meta.dirname, '..', '..', 'examples', 'kalteng-eskalasi-tanda-tangan.bpmn'), 'utf8');
const WIB = (local: string) => new Date(`${local}:00+07:00`).toISOString();

for (const database of await testDatabases()) {
  t.test(`[${database}] the signature step escalates to the Sekretaris at its mutu baku`, async (t) => {
    const clock = new TestClock(new Date(WIB('2026-03-05T09:00')));
    const app = await startApp(t, { database, processesDir: tempDir(t), clock, app: { calendarRefreshMs: 0 } });
    const deployed = await app.call('POST', '/definitions', ADMIN_TOKEN, EXAMPLE, { 'content-type': 'application/xml' });
    t.equal(deployed.statusCode, 201, deployed.body);
    const id = (await app.call('POST', '/definitions/contoh-kalteng-eskalasi/instances', ADMIN_TOKEN, {})).json().id as string;
    const admin = new Proxy({}, { get: () => ADMIN_TOKEN }) as Record<string, string>;
    const sign = await advanceCase(app, id, admin, 'sign-letter', { 'give-consultation': { penjelasanCukup: 'tidak' } });
    const task = (await app.call('GET', `/tasks/${sign.id}`, ADMIN_TOKEN)).json() as { dueAt: string };
    t.equal(task.dueAt, WIB('2026-03-06T09:00'), 'one working day after it opened');
    const { executor } = app.app.services;

    clock.set(new Date(Date.parse(task.dueAt) - 60_000).toISOString());
    t.match(await executor.runDue(), { fired: 0 }, 'not a minute early');
    clock.set(task.dueAt);
    t.match(await executor.runDue(), { fired: 1, failed: 0 });
    const open = ((await app.call('GET', `/instances/${id}`, ADMIN_TOKEN)).json().openTasks as Array<{ elementId: string; role: string }>).map((x) => [x.elementId, x.role]).sort();
    t.same(open, [['remind-head', 'bkd-kalteng/sekretaris'], ['sign-letter', 'bkd-kalteng/kepala-badan']], 'the reminder opens beside the signature');
    const events = (await app.call('GET', `/audit/instances/${id}`, ADMIN_TOKEN)).json().events as Array<{ type: string; elementId: string | null }>;
    t.ok(events.some((e) => e.type === 'timer.fired' && e.elementId === 'signature-overdue'));
  });
}
