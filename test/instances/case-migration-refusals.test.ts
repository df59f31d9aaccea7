// What a case migration refuses (no target, another kind, a variable read unset, history that does not replay, a
// child case, a case that moved on meanwhile), who may ask, and the carriers' hook into the case's transaction.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { ADMIN_TOKEN, startApp } from '../helpers/app.js';
import { linearDiagram } from '../helpers/linear-diagram.js';
import { caseAt, deploy, KEY, migrate, v1, v2, type Report } from '../helpers/migration-scenario.js';

t.test('what a migration refuses, and who may ask', async (t) => {
  const app = await startApp(t);
  await deploy(app, v1);
  const staff = await app.user(['uji/staf'], 'Staf');
  const owner = await app.user(['owner:uji'], 'Pemilik');
  const other = await app.user(['owner:ipdn'], 'Pemilik lain');
  const atA = await caseAt(app, staff.token, 0);
  const atB = await caseAt(app, staff.token, 1, 'DI-B');
  const atC = await caseAt(app, staff.token, 2);
  await deploy(app, v2);
  // Version 3 reads `prioritas` after c, which only a's form sets.
  await deploy(app, linearDiagram({ tasks: [{ id: 'a', fields: ['prioritas'] }, { id: 'b' }, { id: 'c' }], decision: { after: 'c', variable: 'prioritas' } }));

  t.equal((await migrate(app, staff.token, { dryRun: true })).statusCode, 403);
  t.equal((await migrate(app, other.token, { dryRun: true })).statusCode, 403);
  t.equal((await migrate(app, owner.token, { toVersion: 9, dryRun: true })).statusCode, 404);
  t.match((await migrate(app, owner.token, { toVersion: 1, dryRun: true })).json(), { statusCode: 400, details: { fields: [{ name: 'toVersion' }] } });
  t.match((await migrate(app, owner.token, { mapping: { zz: 'b2' }, dryRun: true })).json(), { statusCode: 400, details: { fields: [{ name: 'mapping.zz', message: /version 1 has no element zz/ }] } });
  t.match((await migrate(app, owner.token, { mapping: { b: 'zz' }, dryRun: true })).json(), { statusCode: 400, details: { fields: [{ name: 'mapping.b', message: /version 2 has no element zz/ }] } });
  t.match((await migrate(app, owner.token, { instanceIds: [atA], filter: {}, dryRun: true })).json(), { statusCode: 400, details: { fields: [{ name: 'filter' }] } });

  const byKind = (await migrate(app, owner.token, { mapping: { b: 'e' }, filter: { businessKey: 'DI-B' }, dryRun: true })).json() as Report;
  t.match(byKind.cases, [{ instanceId: atB, outcome: 'refused', problems: [{ code: 'kind-mismatch', elementId: 'b', message: /bpmn:UserTask.*bpmn:EndEvent/ }] }], 'a target of another kind');

  const wrongWait = (await migrate(app, owner.token, { mapping: { b: 'b2', c: 'a' }, instanceIds: [atC, 'no-such-case'], dryRun: true })).json() as Report;
  t.match(wrongWait.cases, [
    { instanceId: atC, outcome: 'refused', problems: [{ code: 'replay', message: /does not wait where the mapping puts the case/ }] },
    { instanceId: 'no-such-case', outcome: 'refused', problems: [{ code: 'not-applicable' }] },
  ]);

  const reads = (await migrate(app, owner.token, { toVersion: 3, dryRun: true, filter: { startedAfter: '2026-03-01T00:00:00Z', startedBefore: '2026-03-03T00:00:00Z' } })).json() as Report;
  const outcome = (id: string) => reads.cases.find((c) => c.instanceId === id);
  t.match(outcome(atA), { outcome: 'movable' }, 'a sets prioritas before the decision reads it');
  t.match(outcome(atC), { outcome: 'refused', problems: [{ code: 'variable-unset', elementId: 'g', variable: 'prioritas' }] }, 'a case past a reads it unset');
  // b's history holds a completed a, which version 3 has: the only problem is the read.
  t.match(outcome(atB)?.problems, [{ code: 'variable-unset', variable: 'prioritas' }]);
  const none = (await migrate(app, owner.token, { toVersion: 3, dryRun: true, filter: { startedBefore: '2026-03-01T00:00:00Z' } })).json() as Report;
  t.equal(none.summary.cases, 0);

  // History: a case that completed b cannot be replayed on a version with no target for it.
  const history = (await app.call('POST', '/migrations', owner.token, { definitionKey: KEY, fromVersion: 1, toVersion: 2, instanceIds: [atC], dryRun: true })).json() as Report;
  t.match(history.cases[0]?.problems, [{ code: 'history', elementId: 'b', message: /completed b/ }]);
  t.equal((await app.call('GET', `/instances/${atC}`, ADMIN_TOKEN)).json().version, 1);
});

t.test('a case waiting on a child case is refused by name', async (t) => {
  const app = await startApp(t, { app: { calendarRefreshMs: 0 } });
  const dir = path.resolve(import.meta.dirname, 'call-activities');
  const parentXml = fs.readFileSync(path.join(dir, 'parent.bpmn'), 'utf8');
  await deploy(app, fs.readFileSync(path.join(dir, 'child.bpmn'), 'utf8'));
  await deploy(app, parentXml);
  const staff = await app.user(['uji/staf'], 'Staf');
  const started = (await app.call('POST', '/definitions/uji-induk/instances', staff.token, {})).json().id as string;
  const first = (await app.call('GET', `/tasks?instanceId=${started}`, staff.token)).json().items[0] as { id: string };
  t.equal((await app.call('POST', `/tasks/${first.id}/complete`, staff.token, { output: [{ name: 'Agenda' }], variables: { jenis: 'baru' } })).statusCode, 200);
  const child = (await app.call('GET', `/instances/${started}`, ADMIN_TOKEN)).json().childInstanceIds[0] as string;
  await deploy(app, parentXml.replace('name="Menerima permohonan"', 'name="Menerima permohonan (revisi)"'));
  const res = await app.call('POST', '/migrations', ADMIN_TOKEN, { definitionKey: 'uji-induk', fromVersion: 1, toVersion: 2 });
  t.equal(res.statusCode, 200, res.body);
  const report = res.json() as Report;
  t.match(report.cases, [{ instanceId: started, outcome: 'refused', problems: [{ code: 'carrier', elementId: 'pemeriksaan', message: new RegExp(`waits on child case ${child}`) }] }]);
  t.equal((await app.call('GET', `/instances/${started}`, ADMIN_TOKEN)).json().version, 1);
});

t.test('a carrier moves its rows in the case transaction; a case that moved on meanwhile stays and is reported', async (t) => {
  const app = await startApp(t);
  await deploy(app, v1);
  const staff = await app.user(['uji/staf'], 'Staf');
  const calm = await caseAt(app, staff.token, 0);
  const busy = await caseAt(app, staff.token, 0);
  const broken = await caseAt(app, staff.token, 1);
  await deploy(app, v2);
  const carried: string[] = [];
  app.app.services.migrationCarriers.push({
    name: 'test carrier',
    async check(c) {
      // Someone completes the busy case's task after it was read for the migration.
      if (c.instance.id === busy) {
        const task = (await app.call('GET', `/tasks?instanceId=${busy}`, staff.token)).json().items[0] as { id: string };
        t.equal((await app.call('POST', `/tasks/${task.id}/complete`, staff.token, {})).statusCode, 200);
      }
      return [];
    },
    async move(trx, c) {
      t.ok(await trx('instances').where({ id: c.instance.id, version: 2 }).first(), 'inside the transaction that moves the case');
      if (c.instance.id === broken) throw new Error('the carrier cannot write its rows');
      carried.push(c.instance.id);
    },
  });
  const report = (await migrate(app, ADMIN_TOKEN, { mapping: { b: 'b2' } })).json() as Report;
  t.match(report.cases.find((c) => c.instanceId === calm), { outcome: 'moved' });
  t.match(report.cases.find((c) => c.instanceId === busy), { outcome: 'refused', problems: [{ code: 'changed', message: /moved on while it was checked/ }] });
  t.match(report.cases.find((c) => c.instanceId === broken), { outcome: 'refused', problems: [{ code: 'changed', message: /rolled back: the carrier cannot write its rows/ }] });
  t.match((await app.call('GET', `/instances/${broken}`, ADMIN_TOKEN)).json(), { version: 1, openTasks: [{ elementId: 'b', version: 1 }] }, 'a move that fails leaves nothing half-written');
  t.same(carried, [calm]);
  t.match((await app.call('GET', `/instances/${busy}`, ADMIN_TOKEN)).json(), { version: 1, openTasks: [{ elementId: 'b' }] });
});

t.test('a case waiting for a message is refused by name and stays on its version', async (t) => {
  const app = await startApp(t);
  const xml = fs.readFileSync(path.resolve(import.meta.dirname, '..', '..', 'examples', 'receive-task.bpmn'), 'utf8');
  await deploy(app, xml);
  const started = (await app.call('POST', '/definitions/contoh-tugas-terima/instances', ADMIN_TOKEN, { businessKey: 'M-1' })).json().id as string;
  await deploy(app, xml.replace('name="Mengumumkan hasil"', 'name="Mengumumkan hasil (revisi)"'));
  const res = await app.call('POST', '/migrations', ADMIN_TOKEN, { definitionKey: 'contoh-tugas-terima', fromVersion: 1, toVersion: 2 });
  t.equal(res.statusCode, 200, res.body);
  t.match((res.json() as Report).cases, [{ instanceId: started, outcome: 'refused', problems: [{ code: 'carrier', elementId: 'terima-hasil', message: /waits for message HasilAsesmen/ }] }]);
  t.equal((await app.call('GET', `/instances/${started}`, ADMIN_TOKEN)).json().version, 1);
});
