// Given a small two-lane SOP fixture, the REST API runs it end to end, with the contract's errors.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { FIXTURES, startApp, tempDir, ADMIN_TOKEN, testDatabases } from '../helpers/app.js';

function fixtureDir(t: Parameters<typeof tempDir>[0], ...files: string[]): string {
  const dir = tempDir(t);
  for (const f of files) fs.copyFileSync(path.join(FIXTURES, f), path.join(dir, f));
  return dir;
}

interface TaskJson {
  id: string;
  elementId: string;
  status: string;
  role: string;
  requires: string[];
  output: string[];
  dueAt: string | null;
  form: Array<{ name: string; options?: Array<{ value: string }> }>;
}

for (const database of await testDatabases()) {
  t.test(`[${database}] a user with the lane roles runs the fixture on both branches`, async (t) => {
    // Calendars reload on every read here: a read inside an open SQLite transaction would wait forever.
    const { call, user } = await startApp(t, { database, processesDir: fixtureDir(t, 'two-step.bpmn'), app: { calendarRefreshMs: 0 } });
    const staf = await user(['uji/staf', 'uji/kepala'], 'Staf dan Kepala');
    const nobody = await user([], 'Tanpa peran');
    t.same((await call('GET', '/tasks', nobody.token)).json().items, [], 'a user without roles lists no task');
    t.same((await call('GET', '/instances', nobody.token)).json().items, [], 'and no instance');

    for (const choice of ['ya', 'tidak']) {
      const started = await call('POST', '/definitions/uji-dua-langkah/instances', staf.token, { businessKey: `uji-${choice}` });
      t.equal(started.statusCode, 201, started.body);
      const id = started.json().id as string;

      const first = (await call('GET', `/tasks?instanceId=${id}`, staf.token)).json().items as TaskJson[];
      t.equal(first.length, 1);
      t.match(first[0], { elementId: 'terima', role: 'uji/staf', requires: ['Surat Permohonan'], output: ['Agenda'], status: 'open' });
      t.ok(first[0]?.dueAt, 'a 15-minute standard gives a due date');

      const done1 = await call('POST', `/tasks/${first[0]?.id}/complete`, staf.token, { documents: [{ name: 'Surat Permohonan', ref: 'SP-1' }], output: [{ name: 'Agenda', value: '12' }] });
      t.equal(done1.statusCode, 200, done1.body);
      t.equal(done1.json().status, 'completed');

      const second = (await call('GET', `/tasks?instanceId=${id}`, staf.token)).json().items as TaskJson[];
      t.match(second, [{ elementId: 'putuskan', role: 'uji/kepala' }]);
      t.same(second[0]?.form[0]?.options?.map((o) => o.value), ['ya', 'tidak']);
      const done2 = await call('POST', `/tasks/${second[0]?.id}/complete`, staf.token, { output: [{ name: 'Keputusan' }], variables: { setuju: choice } });
      t.equal(done2.statusCode, 200, done2.body);

      const third = (await call('GET', `/tasks?instanceId=${id}`, staf.token)).json().items as TaskJson[];
      if (choice === 'ya') {
        t.match(third, [{ elementId: 'tanda-tangan' }]);
        const done3 = await call('POST', `/tasks/${third[0]?.id}/complete`, staf.token, { output: [{ name: 'Surat' }] });
        t.equal(done3.statusCode, 200, done3.body);
      } else {
        t.same(third, [], 'the default flow ends the instance');
      }
      const instance = (await call('GET', `/instances/${id}`, staf.token)).json();
      t.equal(instance.status, 'completed');
      t.equal(instance.steps.length, choice === 'ya' ? 3 : 2);

      const trail = (await call('GET', `/audit/instances/${id}`, ADMIN_TOKEN)).json().events as Array<{ type: string; userId: string; documents: unknown }>;
      t.same(
        trail.map((e) => e.type),
        choice === 'ya'
          ? ['instance.started', 'task.created', 'task.completed', 'task.created', 'task.completed', 'task.created', 'task.completed', 'instance.completed']
          : ['instance.started', 'task.created', 'task.completed', 'task.created', 'task.completed', 'instance.completed'],
      );
      const completed = trail.find((e) => e.type === 'task.completed');
      t.match(completed, { userId: staf.id, documents: [{ name: 'Surat Permohonan', ref: 'SP-1' }] });
    }
    const verify = await call('GET', '/audit/verify', ADMIN_TOKEN);
    t.match(verify.json(), { ok: true });
  });

  t.test(`[${database}] the contract errors: 401, 403, 404, 409, 422 and 400`, async (t) => {
    const { call, user } = await startApp(t, { database, processesDir: fixtureDir(t, 'two-step.bpmn') });
    const staf = await user(['uji/staf']);
    const kepala = await user(['uji/kepala']);
    const auditor = await user(['auditor']);

    t.equal((await call('GET', '/tasks')).statusCode, 401);
    t.equal((await call('GET', '/tasks', 'not-a-token')).json().code, 'SOP_ERR_UNAUTHENTICATED');
    t.equal((await call('POST', '/definitions/uji-dua-langkah/instances', kepala.token, {})).statusCode, 403, 'only the start lane may start');
    t.equal((await call('POST', '/definitions/tidak-ada/instances', staf.token, {})).statusCode, 404);

    const id = (await call('POST', '/definitions/uji-dua-langkah/instances', staf.token, {})).json().id as string;
    const task = ((await call('GET', `/tasks?instanceId=${id}`, staf.token)).json().items as TaskJson[])[0] as TaskJson;

    const wrongRole = await call('POST', `/tasks/${task.id}/complete`, auditor.token, { documents: [{ name: 'Surat Permohonan' }], output: [{ name: 'Agenda' }] });
    t.equal(wrongRole.statusCode, 403);
    t.equal(wrongRole.json().code, 'SOP_ERR_FORBIDDEN');

    const missing = await call('POST', `/tasks/${task.id}/complete`, staf.token, { documents: [], output: [] });
    t.equal(missing.statusCode, 422);
    t.match(missing.json(), { code: 'SOP_ERR_MISSING_DOCUMENTS', details: { missing: ['Surat Permohonan'] } });

    const noOutput = await call('POST', `/tasks/${task.id}/complete`, staf.token, { documents: [{ name: 'surat  permohonan' }] });
    t.match(noOutput.json(), { code: 'SOP_ERR_MISSING_OUTPUT', details: { missing: ['Agenda'] } });

    const unknownField = await call('POST', `/tasks/${task.id}/complete`, staf.token, { documents: [{ name: 'Surat Permohonan' }], output: [{ name: 'Agenda' }], variables: { x: 1 } });
    t.match(unknownField.json(), { statusCode: 422, code: 'SOP_ERR_INVALID_FORM', details: { fields: [{ name: 'x' }] } });

    const badBody = await call('POST', `/tasks/${task.id}/complete`, staf.token, { documents: 'nope' });
    t.equal(badBody.statusCode, 400);
    t.match(badBody.json(), { code: 'SOP_ERR_VALIDATION', details: { fields: [{ name: 'documents' }] } });

    const malformed = await call('POST', `/tasks/${task.id}/complete`, staf.token, '{not json', { 'content-type': 'application/json' });
    t.equal(malformed.statusCode, 400);
    t.equal(malformed.json().code, 'SOP_ERR_VALIDATION');

    t.equal((await call('POST', '/tasks/00000000-0000-0000-0000-000000000000/complete', staf.token, {})).statusCode, 404);
    t.equal((await call('GET', '/no/such/route', staf.token)).json().code, 'SOP_ERR_NOT_FOUND');

    const claim = await call('POST', `/tasks/${task.id}/claim`, staf.token);
    t.equal(claim.statusCode, 200);
    t.equal(claim.json().status, 'claimed');
    const other = await user(['uji/staf']);
    const stolen = await call('POST', `/tasks/${task.id}/claim`, other.token);
    t.equal(stolen.statusCode, 409);
    t.match(stolen.json(), { code: 'SOP_ERR_CONFLICT', details: { state: 'claimed' } });
    t.equal((await call('POST', `/tasks/${task.id}/complete`, other.token, { documents: [{ name: 'Surat Permohonan' }], output: [{ name: 'Agenda' }] })).statusCode, 409);
    const unclaimed = await call('POST', `/tasks/${task.id}/unclaim`, staf.token);
    t.equal(unclaimed.json().status, 'open');

    const body = { documents: [{ name: 'Surat Permohonan' }], output: [{ name: 'Agenda' }] };
    const [a, b] = await Promise.all([call('POST', `/tasks/${task.id}/complete`, staf.token, body), call('POST', `/tasks/${task.id}/complete`, other.token, body)]);
    t.same([a.statusCode, b.statusCode].sort(), [200, 409], 'two concurrent completes: one wins');
    const trail = (await call('GET', `/audit/instances/${id}`, ADMIN_TOKEN)).json().events as Array<{ type: string; taskId: string }>;
    t.equal(trail.filter((e) => e.type === 'task.completed' && e.taskId === task.id).length, 1, 'one audit event');
    t.equal((await call('POST', `/tasks/${task.id}/complete`, staf.token, body)).statusCode, 409, 'completing again is a conflict');

    const next = ((await call('GET', `/tasks?instanceId=${id}`, kepala.token)).json().items as TaskJson[])[0] as TaskJson;
    const badEnum = await call('POST', `/tasks/${next.id}/complete`, kepala.token, { output: [{ name: 'Keputusan' }], variables: { setuju: 'mungkin' } });
    t.match(badEnum.json(), { code: 'SOP_ERR_INVALID_FORM', details: { fields: [{ name: 'setuju' }] } });
    const required = await call('POST', `/tasks/${next.id}/complete`, kepala.token, { output: [{ name: 'Keputusan' }] });
    t.match(required.json(), { code: 'SOP_ERR_INVALID_FORM', details: { fields: [{ name: 'setuju', message: 'wajib diisi' }] } });

    const owner = await user(['owner']);
    t.equal((await call('POST', `/instances/${id}/cancel`, staf.token, { reason: 'uji' })).statusCode, 403);
    const cancelled = await call('POST', `/instances/${id}/cancel`, owner.token, { reason: 'permohonan ditarik' });
    t.equal(cancelled.json().status, 'cancelled');
    t.equal((await call('POST', `/instances/${id}/cancel`, owner.token, { reason: 'lagi' })).statusCode, 409);
    t.equal((await call('GET', `/tasks/${next.id}`, kepala.token)).json().status, 'cancelled');
  });

}