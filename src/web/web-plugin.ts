// Serves the web page (built from web/ into dist/web/ by scripts/build-web.mjs) at /app/, without a token, under a strict CSP.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyPluginAsync } from 'fastify';

/**
 * Scripts only from this origin (no inline script, no eval). bpmn-js sets inline style attributes on the
 * elements it draws, hence style-src 'unsafe-inline'; its icon font is served as files from here (fonts/).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  // The icon font (RFC 8081 types); a font served as application/octet-stream is refused by some browsers.
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.eot': 'application/vnd.ms-fontobject',
};

export interface WebPluginOptions {
  /** The built page (default: `dist/web` of the project this file belongs to). */
  dir?: string;
}

interface StaticFile {
  body: Buffer;
  type: string;
  etag: string;
}

/** `<root>/dist/web`, where root is the nearest folder above this file holding package.json (works from src/ and dist/src/). */
export function defaultWebDir(from: string = import.meta.dirname): string {
  let dir = from;
  while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return path.join(dir, 'dist', 'web');
}

/** Every file under `dir`, by its path relative to it with forward slashes. */
function readTree(dir: string, prefix = ''): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    const rel = prefix + entry.name;
    if (entry.isDirectory()) {
      for (const [name, file] of readTree(full, `${rel}/`)) files.set(name, file);
    } else {
      const body = fs.readFileSync(full);
      files.set(rel, {
        body,
        type: TYPES[path.extname(entry.name)] ?? 'application/octet-stream',
        etag: `"${crypto.createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
      });
    }
  }
  return files;
}

const NOT_BUILT = Buffer.from(
  '<!doctype html><html lang="id"><meta charset="utf-8"><title>SOP</title><p>Halaman web belum dibangun: jalankan <code>npm run build</code> lalu mulai ulang layanan.</p></html>',
);

const NOT_FOUND = Buffer.from('<!doctype html><html lang="id"><meta charset="utf-8"><title>SOP</title><p>Halaman tidak ditemukan. <a href="/app/">Kembali</a></p></html>');

const webPlugin: FastifyPluginAsync<WebPluginOptions> = async (app, options) => {
  const dir = options.dir ?? defaultWebDir();
  // Every route of this plugin answers without a token; the API behind it still asks for one.
  app.addHook('onRoute', (route) => {
    route.config = { ...(route.config ?? {}), public: true };
  });

  const files = fs.existsSync(path.join(dir, 'index.html')) ? readTree(dir) : new Map<string, StaticFile>();
  if (files.size === 0) {
    app.log.warn({ dir }, 'web page not built: /app/ explains how to build it');
    files.set('index.html', { body: NOT_BUILT, type: TYPES['.html'] as string, etag: '"not-built"' });
  }

  app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/app/'));
  app.get('/app', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/app/'));

  // Anything else under /app/ is a page that does not exist, not an API call needing a token.
  app.get('/app/*', { schema: { hide: true } }, async (_request, reply) =>
    reply.status(404).header('content-type', TYPES['.html']).header('content-security-policy', CONTENT_SECURITY_POLICY).send(NOT_FOUND),
  );

  for (const [name, file] of files) {
    const url = name === 'index.html' ? '/app/' : `/app/${name}`;
    app.get(url, { schema: { hide: true } }, async (request, reply) => {
      reply
        .header('content-type', file.type)
        .header('etag', file.etag)
        // Revalidate every time: the bundle's names carry no hash, the etag makes the check cheap.
        .header('cache-control', 'no-cache')
        .header('x-content-type-options', 'nosniff')
        .header('referrer-policy', 'no-referrer')
        .header('content-security-policy', CONTENT_SECURITY_POLICY);
      if (request.headers['if-none-match'] === file.etag) return reply.status(304).send();
      return reply.send(file.body);
    });
  }
};

export default webPlugin;
