// The web page is served by the service itself: public, under a CSP that allows no inline script, revalidated by etag;
// the API behind it still asks for a token; without a build, /app/ says how to make one.
import fs from 'node:fs';
import path from 'node:path';
import Fastify from 'fastify';
import t from 'tap';
import webPlugin, { CONTENT_SECURITY_POLICY, defaultWebDir } from '../../src/web/web-plugin.js';
import { startApp, tempDir } from '../helpers/app.js';

t.test('the page and its bundle answer without a token; the API does not', async (t) => {
  const app = await startApp(t);
  const root = await app.call('GET', '/');
  t.equal(root.statusCode, 302);
  t.equal(root.headers.location, '/app/');
  t.equal((await app.call('GET', '/app')).headers.location, '/app/');

  const page = await app.call('GET', '/app/');
  t.equal(page.statusCode, 200);
  t.match(page.headers['content-type'], /^text\/html/);
  t.equal(page.headers['content-security-policy'], CONTENT_SECURITY_POLICY);
  t.match(CONTENT_SECURITY_POLICY, /script-src 'self';/);
  t.notMatch(CONTENT_SECURITY_POLICY, /unsafe-eval/);
  t.match(page.body, /<script type="module" src="app.js">/);
  t.notMatch(page.body, /<script>/, 'no inline script');

  const js = await app.call('GET', '/app/app.js');
  t.equal(js.statusCode, 200);
  t.match(js.headers['content-type'], /^text\/javascript/);
  t.equal(js.headers['x-content-type-options'], 'nosniff');
  const again = await app.call('GET', '/app/app.js', undefined, undefined, { 'if-none-match': String(js.headers.etag) });
  t.equal(again.statusCode, 304, 'an unchanged bundle is not sent again');
  t.equal((await app.call('GET', '/app/app.css')).statusCode, 200);

  t.equal((await app.call('GET', '/me')).statusCode, 401, 'the API still needs a token');
  const missing = await app.call('GET', '/app/nope.js');
  t.equal(missing.statusCode, 404, 'an unknown file under /app/ is not found, without asking for a token');
  t.match(missing.body, /Halaman tidak ditemukan/);
  t.equal((await app.call('GET', '/app/../src/config.ts')).statusCode, 401, 'nothing outside the bundle is served');
  const docs = await app.call('GET', '/docs/json');
  t.notOk(JSON.stringify(docs.json().paths).includes('/app'), 'the page is not part of the API document');
});

t.test('without a build, /app/ explains how to build the page', async (t) => {
  const app = Fastify({ logger: false });
  t.teardown(() => app.close());
  await app.register(webPlugin, { dir: tempDir(t) });
  const res = await app.inject({ method: 'GET', url: '/app/' });
  t.equal(res.statusCode, 200);
  t.match(res.body, /npm run build/);
});

t.test('a nested built file is served under its path; the default folder is dist/web of the project', async (t) => {
  const dir = tempDir(t);
  fs.mkdirSync(path.join(dir, 'img'));
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>x</title>');
  fs.writeFileSync(path.join(dir, 'img', 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  fs.writeFileSync(path.join(dir, 'LICENSE.txt.gz'), 'x');
  const app = Fastify({ logger: false });
  t.teardown(() => app.close());
  await app.register(webPlugin, { dir });
  const svg = await app.inject({ method: 'GET', url: '/app/img/logo.svg' });
  t.equal(svg.statusCode, 200);
  t.equal(svg.headers['content-type'], 'image/svg+xml');
  t.equal((await app.inject({ method: 'GET', url: '/app/LICENSE.txt.gz' })).headers['content-type'], 'application/octet-stream');

  t.equal(defaultWebDir(), path.resolve(import.meta.dirname, '..', '..', 'dist', 'web'));
  t.equal(defaultWebDir(path.parse(dir).root), path.join(path.parse(dir).root, 'dist', 'web'), 'no package.json above: the filesystem root');
});
