// Bundles the web page (web/src/main.ts and the CSS it imports) with esbuild into dist/web/, beside web/index.html.
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const out = path.join(root, 'dist', 'web');

export async function buildWeb({ quiet = false } = {}) {
  const { build } = await import('esbuild');
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  const result = await build({
    entryPoints: { app: path.join(root, 'web', 'src', 'main.ts') },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome110', 'firefox110', 'safari16'],
    minify: true,
    sourcemap: 'linked',
    outdir: out,
    legalComments: 'linked',
    // The icon font's files go beside app.css (bpmn.svg is its SVG format); the browser fetches only the first format
    // it supports (woff2). The other pictures the CSS uses are data: URLs in it already.
    loader: { '.woff': 'file', '.woff2': 'file', '.ttf': 'file', '.eot': 'file', '.svg': 'file' },
    assetNames: 'fonts/[name]-[hash]',
    logLevel: quiet ? 'warning' : 'info',
    metafile: false,
  });
  fs.copyFileSync(path.join(root, 'web', 'index.html'), path.join(out, 'index.html'));
  return result;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  await buildWeb();
}
