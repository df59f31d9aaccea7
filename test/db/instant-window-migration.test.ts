// Rows written before the date window held years ISO text cannot order (10000, negative): migration 014 moves them to
// the window's edge, so a session "due in year 10000" sorts last and is not overdue, on both databases.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { openDatabase } from '../../src/db/knex.js';
import { ADMIN_TOKEN, FIXTURES, startApp, tempDir, TestClock, testDatabases } from '../helpers/app.js';

for (const database of await testDatabases()) {
  t.test(`[${database}] instants outside 1900–2199 are moved to the window's edge at start`, async (t) => {
    const dir = tempDir(t);
    fs.copyFileSync(path.join(FIXTURES, 'scheduled-session.bpmn'), path.join(dir, 'scheduled.bpmn'));
    const clock = new TestClock(new Date('2026-03-02T02:00:00Z'));
    const first = await startApp(t, { database, processesDir: dir, dir, clock });
    const staff = await first.user(['uji/staf']);
    const other = await first.user(['uji/staf']);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await first.call('POST', '/definitions/uji-sesi-terjadwal/instances', staff.token, {})).json().id);
    const delegation = (await first.call('POST', '/delegations', staff.token, { to: other.id, role: 'uji/staf', from: '2026-03-01T00:00:00Z', until: '2026-04-01T00:00:00Z', reason: 'cuti' })).json();
    await first.close();

    // What an earlier release stored for a session scheduled for 9999-12-31, and for year -1.
    const db = openDatabase(first.databaseUrl);
    await db.knex('tasks').where({ instance_id: ids[0] }).update({ starts_at: '9999-12-31T02:00:00.000Z', due_at: '+010000-01-01T03:00:00.000Z' });
    await db.knex('tasks').where({ instance_id: ids[1] }).update({ starts_at: '-000001-01-01T00:00:00.000Z', due_at: '-000001-01-01T01:00:00.000Z' });
    await db.knex('delegations').where({ id: delegation.id }).update({ valid_until: '+010000-01-01T00:00:00.000Z' });
    await db.knex('knex_migrations').where({ name: '014_instant_window' }).del();
    await db.close();

    const app = await startApp(t, { databaseUrl: first.databaseUrl, processesDir: dir, dir, clock });
    const listed = (await app.call('GET', '/tasks?limit=10', ADMIN_TOKEN)).json().items as Array<{ instanceId: string; dueAt: string }>;
    t.same(listed.map((x) => x.instanceId), [ids[1], ids[2], ids[0]], 'year -1 first, year 10000 last');
    t.same(listed.map((x) => x.dueAt), ['1900-01-01T00:00:00.000Z', listed[1]?.dueAt, '2199-12-31T23:59:59.999Z']);
    const overdue = (await app.call('GET', '/tasks?overdue=true', ADMIN_TOKEN)).json().items as Array<{ instanceId: string }>;
    t.same(overdue.map((x) => x.instanceId), [ids[1]], 'the far session is not overdue');
    const kept = (await app.call('GET', '/delegations', ADMIN_TOKEN)).json().items.find((d: { id: string }) => d.id === delegation.id);
    t.equal(kept.validUntil, '2199-12-31T23:59:59.999Z', 'a delegation until year 10000 still holds');
  });
}
