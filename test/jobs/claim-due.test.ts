// Claiming due jobs in one statement: two claimants at once share the due jobs without overlap, earliest due
// first; a job whose lease ran out is claimable again; one not due, or held, is not. On SQLite and PostgreSQL.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { ADMIN_TOKEN, FIXTURES, startApp, tempDir, testDatabases, TestClock } from '../helpers/app.js';

for (const database of await testDatabases()) {
  t.test(`claimDue gives each due job to one claimant (${database})`, async (t) => {
    const dir = tempDir(t);
    fs.copyFileSync(path.join(FIXTURES, 'timers', 'cycle.bpmn'), path.join(dir, 'cycle.bpmn'));
    const clock = new TestClock(new Date('2026-03-09T00:00:00Z'));
    const app = await startApp(t, { processesDir: dir, clock, database });
    const jobs = app.app.services.jobs;
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      ids.push((await app.call('POST', '/definitions/uji-timer-siklus/instances', ADMIN_TOKEN, {})).json().id as string);
      clock.advance(60_000); // each case's job is due a minute after the one before
    }
    const iso = (ms: number) => new Date(clock.now.getTime() + ms).toISOString();
    t.same(await jobs.claimDue('a', clock.now.toISOString(), iso(60_000), 10), [], 'nothing due yet');

    clock.advance(3_600_000);
    const now = clock.now.toISOString();
    const [a, b] = await Promise.all([jobs.claimDue('a', now, iso(60_000), 4), jobs.claimDue('b', now, iso(60_000), 4)]);
    const claimed = [...a, ...b];
    t.equal(claimed.length, 7, 'every due job claimed');
    t.equal(new Set(claimed.map((j) => j.id)).size, 7, 'none claimed twice');
    t.ok(a.every((j) => j.lockedBy === 'a') && b.every((j) => j.lockedBy === 'b'), 'each claim names its owner');
    for (const part of [a, b]) t.same(part.map((j) => j.dueAt), [...part.map((j) => j.dueAt)].sort(), 'earliest due first');
    t.same(await jobs.claimDue('c', now, iso(60_000), 10), [], 'held jobs are not claimed again');

    clock.advance(60_000); // the leases ran out
    const again = await jobs.claimDue('c', clock.now.toISOString(), iso(60_000), 3);
    t.equal(again.length, 3, 'a job whose lease ran out is claimed again');
    t.ok(again.every((j) => j.lockedBy === 'c' && j.lockedUntil === iso(60_000)));
    t.same(again.map((j) => j.instanceId), ids.slice(0, 3), 'the three due earliest');
  });
}
