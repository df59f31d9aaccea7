// Headers: nothing is sniffed, nothing personal is cached (decrypted notes, sealed documents, new tokens), and the
// HTML pages (Swagger UI, the SOP sheet) carry a Content-Security-Policy.
import { createHash } from 'node:crypto';
import t from 'tap';
import { oneTaskDiagram } from '../helpers/one-task-diagram.js';
import { ADMIN_TOKEN, startApp, tempDir } from '../helpers/app.js';

const BOUNDARY = '----sop-header-boundary';
const pdf = Buffer.from('%PDF-1.4\n% rahasia\n');
const upload = Buffer.concat([
  Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="catatan.pdf"\r\nContent-Type: application/pdf\r\n\r\n`),
  pdf,
  Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
]);

t.test('no-store on what must not be kept, nosniff everywhere, CSP on the HTML pages', async (t) => {
  const app = await startApp(t, { processesDir: tempDir(t) });
  t.equal((await app.call('POST', '/definitions', ADMIN_TOKEN, oneTaskDiagram({ confidential: true, field: 'catatan' }), { 'content-type': 'application/xml' })).statusCode, 201);

  const created = await app.call('POST', '/users', ADMIN_TOKEN, { name: 'Konselor', roles: ['uji/staf'] });
  t.equal(created.headers['cache-control'], 'no-store', 'a new user and its token');
  const { id: userId } = created.json();
  const rotated = await app.call('POST', `/users/${userId}/token`, ADMIN_TOKEN);
  t.equal(rotated.statusCode, 200);
  t.equal(rotated.headers['cache-control'], 'no-store', 'a rotated token');
  let token = rotated.json().token as string;
  // Where users rotate their own token (POST /me/token), only such a token reads sealed content: use one.
  const own = await app.call('POST', '/me/token', token);
  if (own.statusCode !== 404) {
    t.equal(own.headers['cache-control'], 'no-store', 'a token the user rotated');
    token = own.json().token as string;
  }

  const instance = (await app.call('POST', '/definitions/uji-satu/instances', token, {})).json().id as string;
  const task = (await app.call('GET', `/tasks?instanceId=${instance}`, token)).json().items[0];
  const att = await app.app.inject({ method: 'POST', url: `/tasks/${task.id}/attachments`, headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${BOUNDARY}` }, payload: upload });
  t.equal(att.statusCode, 201, att.body);
  const sealedFile = await app.call('GET', `/attachments/${att.json().id}`, token);
  t.equal(sealedFile.statusCode, 200);
  t.same(sealedFile.rawPayload, pdf, 'the sealed document opens for its uploader');
  t.equal(sealedFile.headers['cache-control'], 'no-store', 'a sealed document');
  t.equal(sealedFile.headers['x-content-type-options'], 'nosniff');
  t.equal((await app.call('POST', `/tasks/${task.id}/complete`, token, { variables: { catatan: 'isi rahasia' } })).statusCode, 200);
  const notes = await app.call('GET', `/tasks/${task.id}/content`, token);
  t.match(notes.json(), { variables: { catatan: 'isi rahasia' } });
  t.equal(notes.headers['cache-control'], 'no-store', 'decrypted notes');

  for (const [what, res] of [
    ['JSON', await app.call('GET', '/health')],
    ['a 401', await app.call('GET', '/tasks')],
    ['a 404', await app.call('GET', '/nope', ADMIN_TOKEN)],
    ['a router error', await app.call('GET', `/definitions/${'k'.repeat(101)}`, ADMIN_TOKEN)],
  ] as const) {
    t.equal(res.headers['x-content-type-options'], 'nosniff', `${what}: nosniff`);
    t.match(res.headers['content-type'], /application\/json/, `${what}: JSON`);
  }

  const sheet = await app.call('GET', '/definitions/uji-satu/sop?format=html', ADMIN_TOKEN);
  const csp = String(sheet.headers['content-security-policy']);
  t.match(csp, /default-src 'none'/, 'the SOP sheet has a CSP');
  const style = /<style>([\s\S]*?)<\/style>/.exec(sheet.body)?.[1] ?? '';
  t.ok(csp.includes(`'sha256-${createHash('sha256').update(style).digest('base64')}'`), 'its style block is allowed by hash, nothing else');
  t.notMatch(csp, /script-src|unsafe-inline/);

  const docs = await app.call('GET', '/docs');
  t.equal(docs.statusCode, 200);
  t.match(String(docs.headers['content-security-policy']), /script-src 'self'(;|$)/, 'Swagger UI has a CSP without inline scripts');
  t.equal(docs.headers['x-content-type-options'], 'nosniff');
  const web = await app.call('GET', '/app/');
  t.equal(web.headers['cache-control'], 'no-cache', 'the web page keeps its own caching');
});
