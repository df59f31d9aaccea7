// Uploads: malformed multipart is a 400, a second file part a 400 naming it, and quotas per task and per user
// answer 429 SOP_ERR_RATE_LIMITED naming the limit.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { FIXTURES, startApp, tempDir, type TestApp } from '../helpers/app.js';

const BOUNDARY = '----sop-upload-boundary';
const pdf = Buffer.from('%PDF-1.4\n% surat\n');

function multipart(parts: Array<{ name: string; value: string | Buffer; filename?: string; type?: string }>, boundary = BOUNDARY): Buffer {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disposition = `form-data; name="${p.name}"${p.filename ? `; filename="${p.filename}"` : ''}`;
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n${p.type ? `Content-Type: ${p.type}\r\n` : ''}\r\n`));
    chunks.push(Buffer.isBuffer(p.value) ? p.value : Buffer.from(p.value));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}
const file = (filename = 'surat.pdf') => ({ name: 'file', value: pdf, filename, type: 'application/pdf' });

async function openTask(t: Parameters<typeof startApp>[0]): Promise<{ app: TestApp; token: string; taskId: string }> {
  const dir = tempDir(t);
  fs.copyFileSync(path.join(FIXTURES, 'two-step.bpmn'), path.join(dir, 'two-step.bpmn'));
  const app = await startApp(t, { processesDir: dir });
  const staf = await app.user(['uji/staf']);
  const id = (await app.call('POST', '/definitions/uji-dua-langkah/instances', staf.token, {})).json().id as string;
  const taskId = (await app.call('GET', `/tasks?instanceId=${id}`, staf.token)).json().items[0].id as string;
  return { app, token: staf.token, taskId };
}

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
  const good = await post(ok, `multipart/form-data; boundary=${BOUNDARY}`);
  t.equal(good.statusCode, 201, 'a well-formed upload still works');
});
