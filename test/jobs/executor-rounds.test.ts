// The executor commits a round's firings together: one transaction for the round's case writes; a write that fails
// in the group (its case moved on meanwhile) leaves the others committed and its job free for the next round; two
// due jobs of one case both fire in one round, one after the other.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { jobExecutor } from '../../src/jobs/job-executor.js';
import type { Transact } from '../../src/db/write-group.js';
import { ADMIN_TOKEN, FIXTURES, startApp, tempDir, TestClock, testDatabases, type TestApp } from '../helpers/app.js';

const WITA = (local: string) => new Date(`${local}:00+08:00`).toISOString();
const KEY = 'uji-timer-batas';

async function timerApp(t: Parameters<typeof startApp>[0], database: 'sqlite' | 'postgres', clock: TestClock) {
  const dir = tempDir(t);
  fs.copyFileSync(path.join(FIXTURES, 'timers', 'boundary-task.bpmn'), path.join(dir, 'boundary-task.bpmn'));
  return startApp(t, { database, processesDir: dir, clock, app: { calendarRefreshMs: 0 } });
}

const start = async (app: TestApp): Promise<string> => (await app.call('POST', `/definitions/${KEY}/instances`, ADMIN_TOKEN, {})).json().id as string;
const fired = async (app: TestApp, id: string): Promise<string[]> =>
  ((await app.call('GET', `/audit/instances/${id}`, ADMIN_TOKEN)).json().events as Array<{ type: string; elementId: string }>).filter((e) => e.type === 'timer.fired').map((e) => e.elementId);

for (const database of await testDatabases()) {
  t.test(`[${database}] a round's firings commit in one transaction`, async (t) => {
    const clock = new TestClock(new Date(WITA('2026-03-06T15:30')));
    const app = await timerApp(t, database, clock);
    const ids = [await start(app), await start(app), await start(app)];
    const writes = new Set<string>();
    app.app.services.db.knex.on('query', (q: { sql: string; __knexTxId?: string }) => {
      if (/^update [`"]instances[`"]/i.test(q.sql) && q.__knexTxId) writes.add(q.__knexTxId);
    });
    clock.set(WITA('2026-03-09T15:30'));
    t.same(await app.app.services.executor.runDue(), { fired: 3, failed: 0, incidents: 0, started: 0 });
    t.equal(writes.size, 1, 'the three cases were written in one transaction');
    for (const id of ids) t.same(await fired(app, id), ['ingatkan']);
    t.same((await app.app.services.audit.verify()).ok, true, 'the chain verifies');
  });

  t.test(`[${database}] a case moved on while its write waited in the group: the others commit, it fires next round`, async (t) => {
    const clock = new TestClock(new Date(WITA('2026-03-06T15:30')));
    const app = await timerApp(t, database, clock);
    const s = app.app.services;
    const ids = [await start(app), await start(app), await start(app)];
    const victim = ids[1] as string;
    // Another process moves the case on after this one read it and before its write commits.
    const moveOn = (transact: Transact): Transact => async (work) => {
      await s.db.knex('instances').where({ id: victim }).increment('rev', 1);
      return transact(work);
    };
    const executor = jobExecutor({
      knex: s.db.knex,
      jobs: s.jobs,
      incidents: { raise: async () => { throw new Error('no incident expected'); } } as never,
      audit: s.audit,
      log: app.app.log,
      clock: clock.fn,
      fire: (job, owner, transact) => s.workflow.fireTimer(job, owner, transact && job.instanceId === victim ? moveOn(transact) : transact),
      definitionById: s.workflow.definitionById,
    });
    clock.set(WITA('2026-03-09T15:30'));
    t.same(await executor.runDue(), { fired: 2, failed: 0, incidents: 0, started: 0 });
    t.same(await fired(app, ids[0] as string), ['ingatkan']);
    t.same(await fired(app, victim), [], 'nothing of the moved case was written');
    t.same(await fired(app, ids[2] as string), ['ingatkan']);
    const job = (await s.jobs.forInstance(victim)).find((j) => j.elementId === 'ingatkan');
    t.match(job, { lockedBy: null, retries: 3, lastError: null }, 'its job is free again, no retry spent');
    t.same(await s.executor.runDue(), { fired: 1, failed: 0, incidents: 0, started: 0 }, 'and fires in the next round');
    t.same(await fired(app, victim), ['ingatkan']);
  });

  t.test(`[${database}] two due timers of one case fire in one round, in due order`, async (t) => {
    const clock = new TestClock(new Date(WITA('2026-03-06T15:30')));
    const app = await timerApp(t, database, clock);
    const id = await start(app);
    const other = await start(app);
    clock.set(WITA('2026-03-13T15:30'));
    t.same(await app.app.services.executor.runDue(), { fired: 4, failed: 0, incidents: 0, started: 0 });
    for (const c of [id, other]) t.same(await fired(app, c), ['ingatkan', 'tunda'], 'the non-interrupting one first, then the interrupting one');
    const tasks = (await app.call('GET', `/tasks?instanceId=${id}&status=open,claimed,completed,cancelled`, ADMIN_TOKEN)).json().items as Array<{ elementId: string; status: string }>;
    t.same(tasks.map((x) => [x.elementId, x.status]).sort(), [['diingatkan', 'open'], ['tandatangan', 'cancelled']]);
    t.same(await app.app.services.jobs.forInstance(id), [], 'no job is left');
  });
}
