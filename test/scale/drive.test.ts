// Two service processes on one PostgreSQL database, one of them killed with SIGKILL every 1.5 s: every
// instance ends, every acknowledged completion is kept exactly once, a 2 x 20 race has one winner, and the
// audit chain verifies (modest numbers here; run scripts/scale/drive.mjs by hand for large ones).
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { postgresAvailable } from '../helpers/app.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..', '..');

// The run starts and kills service processes; on a loaded machine it outlasts the suite's 120 s per file.
t.setTimeout(400_000);

t.test('scale-out on PostgreSQL with a process killed mid-run', { skip: !(await postgresAvailable()) && 'PostgreSQL is not reachable', timeout: 180_000 }, async (t) => {
  const { stdout } = await run(process.execPath, [path.join(root, 'scripts', 'scale', 'drive.mjs'), '--instances', '24', '--concurrency', '4', '--kill-every', '1500', '--race', '20', '--json'], {
    cwd: root,
    timeout: 170_000,
  });
  const result = JSON.parse(stdout.trim().split('\n').at(-1) as string);
  t.equal(result.notEnded, 0, 'every instance ended');
  t.equal(result.lost, 0, 'no acknowledged completion lost');
  t.equal(result.appliedTwice, 0, 'none applied twice');
  t.match(result.race, { winners: 1, conflicts: 39, auditEvents: 1 }, 'one of 40 concurrent completes wins');
  t.match(result.audit, { ok: true });
  t.ok(result.ok);
  t.comment(`figures: ${JSON.stringify(result)}`);
});
