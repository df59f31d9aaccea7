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
    const events = (await app.call('GET', `/audit/instances/${id}`, ADMIN_TOKEN)).json().events as Array<{ type: string; elementId: string | null; taskId: string | null; data?: unknown }>;
    t.ok(events.some((e) => e.type === 'timer.fired' && e.elementId === 'signature-overdue'));
    t.match(events.filter((e) => e.type === 'task.escalated'), [{ elementId: 'sign-letter', taskId: sign.id, role: 'bkd-kalteng/kepala-badan' }], 'the signature step is escalated');

    // Signed an hour late: the report counts the step's escalation beside its breach.
    clock.advance(3_600_000);
    const done = await app.call('POST', `/tasks/${sign.id}/complete`, ADMIN_TOKEN, { documents: sign.requires.map((name) => ({ name })), output: sign.output.map((name) => ({ name })) });
    t.equal(done.statusCode, 200, done.body);
    const rows = (await app.call('GET', '/audit/report?definitionKey=contoh-kalteng-eskalasi', ADMIN_TOKEN)).json().rows as Array<{ elementId: string; escalations: number; breaches: number }>;
    t.match(rows.find((r) => r.elementId === 'sign-letter'), { escalations: 1, breaches: 1 });
    t.ok(rows.filter((r) => r.elementId !== 'sign-letter').every((r) => r.escalations === 0), 'no other step escalated');
    const xes = (await app.call('GET', '/audit/export?format=xes', ADMIN_TOKEN)).body;
    t.match(xes, /<string key="sop:eventType" value="task\.escalated"\/>/, 'the escalation is an event of the case trace in XES');
  });
}
