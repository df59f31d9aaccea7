// Timer start events: one case per slot across two processes, started by `system` on the current version (none while it is suspended); a new
// version replaces the schedule; a process with an applicant lane cannot be started by a timer.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { ADMIN_TOKEN, FIXTURES, startApp, tempDir, TestClock, testDatabases } from '../helpers/app.js';

const WITA = (local: string) => new Date(`${local}:00+08:00`).toISOString();
const FIXTURE = path.join(FIXTURES, 'timers', 'scheduled-report.bpmn');

for (const database of await testDatabases()) {
  t.test(`[${database}] a cron start timer starts one case per slot with two processes`, async (t) => {
    const dir = tempDir(t);
    fs.copyFileSync(FIXTURE, path.join(dir, 'scheduled-report.bpmn'));
    const clock = new TestClock(new Date(WITA('2026-03-09T10:00')));
    const a = await startApp(t, { database, processesDir: dir, clock, dir });
    const b = await startApp(t, { databaseUrl: a.databaseUrl, processesDir: dir, clock, dir });
    const cases = async () => (await a.call('GET', '/instances?definitionKey=uji-laporan-bulanan', ADMIN_TOKEN)).json().items as Array<{ id: string; startedBy: string }>;

    t.equal((await a.app.services.executor.runDue()).started, 0);
    t.match(await a.app.services.timerStarts.list(), [{ definitionKey: 'uji-laporan-bulanan', elementId: 'awal-bulan', dueAt: WITA('2026-04-01T08:00') }]);
    clock.set(WITA('2026-04-01T08:00'));
    const [ra, rb] = await Promise.all([a.app.services.executor.runDue(), b.app.services.executor.runDue()]);
    t.equal((ra?.started ?? 0) + (rb?.started ?? 0), 1, 'one case for the slot');
    const [first, ...rest] = await cases();
    t.equal(rest.length, 0);
    t.equal(first?.startedBy, 'system', 'started by the built-in system actor');
    const tasks = (await a.call('GET', `/tasks?instanceId=${first?.id}`, ADMIN_TOKEN)).json().items;
    t.match(tasks, [{ elementId: 'susun', status: 'open' }], 'the start event fired at once: the first task is open');
    t.equal((await a.app.services.timerStarts.list())[0]?.dueAt, WITA('2026-05-01T08:00'), 'the next slot');
    t.equal((await b.app.services.executor.runDue()).started, 0, 'a slot starts once');

    // A new version replaces the schedule at its deploy, in the deploying process, for every process.
    const xml = fs.readFileSync(FIXTURE, 'utf8').replace('0 8 1 * *', '0 9 1 * *');
    t.equal((await b.call('POST', '/definitions', ADMIN_TOKEN, xml, { 'content-type': 'application/xml' })).statusCode, 201);
    const [schedule] = await a.app.services.timerStarts.list();
    t.equal(schedule?.dueAt, WITA('2026-04-01T09:00'), 'counted from now by the new version');
    t.equal(schedule?.definitionId, (await a.app.services.definitions.latest('uji-laporan-bulanan'))?.id);

    // A suspended current version has no schedule (DESIGN.md: timer starts use the current, non-suspended version).
    t.equal((await a.call('POST', '/definitions/uji-laporan-bulanan/versions/2/suspend', ADMIN_TOKEN, {})).statusCode, 200);
    t.same(await b.app.services.timerStarts.list(), [], 'no slot while suspended');
    t.equal((await a.call('POST', '/definitions/uji-laporan-bulanan/versions/2/resume', ADMIN_TOKEN, {})).statusCode, 200);
    t.match(await a.app.services.timerStarts.list(), [{ dueAt: WITA('2026-04-01T09:00') }], 'resumed: scheduled again');
  });
}

for (const database of await testDatabases()) {
  t.test(`[${database}] the schedule follows a version's Tanggal Efektif, and an executor round does not re-sync otherwise`, async (t) => {
    const dir = tempDir(t);
    fs.copyFileSync(FIXTURE, path.join(dir, 'scheduled-report.bpmn'));
    const clock = new TestClock(new Date(WITA('2026-03-09T10:00')));
    const app = await startApp(t, { database, processesDir: dir, clock, dir });
    const { executor, timerStarts, db } = app.app.services;
    await executor.runDue();
    t.match(await timerStarts.list(), [{ dueAt: WITA('2026-04-01T08:00') }], 'the first round syncs');
    // A version taking effect on 20 March at 09.00: the current one keeps the schedule until that day.
    const xml = fs.readFileSync(FIXTURE, 'utf8').replace('0 8 1 * *', '0 9 1 * *').replace('effective="2026-01-01"', 'effective="2026-03-20"');
    t.equal((await app.call('POST', '/definitions', ADMIN_TOKEN, xml, { 'content-type': 'application/xml' })).statusCode, 201);
    t.match(await timerStarts.list(), [{ dueAt: WITA('2026-04-01T08:00') }], 'version 2 is not in effect yet');
    // A round without a change leaves the rows alone: one removed by hand stays removed.
    await db.knex('timer_starts').del();
    clock.set(WITA('2026-03-19T23:59'));
    await executor.runDue();
    t.same(await timerStarts.list(), [], 'no sync on an ordinary round');
    clock.set(WITA('2026-03-20T00:00'));
    await executor.runDue();
    const v2 = await app.app.services.definitions.latest('uji-laporan-bulanan');
    t.match(await timerStarts.list(), [{ definitionId: v2?.id, dueAt: WITA('2026-04-01T09:00') }], 'the round at its Tanggal Efektif schedules version 2');
  });
}

t.test('a timer-started process may have no applicant lane', async (t) => {
  const app = await startApp(t, { processesDir: tempDir(t) });
  const xml = fs.readFileSync(FIXTURE, 'utf8').replace('<sop:actor role="uji/staf"/>', '<sop:actor role="uji/pemohon" initiator="true"/>');
  const res = await app.call('POST', '/definitions', ADMIN_TOKEN, xml, { 'content-type': 'application/xml' });
  t.equal(res.statusCode, 400);
  t.match(res.json().details.problems, [{ elementId: 'awal-bulan', message: /has no applicant: lane lane-staf/ }]);
});

t.test('a sync that fails after a committed change is logged, and the next executor round syncs again', async (t) => {
  const { timerStarts } = await import('../../src/jobs/timer-starts.js');
  const errors: string[] = [];
  let reads = 0;
  const knex = (() => {
    reads++;
    throw new Error('database unavailable');
  }) as never;
  const log = { error: (_o: unknown, msg: string) => errors.push(msg) } as never;
  const starts = timerStarts({ knex, definitions: {} as never, timersOf: async () => [], currentOf: async () => undefined, nextEffectiveOf: async () => undefined, calendarOf: async () => ({}) as never, startCase: async () => '', log, clock: () => new Date() });
  await starts.syncAfterChange();
  t.same(errors, ['timer start schedules not synced: the next executor round tries again'], 'logged, not thrown');
  await t.rejects(starts.runDue('owner', new Date().toISOString()), /database unavailable/, 'the round syncs again');
  t.equal(reads, 2);
});
