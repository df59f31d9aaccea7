// What a start and a completion cost PostgreSQL in round trips (each one waits in a busy event loop under load):
// a start is the bearer, the newest version's id, BEGIN, one statement, COMMIT.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { ADMIN_TOKEN, FIXTURES, startApp, tempDir, testDatabases } from '../helpers/app.js';

t.test('[postgres] statements of a start and of a completion', { skip: !(await testDatabases()).includes('postgres') && 'PostgreSQL is not reachable' }, async (t) => {
  const dir = tempDir(t);
  const processesDir = path.join(dir, 'processes');
  fs.mkdirSync(processesDir);
  fs.copyFileSync(path.join(FIXTURES, 'two-step.bpmn'), path.join(processesDir, 'two-step.bpmn'));
  const { app, call, user } = await startApp(t, { database: 'postgres', dir, processesDir });
  const staf = await user(['uji/staf'], 'Staf');
  // The first start compiles the version and takes the audit head the plain way: count from the second.
  await call('POST', '/definitions/uji-dua-langkah/instances', staf.token, {});
  const statements: string[] = [];
  app.services.db.knex.on('query', (q: { sql: string }) => statements.push(q.sql.split(/\s+/).slice(0, 3).join(' ')));

  const started = await call('POST', '/definitions/uji-dua-langkah/instances', staf.token, {});
  t.equal(started.statusCode, 201, started.body);
  t.same(statements, ['select "users".*, "d"."id"', 'select "id", "version",', 'BEGIN;', 'with ahead0 as', 'COMMIT;'], 'five round trips');

  const task = (await call('GET', `/tasks?instanceId=${started.json().id}`, ADMIN_TOKEN)).json().items[0] as { id: string };
  statements.length = 0;
  const done = await call('POST', `/tasks/${task.id}/complete`, staf.token, { documents: [{ name: 'Surat Permohonan' }], output: [{ name: 'Agenda' }] });
  t.equal(done.statusCode, 200, done.body);
  t.same(
    statements,
    ['select "users".*, "d"."id"', 'select * from', 'select "id", "definition_id",', 'select * from', 'BEGIN;', 'update "instances" set', 'update "tasks" set', 'with ahead0 as', 'COMMIT;'],
    'the bearer, the task, the instance, its open tasks; then the revision, the task, the new task with the events',
  );
  t.match((await call('GET', '/audit/verify', ADMIN_TOKEN)).json(), { ok: true });
});
