// Bundles the web page (web/src/main.ts and the CSS it imports) with esbuild into dist/web/, beside web/index.html.
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const out = path.join(root, 'dist', 'web');

/**
 * One preact for the whole page: bpmn-js-properties-panel uses the copy inside @bpmn-io/properties-panel, the form-js
 * editor a nested older one, the form-js viewer the top-level one, and the editor renders the panel's components with
 * its own hooks — hooks from two copies break ("Cannot read properties of undefined (reading 'context')").
 */
const onePreact = {
  name: 'one-preact',
  setup(build) {
    // Bare `preact…`, `@bpmn-io/properties-panel/preact…`, and the panel's own `../preact…` from its dist folder.
    build.onResolve({ filter: /^(@bpmn-io\/properties-panel\/|\.\.\/)?preact(\/[a-z-]+)?$/ }, async (args) => {
      if (args.pluginData === 'one-preact') return undefined;
      if (args.path.startsWith('../') && !args.importer.includes(`${path.sep}@bpmn-io${path.sep}properties-panel${path.sep}`)) return undefined;
      const sub = args.path.replace(/^(@bpmn-io\/properties-panel\/|\.\.\/)?preact/, '');
      return build.resolve(`preact${sub}`, { kind: args.kind, resolveDir: root, pluginData: 'one-preact' });
    });
  },
};

export async function buildWeb({ quiet = false } = {}) {
  const { build } = await import('esbuild');
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  const result = await build({
    entryPoints: { app: path.join(root, 'web', 'src', 'main.ts') },
    bundle: true,
    format: 'esm',
    // The modeler page is imported when opened (main.ts): its chunk, and what it shares with the rest, go in chunks/.
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
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
    plugins: [onePreact],
  });
  fs.copyFileSync(path.join(root, 'web', 'index.html'), path.join(out, 'index.html'));
  return result;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  await buildWeb();
}
