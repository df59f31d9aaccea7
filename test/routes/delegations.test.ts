// An acting official (Plh./Plt.) completes the delegating official's tasks during the delegation, the audit
// trail names both, and the day after it ends the delegate gets 403.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { ADMIN_TOKEN, FIXTURES, startApp, tempDir, TestClock } from '../helpers/app.js';

t.test('a delegation lends a role for its period only', async (t) => {
  const dir = tempDir(t);
  fs.copyFileSync(path.join(FIXTURES, 'two-step.bpmn'), path.join(dir, 'two-step.bpmn'));
  const clock = new TestClock(new Date('2026-03-02T09:00:00+08:00'));
  const app = await startApp(t, { processesDir: dir, clock });
  const staf = await app.user(['uji/staf'], 'Staf');
  const kepala = await app.user(['uji/kepala'], 'Kepala');
  const plh = await app.user(['uji/staf'], 'Plh. Kepala');
  const docs = { documents: [{ name: 'Surat Permohonan' }], output: [{ name: 'Agenda' }] };
  const decide = { output: [{ name: 'Keputusan' }], variables: { setuju: 'tidak' } };
  const startToDecision = async () => {
    const id = (await app.call('POST', '/definitions/uji-dua-langkah/instances', staf.token, {})).json().id as string;
    const first = (await app.call('GET', `/tasks?instanceId=${id}`, staf.token)).json().items[0];
    await app.call('POST', `/tasks/${first.id}/complete`, staf.token, docs);
    return { id, task: (await app.call('GET', `/tasks?instanceId=${id}`, kepala.token)).json().items[0] };
  };

  const bad = [
    [{ to: plh.id, role: 'uji/staf', from: '2026-03-02T00:00:00Z', until: '2026-03-03T00:00:00Z', reason: 'x' }, 403, 'a role the official does not hold'],
    [{ to: plh.id, role: 'admin', from: '2026-03-02T00:00:00Z', until: '2026-03-03T00:00:00Z', reason: 'x' }, 400, 'admin is not lent'],
    [{ to: kepala.id, role: 'uji/kepala', from: '2026-03-02T00:00:00Z', until: '2026-03-03T00:00:00Z', reason: 'x' }, 400, 'not to oneself'],
    [{ to: plh.id, role: 'uji/kepala', from: '2026-03-03T00:00:00Z', until: '2026-03-02T00:00:00Z', reason: 'x' }, 400, 'an empty period'],
    [{ to: 'nobody', role: 'uji/kepala', from: '2026-03-02T00:00:00Z', until: '2026-03-03T00:00:00Z', reason: 'x' }, 404, 'an unknown delegate'],
  ] as const;
  for (const [body, status, why] of bad) t.equal((await app.call('POST', '/delegations', kepala.token, body)).statusCode, status, why);

  const { id, task } = await startToDecision();
  t.equal((await app.call('POST', `/tasks/${task.id}/complete`, plh.token, decide)).statusCode, 403, 'before the delegation the staff member may not decide');
  const made = await app.call('POST', '/delegations', kepala.token, { to: plh.id, role: 'uji/kepala', from: '2026-03-02T00:00:00Z', until: '2026-03-03T00:00:00Z', reason: 'Kepala cuti; Plh. ditunjuk' });
  t.equal(made.statusCode, 201, made.body);
  t.same((await app.call('GET', '/delegations', plh.token)).json().items.map((d: { id: string }) => d.id), [made.json().id]);
  t.equal((await app.call('POST', `/tasks/${task.id}/complete`, plh.token, decide)).statusCode, 200, 'the delegate completes it during the delegation');
  const event = (await app.call('GET', `/audit/instances/${id}`, ADMIN_TOKEN)).json().events.find((e: { type: string; taskId: string }) => e.type === 'task.completed' && e.taskId === task.id);
  t.match(event, { userId: plh.id, role: 'uji/kepala', actingFor: kepala.id }, 'the trail names both');

  clock.set('2026-03-04T09:00:00+08:00');
  const later = await startToDecision();
  t.equal((await app.call('POST', `/tasks/${later.task.id}/complete`, plh.token, decide)).statusCode, 403, 'the day after it ends: 403');
  t.equal((await app.call('POST', `/tasks/${later.task.id}/complete`, kepala.token, decide)).statusCode, 200);
});
