// The README's walk-through runs as written (curl and jq against a listening service) and ends the case by the
// form values it shows how to send.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { ADMIN_TOKEN, startApp } from '../helpers/app.js';

const run = promisify(execFile);
const README = fs.readFileSync(path.resolve(import.meta.dirname, '..', '..', 'README.md'), 'utf8');

/** The shell block under "## Walk-through", with the service's address and admin token of this test. */
function walkthrough(base: string): string {
  const section = README.slice(README.indexOf('## Walk-through'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error('no walk-through block in README.md');
  return block
    .split('\n')
    .filter((line) => !line.startsWith('npm start'))
    .map((line) => (line.startsWith('export ADMIN_TOKEN=') ? `export ADMIN_TOKEN=${ADMIN_TOKEN}` : line.startsWith('B=') ? `B=${base}` : line))
    .join('\n');
}

t.test('the README walk-through sends form values and ends the case', async (t) => {
  const { app } = await startApp(t);
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  const script = walkthrough(base);
  t.match(script, /variables: \{penjelasanCukup: "ya"\}/, 'the walk-through shows form values');
  const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', script], { timeout: 60_000 });
  t.match(stdout, /\{"name":"penjelasanCukup","type":"enum","required":true,"options":\["ya","tidak"\]\}/, 'the form is shown');
  t.match(stdout, /\{"elementId":"give-consultation","status":"completed"\}\n"completed"\n/, 'the form values end the case');
  t.match(stdout, /"ok":\s*true/, 'the audit chain verifies');
});
