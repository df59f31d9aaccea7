// Overdue marking happens once per task, from the database, also across a restart.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { ADMIN_TOKEN, FIXTURES, startApp, tempDir, TestClock, testDatabases } from '../helpers/app.js';

for (const database of await testDatabases()) {
  t.test(`[${database}] a task past its due date is marked overdue once, also after a restart`, async (t) => {
    const dir = tempDir(t);
    const processes = path.join(dir, 'processes');
    fs.mkdirSync(processes);
    fs.copyFileSync(path.join(FIXTURES, 'two-step.bpmn'), path.join(processes, 'two-step.bpmn'));
    const clock = new TestClock(new Date('2026-03-02T09:00:00+08:00'));
    const first = await startApp(t, { database, dir, processesDir: processes, clock });
    const u = await first.user(['uji/staf']);
    const id = (await first.call('POST', '/definitions/uji-dua-langkah/instances', u.token, {})).json().id as string;

    t.same(await first.app.services.sweeper.sweepOnce(), { marked: 0 }, 'nothing is due yet');
    t.same((await first.call('GET', '/tasks?overdue=true', u.token)).json().items, []);
    clock.advance(16 * 60_000);
    t.same(await first.app.services.sweeper.sweepOnce(), { marked: 1 });
    t.same(await first.app.services.sweeper.sweepOnce(), { marked: 0 }, 'a second sweep marks nothing');
    const overdue = (await first.call('GET', '/tasks?overdue=true', u.token)).json().items;
    t.equal(overdue.length, 1);
    await first.close();

    const second = await startApp(t, { database, dir, processesDir: processes, clock, databaseUrl: first.databaseUrl });
    clock.advance(3600_000);
    t.same(await second.app.services.sweeper.sweepOnce(), { marked: 0 }, 'a restart does not mark it again');
    const events = (await second.call('GET', `/audit/instances/${id}`, ADMIN_TOKEN)).json().events.filter((e: { type: string }) => e.type === 'task.overdue');
    t.equal(events.length, 1);
    t.match(events[0], { elementId: 'terima', role: 'uji/staf', standardMs: 15 * 60_000, breached: true });
    t.match((await second.call('GET', '/audit/verify', ADMIN_TOKEN)).json(), { ok: true });
  });

  t.test(`[${database}] the interval sweeper runs in the background and stops on close`, async (t) => {
    const dir = tempDir(t);
    fs.copyFileSync(path.join(FIXTURES, 'two-step.bpmn'), path.join(dir, 'two-step.bpmn'));
    const clock = new TestClock(new Date('2026-03-02T09:00:00+08:00'));
    const app = await startApp(t, { database, processesDir: dir, clock, app: { sweepIntervalMs: 20 } });
    const u = await app.user(['uji/staf']);
    const id = (await app.call('POST', '/definitions/uji-dua-langkah/instances', u.token, {})).json().id as string;
    clock.advance(20 * 60_000);
    const overdueEvents = async () =>
      ((await app.call('GET', `/audit/instances/${id}`, ADMIN_TOKEN)).json().events as Array<{ type: string }>).filter((e) => e.type === 'task.overdue').length;
    for (let i = 0; i < 100 && (await overdueEvents()) === 0; i++) await new Promise((r) => setTimeout(r, 20));
    t.equal(await overdueEvents(), 1, 'swept in the background');
    await new Promise((r) => setTimeout(r, 100));
    t.equal(await overdueEvents(), 1, 'and only once');
  });

}