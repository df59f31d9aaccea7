// The dependencies load on every Node the engines field admits (>= 20): Node 20 before 20.19 cannot require() an
// ES module, so no CommonJS dependency may require an ESM-only one (content-disposition 3 and cookie 2 are).
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..', '..');

t.test('fastify inject and @fastify/static load where require(esm) is unavailable', async (t) => {
  const { stdout } = await run(process.execPath, ['--no-experimental-require-module', '-e', "require('@fastify/static'); require('light-my-request'); console.log('ok')"], { cwd: root });
  t.equal(stdout.trim(), 'ok');
});
