// Documents as evidence: upload with type and size checks, completion by attachmentId with its SHA-256 audited,
// and download for those who may read the task.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { ADMIN_TOKEN, FIXTURES, startApp, tempDir } from '../helpers/app.js';
import { multipart } from '../helpers/multipart.js';

t.test('upload, complete by attachmentId, audit the hash, download', async (t) => {
  const dir = tempDir(t);
  fs.copyFileSync(path.join(FIXTURES, 'two-step.bpmn'), path.join(dir, 'two-step.bpmn'));
  const app = await startApp(t, { processesDir: dir });
  const staf = await app.user(['uji/staf']);
  const outsider = await app.user(['bkd-kalteng/jft']);
  const auditor = await app.user(['auditor']);
  const id = (await app.call('POST', '/definitions/uji-dua-langkah/instances', staf.token, {})).json().id as string;
  const task = (await app.call('GET', `/tasks?instanceId=${id}`, staf.token)).json().items[0];

  const pdf = Buffer.from('%PDF-1.4\n% surat permohonan\n');
  const upload = (token: string, body: ReturnType<typeof multipart>) =>
    app.app.inject({ method: 'POST', url: `/tasks/${task.id}/attachments`, headers: { authorization: `Bearer ${token}`, ...body.headers }, payload: body.body });

  const res = await upload(staf.token, multipart([{ name: 'name', value: 'Surat Permohonan' }, { name: 'file', value: pdf, filename: 'surat.pdf', type: 'application/pdf' }]));
  t.equal(res.statusCode, 201, res.body);
  const att = res.json();
  t.match(att, { name: 'Surat Permohonan', size: pdf.length, sha256: createHash('sha256').update(pdf).digest('hex'), contentType: 'application/pdf' });

  t.equal((await upload(outsider.token, multipart([{ name: 'file', value: pdf, filename: 'a.pdf', type: 'application/pdf' }]))).statusCode, 404, 'another SOP\'s case does not exist for them');
  const fake = await upload(staf.token, multipart([{ name: 'file', value: Buffer.from('MZ not a pdf'), filename: 'x.pdf', type: 'application/pdf' }]));
  t.match(fake.json(), { statusCode: 400, details: { fields: [{ name: 'file' }] } });
  const exe = await upload(staf.token, multipart([{ name: 'file', value: Buffer.from('MZ'), filename: 'x.exe', type: 'application/x-msdownload' }]));
  t.equal(exe.statusCode, 400);
  const big = await upload(staf.token, multipart([{ name: 'file', value: Buffer.concat([Buffer.from('%PDF-'), Buffer.alloc(10 * 1024 * 1024)]), filename: 'big.pdf', type: 'application/pdf' }]));
  t.equal(big.statusCode, 413);
  t.equal(big.json().code, 'SOP_ERR_TOO_LARGE');
  const noFile = await upload(staf.token, multipart([{ name: 'name', value: 'x' }]));
  t.match(noFile.json(), { statusCode: 400, details: { fields: [{ name: 'file' }] } });
  t.equal((await app.call('POST', `/tasks/${task.id}/attachments`, staf.token, { a: 1 })).statusCode, 415);

  const wrongId = await app.call('POST', `/tasks/${task.id}/complete`, staf.token, { documents: [{ name: 'Surat Permohonan', attachmentId: 'nope' }], output: [{ name: 'Agenda' }] });
  t.match(wrongId.json(), { statusCode: 400, details: { fields: [{ name: 'documents.0.attachmentId' }] } });
  const done = await app.call('POST', `/tasks/${task.id}/complete`, staf.token, { documents: [{ name: 'Surat Permohonan', attachmentId: att.id }], output: [{ name: 'Agenda' }] });
  t.equal(done.statusCode, 200, done.body);
  const events = (await app.call('GET', `/audit/instances/${id}`, ADMIN_TOKEN)).json().events as Array<{ type: string; documents: unknown }>;
  t.match(events.find((e) => e.type === 'task.completed')?.documents, [{ name: 'Surat Permohonan', attachmentId: att.id, sha256: att.sha256 }]);
  t.ok(events.some((e) => e.type === 'attachment.added'));
  t.equal((await upload(staf.token, multipart([{ name: 'file', value: pdf, filename: 'late.pdf', type: 'application/pdf' }]))).statusCode, 409, 'no uploads to a completed task');

  const got = await app.call('GET', `/attachments/${att.id}`, auditor.token);
  t.equal(got.statusCode, 200);
  t.equal(got.headers['content-type'], 'application/pdf');
  t.match(got.headers['content-disposition'], /attachment; filename="Surat Permohonan"/);
  t.same(got.rawPayload, pdf);
  t.equal((await app.call('GET', `/attachments/${att.id}`, outsider.token)).statusCode, 404, 'nor its documents');
  t.equal((await app.call('GET', '/attachments/00000000-0000-0000-0000-000000000000', auditor.token)).statusCode, 404);
});
