// A delegation ends with its delegator's role or account, at once when revoked, and covers a bounded period; an
// overlapping second delegation of the same role is refused; an owner may give a task to a current delegate.
import fs from 'node:fs';
import path from 'node:path';
import t, { type Test } from 'tap';
import { ADMIN_TOKEN, FIXTURES, startApp, tempDir, TestClock, testDatabases, type TestApp } from '../helpers/app.js';

const docs = { documents: [{ name: 'Surat Permohonan' }], output: [{ name: 'Agenda' }] };
const decide = { output: [{ name: 'Keputusan' }], variables: { setuju: 'tidak' } };
const period = { from: '2026-03-02T00:00:00Z', until: '2026-03-09T00:00:00Z', reason: 'Kepala cuti; Plh. ditunjuk' };

async function setUp(t: Test, database: 'sqlite' | 'postgres' = 'sqlite') {
  const dir = tempDir(t);
  fs.copyFileSync(path.join(FIXTURES, 'two-step.bpmn'), path.join(dir, 'two-step.bpmn'));
  const app = await startApp(t, { processesDir: dir, database, clock: new TestClock(new Date('2026-03-02T09:00:00+08:00')) });
  const staf = await app.user(['uji/staf'], 'Staf');
  const kepala = await app.user(['uji/kepala'], 'Kepala');
  const plh = await app.user(['uji/staf'], 'Plh. Kepala');
  /** A case whose decision task (role uji/kepala) is open. */
  const decision = async () => {
    const id = (await app.call('POST', '/definitions/uji-dua-langkah/instances', staf.token, {})).json().id as string;
    const first = (await app.call('GET', `/tasks?instanceId=${id}`, staf.token)).json().items[0];
    await app.call('POST', `/tasks/${first.id}/complete`, staf.token, docs);
    return { id, taskId: (await app.call('GET', `/tasks?instanceId=${id}`, kepala.token)).json().items[0].id as string };
  };
  const delegate = (token = kepala.token, body: Record<string, unknown> = {}) => app.call('POST', '/delegations', token, { to: plh.id, role: 'uji/kepala', ...period, ...body });
  return { app, staf, kepala, plh, decision, delegate };
}

const auditTypes = async (app: TestApp, type: string) => (await app.app.services.db.knex('audit_events').where({ type })).map((r: { data: string }) => JSON.parse(r.data));

for (const database of await testDatabases()) {
  t.test(`${database}: a delegation ends with its delegator's role and account`, async (t) => {
    const { app, kepala, plh, decision, delegate } = await setUp(t, database);
    const made = (await delegate()).json();
    const a = await decision();
    t.equal((await app.call('GET', `/tasks/${a.taskId}`, plh.token)).statusCode, 200, 'while it holds, the delegate sees the task');

    t.equal((await app.call('PATCH', `/users/${kepala.id}`, ADMIN_TOKEN, { roles: ['uji/staf'] })).statusCode, 200);
    t.equal((await app.call('POST', `/tasks/${a.taskId}/complete`, plh.token, decide)).statusCode, 403, 'the delegator lost the role: so did the delegate');
    t.equal((await app.call('PATCH', `/users/${kepala.id}`, ADMIN_TOKEN, { active: false })).statusCode, 200);
    t.equal((await app.call('POST', `/tasks/${a.taskId}/complete`, plh.token, decide)).statusCode, 403, 'and after the deactivation too');
    const listed = (await app.call('GET', '/delegations', plh.token)).json().items.find((d: { id: string }) => d.id === made.id);
    const admin = (await app.call('GET', '/me', ADMIN_TOKEN)).json().id as string;
    t.match(listed, { revokedAt: '2026-03-02T01:00:00.000Z', revokedBy: admin }, 'the list shows when and by whom it ended');
    t.match(await auditTypes(app, 'delegation.revoked'), [{ id: made.id, cause: 'role removed' }], 'the end is in the audit chain');

    // Giving the role back does not revive an ended delegation.
    await app.call('PATCH', `/users/${kepala.id}`, ADMIN_TOKEN, { active: true, roles: ['uji/kepala'] });
    t.equal((await app.call('POST', `/tasks/${a.taskId}/complete`, plh.token, decide)).statusCode, 403);
  });
}

t.test('a delegation holds only while its delegator holds the role, whatever wrote the user row', async (t) => {
  const { app, kepala, plh, decision, delegate } = await setUp(t);
  await delegate();
  const a = await decision();
  // Not through the API (which ends the delegation too): the request-time check alone must refuse.
  await app.app.services.db.knex('users').where({ id: kepala.id }).update({ active: false });
  t.equal((await app.call('POST', `/tasks/${a.taskId}/complete`, plh.token, decide)).statusCode, 403, 'an inactive delegator lends nothing');
  await app.app.services.db.knex('users').where({ id: kepala.id }).update({ active: true, roles: JSON.stringify(['uji/staf']) });
  t.equal((await app.call('POST', `/tasks/${a.taskId}/complete`, plh.token, decide)).statusCode, 403, 'nor one who no longer holds the role');
  await app.app.services.db.knex('users').where({ id: kepala.id }).update({ roles: JSON.stringify(['uji/kepala']) });
  t.equal((await app.call('POST', `/tasks/${a.taskId}/complete`, plh.token, decide)).statusCode, 200);
});

t.test('POST /delegations/:id/revoke ends it at once (delegator, admin)', async (t) => {
  const { app, staf, kepala, plh, decision, delegate } = await setUp(t);
  const id = (await delegate()).json().id as string;
  const a = await decision();
  t.equal((await app.call('POST', `/delegations/${id}/revoke`, plh.token)).statusCode, 403, 'not the delegate');
  t.equal((await app.call('POST', `/delegations/${id}/revoke`, staf.token)).statusCode, 404, 'a stranger does not see it');
  t.equal((await app.call('POST', '/delegations/nothing/revoke', kepala.token)).statusCode, 404);
  const revoked = await app.call('POST', `/delegations/${id}/revoke`, kepala.token, { reason: 'Kepala kembali bertugas' });
  t.match(revoked.json(), { id, revokedBy: kepala.id, revokedAt: '2026-03-02T01:00:00.000Z' }, revoked.body);
  t.equal((await app.call('POST', `/tasks/${a.taskId}/complete`, plh.token, decide)).statusCode, 403, 'the delegate loses the role at once');
  t.match((await app.call('POST', `/delegations/${id}/revoke`, kepala.token)).json(), { statusCode: 409, details: { state: 'revoked' } });
  t.match(await auditTypes(app, 'delegation.revoked'), [{ id, cause: 'revoked', reason: 'Kepala kembali bertugas' }]);

  const second = (await delegate(kepala.token, { from: '2026-03-10T00:00:00Z', until: '2026-03-11T00:00:00Z' })).json().id as string;
  t.equal((await app.call('POST', `/delegations/${second}/revoke`, ADMIN_TOKEN)).statusCode, 200, 'an admin may end it');
  const third = (await delegate(kepala.token, { from: '2026-03-01T00:00:00Z', until: '2026-03-02T00:30:00Z' })).json().id as string;
  t.match((await app.call('POST', `/delegations/${third}/revoke`, kepala.token)).json(), { statusCode: 409, details: { state: 'ended' } }, 'one already over');
});

t.test('periods are bounded and overlapping delegations of one role are refused', async (t) => {
  const { app, kepala, delegate } = await setUp(t);
  const long = await delegate(kepala.token, { until: '2027-03-04T00:00:00Z' });
  t.match(long.json(), { statusCode: 400, details: { fields: [{ name: 'until' }] } }, 'longer than a year');
  t.equal((await delegate(kepala.token, { until: '2027-03-02T00:00:00Z' })).statusCode, 201, '365 days is fine');
  const other = await app.user(['uji/staf'], 'Plh. kedua');
  const overlap = await app.call('POST', '/delegations', kepala.token, { to: other.id, role: 'uji/kepala', ...period, from: '2026-06-01T00:00:00Z', until: '2026-06-02T00:00:00Z' });
  t.match(overlap.json(), { statusCode: 409, code: 'SOP_ERR_CONFLICT', details: { state: 'overlap' } }, 'a second acting official for the same time');
});

t.test('an owner may assign a task to a current delegate of its role', async (t) => {
  const { app, kepala, plh, decision, delegate } = await setUp(t);
  const owner = await app.user(['owner:uji'], 'Pemilik');
  const a = await decision();
  t.equal((await app.call('POST', `/tasks/${a.taskId}/assign`, owner.token, { userId: plh.id })).statusCode, 422, 'not before the delegation');
  const id = (await delegate()).json().id as string;
  const assigned = await app.call('POST', `/tasks/${a.taskId}/assign`, owner.token, { userId: plh.id });
  t.match(assigned.json(), { status: 'claimed', assignee: plh.id }, assigned.body);
  const claimed = (await app.call('GET', `/audit/instances/${a.id}`, ADMIN_TOKEN)).json().events.filter((e: { type: string }) => e.type === 'task.claimed').at(-1);
  t.match(claimed, { userId: plh.id, role: 'uji/kepala', actingFor: kepala.id }, 'the trail names whom the delegate acts for');
  t.equal((await app.call('POST', `/tasks/${a.taskId}/complete`, plh.token, decide)).statusCode, 200);

  const b = await decision();
  await app.call('POST', `/delegations/${id}/revoke`, kepala.token);
  t.equal((await app.call('POST', `/tasks/${b.taskId}/assign`, owner.token, { userId: plh.id })).statusCode, 422, 'not after it ended');
});
