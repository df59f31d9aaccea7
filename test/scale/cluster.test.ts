// Two cluster workers (WORKERS=2) behind one port, on one SQLite file and on one PostgreSQL database: every
// instance ends, every acknowledged completion is kept exactly once, 20 concurrent completes of one task have one
// winner, and the audit chain verifies (scripts/scale/drive.mjs does the driving and the counting).
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { testDatabases } from '../helpers/app.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..', '..');

for (const db of await testDatabases()) {
  t.test(`[${db}] two cluster workers serve one database exactly once`, { timeout: 180_000 }, async (t) => {
    const { stdout } = await run(
      process.execPath,
      [path.join(root, 'scripts', 'scale', 'drive.mjs'), '--db', db, '--processes', '1', '--workers', '2', '--instances', '16', '--concurrency', '6', '--race', '20', '--json'],
      { cwd: root, timeout: 170_000 },
    );
    const result = JSON.parse(stdout.trim().split('\n').at(-1) as string);
    t.match(result, { db, workers: 2 });
    t.equal(result.notEnded, 0, 'every instance ended');
    t.equal(result.lost, 0, 'no acknowledged completion lost');
    t.equal(result.appliedTwice, 0, 'none applied twice');
    t.match(result.race, { winners: 1, conflicts: 19, auditEvents: 1 }, 'one of 20 concurrent completes wins');
    t.match(result.audit, { ok: true });
    t.ok(result.ok);
    t.comment(`figures: ${JSON.stringify(result)}`);
  });
}
