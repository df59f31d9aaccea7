// Moving running cases to another version, as Camunda's migration API: a dry run reports every case, the migration
// moves each passing case in its own transaction (engine state, task rows with the new standard, an audit event),
// each moved case finishes on the new version, and a case that cannot move stays where it was.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { ADMIN_TOKEN, startApp, testDatabases, type TestApp } from '../helpers/app.js';
import { finishCase } from '../helpers/drive-case.js';
import { linearDiagram } from '../helpers/linear-diagram.js';

const KEY = 'uji-daur';
const XML = { 'content-type': 'application/xml' };
const HOUR = 3_600_000;
const v1 = linearDiagram({ tasks: [{ id: 'a', iso: 'PT1H' }, { id: 'b', iso: 'PT1H' }, { id: 'c', iso: 'PT1H' }, { id: 'd' }] });
// Version 2 renames b to b2, doubles c's standard and drops d.
const v2 = linearDiagram({ revised: '2026-03-01', tasks: [{ id: 'a', iso: 'PT1H' }, { id: 'b2', name: 'Memeriksa berkas (revisi)', iso: 'PT1H' }, { id: 'c', iso: 'PT2H' }] });

interface Report {
  summary: { cases: number; movable: number; moved: number; refused: number };
  cases: Array<{ instanceId: string; outcome: string; moves: Array<Record<string, unknown>>; problems: Array<{ code: string; elementId?: string; variable?: string; message: string }> }>;
}

async function deploy(app: TestApp, xml: string): Promise<void> {
  const res = await app.call('POST', '/definitions', ADMIN_TOKEN, xml, XML);
  if (res.statusCode !== 201) throw new Error(`deploy → ${res.statusCode} ${res.body}`);
}

/** Starts a case and completes its first `steps` tasks; returns its id. */
async function caseAt(app: TestApp, token: string, steps: number, businessKey?: string): Promise<string> {
  const id = (await app.call('POST', `/definitions/${KEY}/instances`, token, businessKey ? { businessKey } : {})).json().id as string;
  for (let i = 0; i < steps; i++) {
    const task = (await app.call('GET', `/tasks?instanceId=${id}`, token)).json().items[0] as { id: string };
    const done = await app.call('POST', `/tasks/${task.id}/complete`, token, {});
    if (done.statusCode !== 200) throw new Error(`complete → ${done.statusCode} ${done.body}`);
  }
  return id;
}

const migrate = (app: TestApp, token: string, body: Record<string, unknown>) => app.call('POST', '/migrations', token, { definitionKey: KEY, fromVersion: 1, toVersion: 2, ...body });

for (const database of await testDatabases()) {
  t.test(`${database}: 100 cases at mixed steps move to a version that renamed a task`, async (t) => {
    const app = await startApp(t, { database });
    await deploy(app, v1);
    const staff = await app.user(['uji/staf'], 'Staf');
    const owner = await app.user(['owner:uji'], 'Pemilik');
    const ids: string[] = [];
    for (let i = 0; i < 100; i++) ids.push(await caseAt(app, staff.token, i % 3));
    const atD = await caseAt(app, staff.token, 3, 'DI-D');
    await deploy(app, v2);

    const dry = await migrate(app, owner.token, { mapping: { b: 'b2' }, dryRun: true });
    t.equal(dry.statusCode, 200, dry.body);
    const plan = dry.json() as Report;
    t.same(plan.summary, { cases: 101, movable: 100, moved: 0, refused: 1 }, 'the dry run reports every case');
    const refused = plan.cases.find((c) => c.instanceId === atD);
    t.match(refused, { outcome: 'refused', problems: [{ code: 'no-target', elementId: 'd', message: /version 2 has no element d/ }] });
    const atC = ids[2] as string;
    t.match(plan.cases.find((c) => c.instanceId === atC)?.moves, [
      { from: 'c', to: 'c', standardMs: { from: HOUR, to: 2 * HOUR }, dueAt: { from: '2026-03-02T02:00:00.000Z', to: '2026-03-02T03:00:00.000Z' }, timeStandard: { from: { iso: 'PT1H' }, to: { iso: 'PT2H' } } },
    ]);
    t.match(plan.cases.find((c) => c.instanceId === ids[1])?.moves, [{ from: 'b', to: 'b2', name: { from: 'Langkah b', to: 'Memeriksa berkas (revisi)' } }]);
    t.equal((await app.call('GET', `/instances/${atC}`, staff.token)).json().version, 1, 'a dry run changes nothing');

    const run = await migrate(app, owner.token, { mapping: { b: 'b2' } });
    t.equal(run.statusCode, 200, run.body);
    t.same((run.json() as Report).summary, { cases: 101, movable: 0, moved: 100, refused: 1 });
    const moved = (await app.call('GET', `/instances/${atC}`, staff.token)).json();
    t.match(moved, { version: 2, openTasks: [{ elementId: 'c', version: 2, dueAt: '2026-03-02T03:00:00.000Z', timeStandard: { iso: 'PT2H' } }] });
    t.match((await app.call('GET', `/instances/${ids[1]}`, staff.token)).json().openTasks, [{ elementId: 'b2', name: 'Memeriksa berkas (revisi)', version: 2 }]);
    t.equal((await app.call('GET', `/instances/${atD}`, staff.token)).json().version, 1, 'the refused case stays where it was');

    const trail = (await app.call('GET', `/audit/instances/${ids[1]}`, ADMIN_TOKEN)).json().events as Array<Record<string, unknown>>;
    t.match(
      trail.find((e) => e.type === 'instance.migrated'),
      { version: 2, userId: owner.id, migration: { fromVersion: 1, toVersion: 2, tasks: [{ from: 'b', to: 'b2', standardMs: { from: HOUR, to: HOUR } }] } },
      'the audit trail shows the move, naming both versions',
    );

    const expected = [['a', 'b2', 'c'], ['b2', 'c'], ['c']];
    const finished = await Promise.all(ids.map((id) => finishCase(app, id, staff.token)));
    t.same(
      finished.filter((done, i) => JSON.stringify(done) !== JSON.stringify(expected[i % 3])),
      [],
      'each moved case finishes on the new version',
    );
    t.same(await finishCase(app, atD, staff.token), ['d'], 'the refused case finishes on its own version');
    const last = (await app.call('GET', `/audit/instances/${atC}`, ADMIN_TOKEN)).json().events as Array<Record<string, unknown>>;
    t.match(last.filter((e) => e.type === 'task.completed').at(-1), { elementId: 'c', version: 2, standardMs: 2 * HOUR });
    t.equal((await app.call('GET', '/audit/verify', ADMIN_TOKEN)).json().ok, true);
  });
}

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
      carried.push(c.instance.id);
    },
  });
  const report = (await migrate(app, ADMIN_TOKEN, { mapping: { b: 'b2' } })).json() as Report;
  t.match(report.cases.find((c) => c.instanceId === calm), { outcome: 'moved' });
  t.match(report.cases.find((c) => c.instanceId === busy), { outcome: 'refused', problems: [{ code: 'changed', message: /moved on while it was checked/ }] });
  t.same(carried, [calm]);
  t.match((await app.call('GET', `/instances/${busy}`, ADMIN_TOKEN)).json(), { version: 1, openTasks: [{ elementId: 'b' }] });
});
