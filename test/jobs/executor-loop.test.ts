// The executor's background loop: the app starts it when JOB_POLL_MS > 0 and a graceful close stops it; a backlog
// of due jobs does not hold the event loop (HTTP requests are answered while it fires).
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { ADMIN_TOKEN, FIXTURES, startApp, tempDir, TestClock } from '../helpers/app.js';

t.test('the app runs the executor in the background and stops it on close', async (t) => {
  const app = await startApp(t, { processesDir: tempDir(t), app: { jobExecutor: true } });
  await app.close();
  t.pass('closed with the executor running');
});

t.test('a backlog of due jobs leaves the event loop turns between firings', async (t) => {
  const dir = tempDir(t);
  fs.copyFileSync(path.join(FIXTURES, 'timers', 'cycle.bpmn'), path.join(dir, 'cycle.bpmn'));
  const clock = new TestClock(new Date('2026-03-09T00:00:00Z'));
  const app = await startApp(t, { processesDir: dir, clock });
  for (let i = 0; i < 4; i++) await app.call('POST', '/definitions/uji-timer-siklus/instances', ADMIN_TOKEN, {});
  clock.advance(3_600_000);
  let firedBeforeTurn: number | undefined;
  const count = async () => Number(((await app.app.services.db.knex('audit_events').where({ type: 'timer.fired' }).count({ n: '*' })) as { n: number | string }[])[0]?.n);
  // A macrotask queued now runs at the first turn of the event loop; the firings it sees are those done before it.
  const turned = new Promise<void>((resolve) => setImmediate(() => void count().then((n) => ((firedBeforeTurn = n), resolve()))));
  const result = await app.app.services.executor.runDue();
  await turned;
  t.equal(result.fired, 4);
  t.ok(firedBeforeTurn !== undefined && firedBeforeTurn < 4, `the loop turned before the last firing (after ${firedBeforeTurn})`);
});
