// Upgrading a database whose running cases were stored by bpmn-engine: they go on to their end on bpmn-engine
// after the restart, while new cases run on the flow interpreter, and the audit chain stays whole.
import t from 'tap';
import { ADMIN_TOKEN, startApp, testDatabases } from '../helpers/app.js';
import { formValues, type OpenTask } from '../helpers/drive-case.js';
import { openDatabase } from '../../src/db/knex.js';

const KEY = 'bkd-kalteng-konsultasi-ekinerja';

async function storedFormat(databaseUrl: string, instanceId: string): Promise<string> {
  const db = openDatabase(databaseUrl);
  try {
    const row = (await db.knex('instances').select('engine_state').where({ id: instanceId }).first()) as { engine_state: string | object };
    const state = typeof row.engine_state === 'string' ? JSON.parse(row.engine_state) : row.engine_state;
    return (state as { format?: string }).format ?? 'bpmn-engine';
  } finally {
    await db.knex.destroy();
  }
}

for (const database of await testDatabases()) {
  t.test(`cases stored by bpmn-engine finish after the upgrade (${database})`, async (t) => {
    const first = await startApp(t, { database, executor: 'bpmn-engine' });
    const roles = (await first.call('GET', `/definitions/${KEY}`, ADMIN_TOKEN)).json().roles.map((r: { id: string }) => r.id) as string[];
    const staff = await first.user(roles, 'petugas');
    const started = async (app: typeof first) => (await app.call('POST', `/definitions/${KEY}/instances`, staff.token, {})).json().id as string;
    const complete = async (app: typeof first, instanceId: string, values: Record<string, Record<string, unknown>>, max = 1) => {
      for (let i = 0; i < max; i++) {
        const task = (await app.call('GET', `/tasks?instanceId=${instanceId}`, ADMIN_TOKEN)).json().items[0] as OpenTask | undefined;
        if (!task) return;
        const body = { documents: task.requires.map((name) => ({ name })), output: task.output.map((name) => ({ name })), variables: formValues(task, values) };
        const res = await app.call('POST', `/tasks/${task.id}/complete`, staff.token, body);
        t.equal(res.statusCode, 200, `${task.elementId} completed`);
      }
    };
    const fresh = await started(first);
    const midway = await started(first);
    await complete(first, midway, {}, 2);
    t.equal(await storedFormat(first.databaseUrl, midway), 'bpmn-engine', 'stored by bpmn-engine before the upgrade');
    await first.close();

    const second = await startApp(t, { database, databaseUrl: first.databaseUrl, dir: first.dir });
    for (const [id, answer] of [
      [fresh, 'tidak'],
      [midway, 'ya'],
    ] as const) {
      await complete(second, id, { 'give-consultation': { penjelasanCukup: answer } }, 20);
      t.equal((await second.call('GET', `/instances/${id}`, ADMIN_TOKEN)).json().status, 'completed', `the ${id === fresh ? 'unstarted' : 'half-done'} case ended`);
      t.equal(await storedFormat(second.databaseUrl, id), 'bpmn-engine', 'it stayed on bpmn-engine');
    }
    const created = await started(second);
    t.equal(await storedFormat(second.databaseUrl, created), 'sop-flow/1', 'a new case runs on the flow interpreter');
    await complete(second, created, { 'give-consultation': { penjelasanCukup: 'tidak' } }, 20);
    t.equal((await second.call('GET', `/instances/${created}`, ADMIN_TOKEN)).json().status, 'completed');
    t.match((await second.call('GET', '/audit/verify', ADMIN_TOKEN)).json(), { ok: true });
  });
}
