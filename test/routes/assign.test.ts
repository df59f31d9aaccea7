// An owner reassigns an open task to another holder of its role; anyone else, a non-holder or a done task is refused.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { ADMIN_TOKEN, FIXTURES, startApp, tempDir } from '../helpers/app.js';

t.test('reassigning an open task', async (t) => {
  const dir = tempDir(t);
  fs.copyFileSync(path.join(FIXTURES, 'two-step.bpmn'), path.join(dir, 'two-step.bpmn'));
  const app = await startApp(t, { processesDir: dir });
  const ani = await app.user(['uji/staf'], 'Ani');
  const budi = await app.user(['uji/staf'], 'Budi');
  const kepala = await app.user(['uji/kepala'], 'Kepala');
  const owner = await app.user(['owner:uji'], 'Pemilik');
  const other = await app.user(['owner:ipdn'], 'Pemilik lain');
  const id = (await app.call('POST', '/definitions/uji-dua-langkah/instances', ani.token, {})).json().id as string;
  const task = (await app.call('GET', `/tasks?instanceId=${id}`, ani.token)).json().items[0];
  await app.call('POST', `/tasks/${task.id}/claim`, ani.token);

  t.equal((await app.call('POST', `/tasks/${task.id}/assign`, ani.token, { userId: budi.id })).statusCode, 403, 'staff may not reassign');
  t.equal((await app.call('POST', `/tasks/${task.id}/assign`, other.token, { userId: budi.id })).statusCode, 404, "another unit's owner does not even see it");
  t.match((await app.call('POST', `/tasks/${task.id}/assign`, owner.token, { userId: kepala.id })).json(), { statusCode: 422, details: { fields: [{ name: 'userId' }] } }, 'only to a holder of the role');
  t.equal((await app.call('POST', `/tasks/${task.id}/assign`, owner.token, { userId: 'nobody' })).statusCode, 404);
  t.equal((await app.call('POST', `/tasks/${task.id}/assign`, owner.token, {})).statusCode, 400);
  const moved = await app.call('POST', `/tasks/${task.id}/assign`, owner.token, { userId: budi.id });
  t.match(moved.json(), { status: 'claimed', assignee: budi.id });
  const body = { documents: [{ name: 'Surat Permohonan' }], output: [{ name: 'Agenda' }] };
  t.equal((await app.call('POST', `/tasks/${task.id}/complete`, ani.token, body)).statusCode, 409, 'the former assignee no longer may');
  t.equal((await app.call('POST', `/tasks/${task.id}/complete`, budi.token, body)).statusCode, 200);
  t.equal((await app.call('POST', `/tasks/${task.id}/assign`, owner.token, { userId: ani.id })).statusCode, 409, 'a done task is not reassigned');
  const events = (await app.call('GET', `/audit/instances/${id}`, ADMIN_TOKEN)).json().events.filter((e: { type: string }) => e.type === 'task.claimed');
  t.match(events.at(-1), { userId: budi.id, role: 'uji/staf' });
});
