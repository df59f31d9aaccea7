// How the executor treats each way a firing can fail: a timer that no longer waits or a case that ended drops its
// job, a case that moved on meanwhile is tried again at once, a job another executor holds is left to it, and any
// other failure retries with backoff. Driven with a stand-in for the firing, on the real repositories.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { ConflictError, TimerNotWaitingError } from '../../src/errors.js';
import { jobExecutor, retryDelayMs } from '../../src/jobs/job-executor.js';
import type { JobRecord } from '../../src/jobs/jobs-repository.js';
import { ADMIN_TOKEN, FIXTURES, startApp, tempDir, TestClock } from '../helpers/app.js';

t.test('each failure of a firing has its own outcome', async (t) => {
  const dir = tempDir(t);
  fs.copyFileSync(path.join(FIXTURES, 'timers', 'cycle.bpmn'), path.join(dir, 'cycle.bpmn'));
  const clock = new TestClock(new Date('2026-03-09T00:00:00Z'));
  const app = await startApp(t, { processesDir: dir, clock });
  const s = app.app.services;
  // Starts a case whose job is due in an hour, and moves the clock there.
  const start = async () => {
    const id = (await app.call('POST', '/definitions/uji-timer-siklus/instances', ADMIN_TOKEN, {})).json().id as string;
    clock.advance(3_600_000);
    return id;
  };
  let failure: Error = new Error('unused');
  const executor = (fire: (job: JobRecord, owner: string) => Promise<boolean>) =>
    jobExecutor({ knex: s.db.knex, jobs: s.jobs, incidents: { raise: async () => { throw new Error('no incident expected'); } } as never, audit: s.audit, log: app.app.log, clock: clock.fn, fire, definitionById: s.workflow.definitionById });
  const failing = executor(async () => {
    throw failure;
  });

  const gone = await start();
  failure = new TimerNotWaitingError('ingatkan', 'x');
  t.same(await failing.runDue(), { fired: 0, failed: 0, incidents: 0, started: 0 });
  t.same(await s.jobs.forInstance(gone), [], 'a timer that no longer waits loses its job');

  const ended = await start();
  failure = new ConflictError('instance is cancelled', 'cancelled');
  await failing.runDue();
  t.same(await s.jobs.forInstance(ended), [], 'a case that is no longer running loses its job');

  const moved = await start();
  failure = new ConflictError('instance changed meanwhile', 'running');
  await failing.runDue();
  const [free] = await s.jobs.forInstance(moved);
  t.match(free, { lockedBy: null, retries: 3, lastError: null }, 'a case moved on meanwhile: the job is free again, no retry spent');

  failure = new Error('database hiccup');
  t.same(await failing.runDue(), { fired: 0, failed: 1, incidents: 0, started: 0 });
  const [retried] = await s.jobs.forInstance(moved);
  t.match(retried, { retries: 2, lastError: 'database hiccup', dueAt: new Date(clock.now.getTime() + retryDelayMs(1)).toISOString() }, 'other failures retry with backoff');

  // A job another executor claimed is not taken, nor fired twice.
  clock.advance(retryDelayMs(1));
  const [claimed] = await s.jobs.claimDue('other-executor', clock.now.toISOString(), new Date(clock.now.getTime() + 60_000).toISOString(), 10);
  t.equal(claimed?.instanceId, moved);
  let calls = 0;
  const counting = executor(async () => {
    calls++;
    return true;
  });
  t.same(await counting.runDue(), { fired: 0, failed: 0, incidents: 0, started: 0 });
  t.equal(calls, 0, 'a held job is left to its holder');
  t.equal(await s.jobs.update(claimed?.id ?? '', 'not-the-holder', { retries: 0 }), false, 'only the holder changes it');
  t.equal(await s.jobs.nextDue(), (await s.jobs.forInstance(moved))[0]?.dueAt);
});
