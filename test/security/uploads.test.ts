// Uploads: malformed multipart is a 400, a second file part a 400 naming it, and quotas per task and per user
// answer 429 SOP_ERR_RATE_LIMITED naming the limit.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { UPLOAD_QUOTA } from '../../src/tasks/upload-quota.js';
import { ADMIN_TOKEN, FIXTURES, startApp, tempDir, testDatabases, type TestApp, type TestDatabase } from '../helpers/app.js';
import { MULTIPART_BOUNDARY as BOUNDARY, multipartBody as multipart } from '../helpers/multipart.js';

const pdf = Buffer.from('%PDF-1.4\n% surat\n');

const file = (filename = 'surat.pdf') => ({ name: 'file', value: pdf, filename, type: 'application/pdf' });

/** A new case's first task (uji/staf) for `token`. */
async function newTask(app: TestApp, token: string): Promise<string> {
  const id = (await app.call('POST', '/definitions/uji-dua-langkah/instances', token, {})).json().id as string;
  return (await app.call('GET', `/tasks?instanceId=${id}`, token)).json().items[0].id as string;
}

async function openTask(t: Parameters<typeof startApp>[0], database: TestDatabase = 'sqlite'): Promise<{ app: TestApp; token: string; taskId: string }> {
  const dir = tempDir(t);
  fs.copyFileSync(path.join(FIXTURES, 'two-step.bpmn'), path.join(dir, 'two-step.bpmn'));
  const app = await startApp(t, { processesDir: dir, database });
  const staf = await app.user(['uji/staf']);
  return { app, token: staf.token, taskId: await newTask(app, staf.token) };
}

const uploadTo = (app: TestApp, token: string, taskId: string) =>
  app.app.inject({ method: 'POST', url: `/tasks/${taskId}/attachments`, headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${BOUNDARY}` }, payload: multipart([file()]) });

t.test('malformed multipart answers 400, a second file part 400 naming it', async (t) => {
  const { app, token, taskId } = await openTask(t);
  const post = (body: Buffer | string, contentType: string) =>
    app.app.inject({ method: 'POST', url: `/tasks/${taskId}/attachments`, headers: { authorization: `Bearer ${token}`, 'content-type': contentType }, payload: body });
  const ok = multipart([file()]);
  const cases: Array<[string, Buffer | string, string, RegExp]> = [
    ['no boundary', ok, 'multipart/form-data', /boundary/i],
    ['a truncated body', ok.subarray(0, ok.length - 30), `multipart/form-data; boundary=${BOUNDARY}`, /./],
    ['a body of another boundary', multipart([file()], 'other'), `multipart/form-data; boundary=${BOUNDARY}`, /./],
    ['garbage', 'not multipart at all', `multipart/form-data; boundary=${BOUNDARY}`, /./],
  ];
  for (const [what, body, type, message] of cases) {
    const res = await post(body, type);
    t.equal(res.statusCode, 400, `${what}: ${res.body}`);
    t.match(res.json(), { statusCode: 400, code: 'SOP_ERR_VALIDATION', message }, what);
  }
  const second = await post(multipart([file('a.pdf'), { ...file('b.pdf'), name: 'lampiran' }]), `multipart/form-data; boundary=${BOUNDARY}`);
  t.match(second.json(), { statusCode: 400, code: 'SOP_ERR_VALIDATION', details: { fields: [{ name: 'lampiran', message: /one file/ }] } }, second.body);
  const twice = await post(multipart([file('a.pdf'), file('b.pdf')]), `multipart/form-data; boundary=${BOUNDARY}`);
  t.match(twice.json(), { statusCode: 400, details: { fields: [{ name: 'file', message: /one file/ }] } }, twice.body);
  const longName = await post(multipart([{ name: 'name', value: 'n'.repeat(501) }, file()]), `multipart/form-data; boundary=${BOUNDARY}`);
  t.match(longName.json(), { statusCode: 400, details: { fields: [{ name: 'name', message: /at most 500/ }] } }, longName.body);
  const nfd = await post(multipart([{ name: 'name', value: 'Surat Pe\u0301ngantar' }, file()]), `multipart/form-data; boundary=${BOUNDARY}`);
  t.equal(nfd.json().name, 'Surat P\u00e9ngantar', 'the name is stored and acknowledged in NFC');
  const parts = await post(multipart(Array.from({ length: 7 }, (_, i) => ({ name: `x${i}`, value: 'v' }))), `multipart/form-data; boundary=${BOUNDARY}`);
  t.match(parts.json(), { statusCode: 413, code: 'SOP_ERR_TOO_LARGE', details: { limit: /^(parts|fields)$/ } }, parts.body);
  const good = await post(ok, `multipart/form-data; boundary=${BOUNDARY}`);
  t.equal(good.statusCode, 201, 'a well-formed upload still works');
});

for (const database of await testDatabases()) {
  t.test(`${database}: a burst of uploads to one task stops at the task's quota, 413 naming it`, async (t) => {
    const { app, token, taskId } = await openTask(t, database);
    const max = UPLOAD_QUOTA.perTask.files;
    const answers = await Promise.all(Array.from({ length: max + 5 }, () => uploadTo(app, token, taskId)));
    t.equal(answers.filter((r) => r.statusCode === 201).length, max, `${max} uploads stored`);
    const refused = answers.filter((r) => r.statusCode !== 201);
    t.equal(refused.length, 5);
    for (const r of refused) t.match(r.json(), { statusCode: 413, code: 'SOP_ERR_TOO_LARGE', details: { limit: 'filesPerTask', max } });
    const stored = await app.app.services.db.knex('attachments').where({ task_id: taskId }).count({ n: '*' });
    t.equal(Number(stored[0]?.n), max, 'no more than the quota was stored');
    t.match((await app.call('GET', '/audit/verify', ADMIN_TOKEN)).json(), { ok: true });
  });
}

t.test('one user uploads at most the per-user quota in the window: 429 naming it, with Retry-After', async (t) => {
  const { app, token, taskId } = await openTask(t);
  const { perTask, perUser } = UPLOAD_QUOTA;
  const tasks = [taskId];
  while (tasks.length * perTask.files < perUser.files + 1) tasks.push(await newTask(app, token));
  let stored = 0;
  for (const id of tasks) {
    for (let i = 0; i < perTask.files && stored < perUser.files; i++, stored++) {
      const res = await uploadTo(app, token, id);
      if (res.statusCode !== 201) throw new Error(`upload ${stored} → ${res.statusCode} ${res.body}`);
    }
    app.clock.advance(1000);
  }
  const last = tasks[tasks.length - 1] as string;
  const limited = await uploadTo(app, token, last);
  t.match(limited.json(), { statusCode: 429, code: 'SOP_ERR_RATE_LIMITED', details: { limit: 'uploadsPerUser', max: perUser.files, retryAfterS: Number } }, limited.body);
  const retryAfter = Number(limited.headers['retry-after']);
  t.ok(retryAfter > 0 && retryAfter <= perUser.windowMs / 1000, `Retry-After: ${retryAfter}`);
  const other = await app.user(['uji/staf']);
  t.equal((await uploadTo(app, other.token, await newTask(app, other.token))).statusCode, 201, 'another user is not limited');
  app.clock.advance(retryAfter * 1000);
  t.equal((await uploadTo(app, token, last)).statusCode, 201, 'the quota frees as the window moves on');
});
