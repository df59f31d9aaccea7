// The SOP versions, case drivers and the 100-case scenario of the migration tests (test/instances/case-migration*.test.ts).
import type { Test } from 'tap';
import { ADMIN_TOKEN, startApp, type TestApp, type TestDatabase } from './app.js';
import { finishCase } from './drive-case.js';
import { linearDiagram } from './linear-diagram.js';

export const KEY = 'uji-daur';
export const XML = { 'content-type': 'application/xml' };
export const HOUR = 3_600_000;
export const v1 = linearDiagram({ tasks: [{ id: 'a', iso: 'PT1H' }, { id: 'b', iso: 'PT1H' }, { id: 'c', iso: 'PT1H' }, { id: 'd' }] });
// Version 2 renames b to b2, doubles c's standard and drops d.
export const v2 = linearDiagram({ revised: '2026-03-01', tasks: [{ id: 'a', iso: 'PT1H' }, { id: 'b2', name: 'Memeriksa berkas (revisi)', iso: 'PT1H' }, { id: 'c', iso: 'PT2H' }] });

export interface Report {
  summary: { cases: number; movable: number; moved: number; refused: number };
  cases: Array<{ instanceId: string; outcome: string; moves: Array<Record<string, unknown>>; problems: Array<{ code: string; elementId?: string; variable?: string; message: string }> }>;
}

export async function deploy(app: TestApp, xml: string): Promise<void> {
  const res = await app.call('POST', '/definitions', ADMIN_TOKEN, xml, XML);
  if (res.statusCode !== 201) throw new Error(`deploy → ${res.statusCode} ${res.body}`);
}

/** Starts a case and completes its first `steps` tasks; returns its id. */
export async function caseAt(app: TestApp, token: string, steps: number, businessKey?: string): Promise<string> {
  const id = (await app.call('POST', `/definitions/${KEY}/instances`, token, businessKey ? { businessKey } : {})).json().id as string;
  for (let i = 0; i < steps; i++) {
    const task = (await app.call('GET', `/tasks?instanceId=${id}`, token)).json().items[0] as { id: string };
    const done = await app.call('POST', `/tasks/${task.id}/complete`, token, {});
    if (done.statusCode !== 200) throw new Error(`complete → ${done.statusCode} ${done.body}`);
  }
  return id;
}

export const migrate = (app: TestApp, token: string, body: Record<string, unknown>) => app.call('POST', '/migrations', token, { definitionKey: KEY, fromVersion: 1, toVersion: 2, ...body });

/**
 * 100 cases of one SOP at mixed steps (and one at a step version 2 dropped) move to version 2, which renamed b to b2
 * with the mapping given: the dry run reports them all, the migration moves them, the audit trail shows the move,
 * each finishes on version 2, and the case without a target stays and finishes on version 1.
 */
export async function hundredCases(t: Test, database: TestDatabase): Promise<void> {
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
}
