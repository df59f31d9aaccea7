// Before `npm start`: runs `tsc` when dist/ is older than any source file, and bundles the web page when dist/web/ is older than web/.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

function newest(dir) {
  let latest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) latest = Math.max(latest, newest(full));
    else latest = Math.max(latest, fs.statSync(full).mtimeMs);
  }
  return latest;
}

const builtAt = (file) => (fs.existsSync(file) ? fs.statSync(file).mtimeMs : 0);
const lock = fs.statSync(path.join(root, 'package-lock.json')).mtimeMs;

const sources = Math.max(newest(path.join(root, 'src')), newest(path.join(root, 'migrations')), lock);
if (builtAt(path.join(root, 'dist', 'src', 'server.js')) < sources) {
  console.log('building dist/ …');
  execFileSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
}

// The page imports the sop moddle descriptor from src/sop/, so that counts as its source too.
const webSources = Math.max(newest(path.join(root, 'web')), fs.statSync(path.join(root, 'src', 'sop', 'sop-moddle.json')).mtimeMs, lock);
if (builtAt(path.join(root, 'dist', 'web', 'app.js')) < webSources) {
  console.log('building dist/web/ …');
  const { buildWeb } = await import('./build-web.mjs');
  await buildWeb({ quiet: true });
}
