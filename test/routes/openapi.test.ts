// The OpenAPI document declares the bodies Swagger UI must send: BPMN XML for a deploy, multipart/form-data with a
// file field for an upload; requests built from what it declares succeed.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { ADMIN_TOKEN, FIXTURES, startApp } from '../helpers/app.js';

interface RequestBody {
  required?: boolean;
  content: Record<string, { schema: { type?: string; format?: string; properties?: Record<string, { type: string; format?: string }>; required?: string[] } }>;
}

t.test('a deploy takes XML and an upload a multipart file, as /docs/json declares', async (t) => {
  const app = await startApp(t);
  const doc = (await app.call('GET', '/docs/json')).json() as { paths: Record<string, Record<string, { requestBody?: RequestBody }>> };

  const deployBody = doc.paths['/definitions']?.post?.requestBody as RequestBody;
  t.same(Object.keys(deployBody.content).sort(), ['application/bpmn+xml', 'application/xml', 'text/xml']);
  t.equal(deployBody.content['application/xml']?.schema.type, 'string');
  const xml = fs.readFileSync(path.join(FIXTURES, 'two-step.bpmn'), 'utf8');
  for (const type of ['application/xml', 'text/xml']) {
    const res = await app.call('POST', '/definitions', ADMIN_TOKEN, xml, { 'content-type': type });
    t.ok([200, 201].includes(res.statusCode), `${type}: ${res.body}`);
  }

  const uploadBody = doc.paths['/tasks/{id}/attachments']?.post?.requestBody as RequestBody;
  t.same(Object.keys(uploadBody.content), ['multipart/form-data']);
  const form = uploadBody.content['multipart/form-data']?.schema;
  t.match(form, { type: 'object', properties: { file: { type: 'string', format: 'binary' }, name: { type: 'string' } }, required: ['file'] });

  const started = await app.call('POST', '/definitions/uji-dua-langkah/instances', ADMIN_TOKEN, {});
  const task = (await app.call('GET', `/tasks?instanceId=${started.json().id}`, ADMIN_TOKEN)).json().items[0];
  const boundary = '----swagger-ui-like';
  const multipart = [
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="surat.txt"\r\nContent-Type: text/plain\r\n\r\nSurat Permohonan\r\n`,
    `--${boundary}\r\nContent-Disposition: form-data; name="name"\r\n\r\nSurat Permohonan\r\n`,
    `--${boundary}--\r\n`,
  ].join('');
  const uploaded = await app.call('POST', `/tasks/${task.id}/attachments`, ADMIN_TOKEN, multipart, { 'content-type': `multipart/form-data; boundary=${boundary}` });
  t.equal(uploaded.statusCode, 201, uploaded.body);
  t.match(uploaded.json(), { name: 'Surat Permohonan', size: 16 });
});
