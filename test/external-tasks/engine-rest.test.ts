// External tasks through /engine-rest on the real app: a case waits at a service task until a worker fetches, locks
// and completes it; Camunda's refusals (another worker's lock, a gone task, a topic the worker may not serve) change
// nothing; failure with retries down to an incident and its retry; a BPMN error caught by a boundary event.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { ADMIN_TOKEN, startApp, tempDir, testDatabases, type TestApp } from '../helpers/app.js';

const FIXTURES = path.join(import.meta.dirname, 'fixtures');
const KEY = 'uji-tugas-eksternal';

async function externalApp(t: Parameters<typeof startApp>[0], database: 'sqlite' | 'postgres'): Promise<TestApp> {
  const dir = tempDir(t);
  fs.copyFileSync(path.join(FIXTURES, 'verify-payment.bpmn'), path.join(dir, 'verify-payment.bpmn'));
  return startApp(t, { database, processesDir: dir });
}

const start = async (app: TestApp, businessKey?: string): Promise<string> => {
  const res = await app.call('POST', `/definitions/${KEY}/instances`, ADMIN_TOKEN, { variables: { jumlah: 150000, pemohon: 'Sari' }, ...(businessKey ? { businessKey } : {}) });
  if (res.statusCode !== 201) throw new Error(`start → ${res.statusCode} ${res.body}`);
  return res.json().id as string;
};

const fetchBody = (workerId: string, topicName = 'uji.periksa-bayar', extra: Record<string, unknown> = {}) => ({ workerId, maxTasks: 10, topics: [{ topicName, lockDuration: 60_000, ...extra }] });

for (const database of await testDatabases()) {
  t.test(`[${database}] fetch, lock and complete: the case moves on with the worker's variables`, async (t) => {
    const app = await externalApp(t, database);
    const worker = await app.user(['worker']);
    const id = await start(app, 'B-1');
    const rows = await app.app.services.externalTasks.forInstance(id);
    t.same(rows.map((r) => [r.elementId, r.topic, r.priority, r.businessKey]), [['periksa', 'uji.periksa-bayar', 5, 'B-1']]);
    const instance = (await app.call('GET', `/instances/${id}`, ADMIN_TOKEN)).json();
    t.equal(instance.status, 'running', 'the case waits at the service task');

    const fetched = await app.call('POST', '/engine-rest/external-task/fetchAndLock', worker.token, fetchBody('w1', 'uji.periksa-bayar', { variables: ['jumlah'] }));
    t.equal(fetched.statusCode, 200, fetched.body);
    t.equal(fetched.headers['content-type'], 'application/json');
    const [task] = fetched.json();
    t.match(task, { topicName: 'uji.periksa-bayar', workerId: 'w1', processInstanceId: id, processDefinitionKey: KEY, activityId: 'periksa', businessKey: 'B-1', priority: 5, retries: null, variables: { jumlah: { value: 150000, type: 'Integer' } } });
    t.notOk('pemohon' in task.variables, 'only the variables asked for');
    t.same((await app.call('POST', '/engine-rest/external-task/fetchAndLock', worker.token, fetchBody('w2'))).json(), [], 'a locked task is not handed out again');

    const stolen = await app.call('POST', `/engine-rest/external-task/${task.id}/complete`, worker.token, { workerId: 'w2', variables: {} });
    t.equal(stolen.statusCode, 400);
    t.match(stolen.json(), { type: 'BadUserRequestException', message: /locked by worker 'w1'/, code: 0 });
    t.equal((await app.app.services.externalTasks.byId(task.id))?.workerId, 'w1', 'the refused call changed nothing');

    const done = await app.call('POST', `/engine-rest/external-task/${task.id}/complete`, worker.token, { workerId: 'w1', variables: { sah: { value: true, type: 'Boolean' }, catatan: { value: '{"a":1}', type: 'Json' } }, localVariables: { jejak: { value: 'x', type: 'String' } } });
    t.equal(done.statusCode, 204, done.body);
    const after = (await app.app.services.instances.byId(id))!;
    t.match(after.variables, { sah: true, catatan: { a: 1 }, jumlah: 150000 });
    t.notOk('jejak' in after.variables, 'local variables stay with the activity');
    const next = await app.app.services.externalTasks.forInstance(id);
    t.same(next.map((r) => r.elementId), ['arsip'], 'the send task after it waits now');

    const gone = await app.call('POST', `/engine-rest/external-task/${task.id}/complete`, worker.token, { workerId: 'w1' });
    t.equal(gone.statusCode, 404);
    t.match(gone.json(), { type: 'InvalidRequestException', message: `External task with id ${task.id} does not exist` });

    const [arsip] = (await app.call('POST', '/engine-rest/external-task/fetchAndLock', worker.token, fetchBody('w1', 'uji.arsip'))).json();
    t.equal((await app.call('POST', `/engine-rest/external-task/${arsip.id}/complete`, worker.token, { workerId: 'w1' })).statusCode, 204);
    t.equal((await app.call('GET', `/instances/${id}`, ADMIN_TOKEN)).json().status, 'completed');
    const events = (await app.call('GET', `/audit/instances/${id}`, ADMIN_TOKEN)).json().events as Array<{ type: string; elementId: string }>;
    t.same(events.filter((e) => e.type.startsWith('external-task.')).map((e) => [e.type, e.elementId]), [
      ['external-task.created', 'periksa'],
      ['external-task.completed', 'periksa'],
      ['external-task.created', 'arsip'],
      ['external-task.completed', 'arsip'],
    ]);
    const stored = (await app.app.services.db.knex('audit_events').where({ instance_id: id, type: 'external-task.completed' }).orderBy('seq').first()) as { data: string };
    t.match(JSON.parse(stored.data), { workerId: 'w1', variables: { sah: true }, localVariables: { jejak: 'x' } }, 'the completion records the worker and its variables');
  });

  t.test(`[${database}] fetch filters and variables: business key, definition key, local variables only, typed values`, async (t) => {
    const app = await externalApp(t, database);
    const worker = await app.user(['worker']);
    const id = await start(app, 'B-7');
    await app.app.services.db.knex('instances').where({ id }).update({ variables: JSON.stringify({ teks: 'a', benar: false, besar: 2 ** 40, pecahan: 0.5, kosong: null, daftar: [1, 2] }) });
    const fetch = async (extra: Record<string, unknown>) => (await app.call('POST', '/engine-rest/external-task/fetchAndLock', worker.token, fetchBody('w1', 'uji.periksa-bayar', extra))).json();
    t.same(await fetch({ businessKey: 'B-8' }), [], 'another business key');
    for (let i = 0; i < 12; i++) await start(app, `lain-${i}`);
    const narrowed = (await app.call('POST', '/engine-rest/external-task/fetchAndLock', worker.token, { workerId: 'w0', maxTasks: 1, topics: [{ topicName: 'uji.periksa-bayar', lockDuration: 1000, businessKey: 'B-7' }] })).json();
    t.same(narrowed.map((x: { processInstanceId: string }) => x.processInstanceId), [id], 'the business key is found behind more tasks of other keys than one read takes');
    await app.call('POST', `/engine-rest/external-task/${narrowed[0].id}/unlock`, worker.token);
    t.same(await fetch({ processDefinitionKey: 'lain' }), [], 'another definition key');
    const [task] = await fetch({ businessKey: 'B-7', processDefinitionKey: KEY });
    t.same(task.variables, {
      teks: { value: 'a', type: 'String', valueInfo: {} },
      benar: { value: false, type: 'Boolean', valueInfo: {} },
      besar: { value: 2 ** 40, type: 'Long', valueInfo: {} },
      pecahan: { value: 0.5, type: 'Double', valueInfo: {} },
      kosong: { value: null, type: 'Null', valueInfo: {} },
      daftar: { value: '[1,2]', type: 'Json', valueInfo: {} },
    });
    await app.call('POST', `/engine-rest/external-task/${task.id}/unlock`, worker.token);
    // The same task again: the 13 waiting tasks share the test clock's created_at, so their order is their random ids, and 10 are taken.
    const [local] = await fetch({ businessKey: 'B-7', localVariables: true, includeExtensionProperties: true });
    t.equal(local.id, task.id);
    t.same(local.variables, {}, 'an external task keeps no local variables');
    t.same(local.extensionProperties, { kanal: 'bank' }, 'camunda:properties, when asked for');
    t.same((await app.call('GET', `/engine-rest/external-task?topicName=uji.periksa-bayar&processInstanceId=${id}`, worker.token)).json().map((x: { id: string }) => x.id), [task.id]);
    const refused: Array<[Record<string, unknown>, RegExp]> = [
      [{ a: { value: 'x', type: 'Bytes' } }, /variables.a: variables of type Bytes are not taken/],
      [{ a: { value: 1, type: 'String' } }, /a String needs a string value/],
      [{ a: { value: 'x', type: 'Boolean' } }, /a Boolean needs true or false/],
      [{ a: { value: 'x', type: 'Integer' } }, /a Integer needs a number/],
      [{ a: { value: '{', type: 'Json' } }, /not JSON/],
    ];
    for (const [variables, message] of refused) {
      const res = await app.call('POST', `/engine-rest/external-task/${task.id}/complete`, worker.token, { workerId: 'w1', variables });
      t.equal(res.statusCode, 400);
      t.match(res.json(), { type: 'InvalidRequestException', message });
    }
    const typed = { d: { value: '2026-03-02T09:00:00.000+0800', type: 'Date' }, o: { value: '{"k":1}', type: 'Object', valueInfo: { serializationDataFormat: 'application/json', objectTypeName: 'x' } }, j: { value: { k: 2 }, type: 'Json' }, u: { value: 3 }, n: { value: null, type: 'Null' } };
    t.equal((await app.call('POST', `/engine-rest/external-task/${task.id}/complete`, worker.token, { workerId: 'w1', variables: typed })).statusCode, 204);
    t.match((await app.app.services.instances.byId(id))?.variables, { d: '2026-03-02T09:00:00.000+0800', o: { k: 1 }, j: { k: 2 }, u: 3, n: null });
  });

  t.test(`[${database}] lock refusals: an expired lock is not extended, a gone task is 404, an empty error code 400`, async (t) => {
    const app = await externalApp(t, database);
    const worker = await app.user(['worker']);
    await start(app);
    const [task] = (await app.call('POST', '/engine-rest/external-task/fetchAndLock', worker.token, fetchBody('w1'))).json();
    const blank = await app.call('POST', `/engine-rest/external-task/${task.id}/bpmnError`, worker.token, { workerId: 'w1', errorCode: ' ' });
    t.equal(blank.statusCode, 400);
    t.equal((await app.call('POST', `/engine-rest/external-task/${task.id}/failure`, worker.token, { workerId: 'w2', retries: 1 })).statusCode, 400, 'a failure by another worker');
    t.equal((await app.call('POST', `/engine-rest/external-task/${task.id}/bpmnError`, worker.token, { workerId: 'w2', errorCode: 'X' })).statusCode, 400, 'a BPMN error by another worker');
    app.clock.advance(61_000);
    const late = await app.call('POST', `/engine-rest/external-task/${task.id}/extendLock`, worker.token, { workerId: 'w1', newDuration: 1000 });
    t.equal(late.statusCode, 400);
    t.match(late.json(), { type: 'BadUserRequestException', message: /cannot be extended/ });
    t.equal((await app.call('POST', `/engine-rest/external-task/${task.id}/failure`, worker.token, { workerId: 'w1', retries: 3, retryTimeout: 0 })).statusCode, 204, 'its last holder may still report, as in Camunda');
    t.match(await app.app.services.externalTasks.byId(task.id), { retries: 3, errorMessage: 'the external task failed' });
    for (const action of ['unlock', 'extendLock', 'failure', 'bpmnError']) {
      const res = await app.call('POST', `/engine-rest/external-task/none/${action}`, worker.token, { workerId: 'w1', newDuration: 1, errorCode: 'X' });
      t.equal(res.statusCode, 404, action);
    }
  });

  t.test(`[${database}] who may serve a topic: worker, worker:<topic>; others are refused or see nothing`, async (t) => {
    const app = await externalApp(t, database);
    const arsip = await app.user(['worker:uji.arsip']);
    const staff = await app.user(['uji/staf']);
    await start(app);
    const none = await app.call('POST', '/engine-rest/external-task/fetchAndLock', staff.token, fetchBody('s'));
    t.equal(none.statusCode, 403);
    t.match(none.json(), { type: 'AuthorizationException' });
    t.equal((await app.call('POST', '/engine-rest/external-task/fetchAndLock', undefined, fetchBody('s'))).statusCode, 401);
    t.same((await app.call('POST', '/engine-rest/external-task/fetchAndLock', arsip.token, fetchBody('a'))).json(), [], 'a topic it may not serve is left out');
    const [row] = (await app.app.services.externalTasks.list({ limit: 10 }));
    t.equal((await app.call('GET', `/engine-rest/external-task/${row?.id}`, arsip.token)).statusCode, 403);
    t.same((await app.call('GET', '/engine-rest/external-task', arsip.token)).json(), [], 'lists only its topics');
    const bad = await app.call('POST', '/engine-rest/external-task/fetchAndLock', arsip.token, { workerId: 'a' });
    t.equal(bad.statusCode, 400);
    t.match(bad.json(), { type: 'InvalidRequestException' });
  });

  t.test(`[${database}] failure with retries, then an incident, then its retry; extendLock and unlock`, async (t) => {
    const app = await externalApp(t, database);
    const worker = await app.user(['worker']);
    const id = await start(app);
    const fetch = async (w: string) => (await app.call('POST', '/engine-rest/external-task/fetchAndLock', worker.token, fetchBody(w))).json();
    const [task] = await fetch('w1');
    t.equal((await app.call('POST', `/engine-rest/external-task/${task.id}/extendLock`, worker.token, { workerId: 'w2', newDuration: 1000 })).statusCode, 400, 'only its holder extends a lock');
    t.equal((await app.call('POST', `/engine-rest/external-task/${task.id}/extendLock`, worker.token, { workerId: 'w1', newDuration: 120_000 })).statusCode, 204);
    t.equal((await app.app.services.externalTasks.byId(task.id))?.lockExpiration, new Date(app.clock.now.getTime() + 120_000).toISOString());
    t.equal((await app.call('POST', `/engine-rest/external-task/${task.id}/unlock`, worker.token)).statusCode, 204);
    const [again] = await fetch('w2');
    t.equal(again.id, task.id, 'unlocked: fetchable at once');

    t.equal((await app.call('POST', `/engine-rest/external-task/${task.id}/failure`, worker.token, { workerId: 'w2', errorMessage: 'bank tidak menjawab', errorDetails: 'timeout', retries: 1, retryTimeout: 5000 })).statusCode, 204);
    t.same(await fetch('w3'), [], 'not fetchable before its retryTimeout');
    app.clock.advance(5000);
    const [third] = await fetch('w3');
    t.match(third, { id: task.id, retries: 1, errorMessage: 'bank tidak menjawab', errorDetails: 'timeout' });
    t.equal((await app.call('POST', `/engine-rest/external-task/${task.id}/failure`, worker.token, { workerId: 'w3', errorMessage: 'masih gagal', retries: 0 })).statusCode, 204);
    app.clock.advance(60_000);
    t.same(await fetch('w4'), [], 'no retries left: not fetchable');
    const incidents = (await app.call('GET', '/incidents', ADMIN_TOKEN)).json().items;
    t.match(incidents, [{ kind: 'external-task', instanceId: id, elementId: 'periksa', message: 'masih gagal' }]);
    t.equal((await app.call('POST', `/incidents/${incidents[0].id}/retry`, ADMIN_TOKEN)).statusCode, 200);
    const [retried] = await fetch('w4');
    t.match(retried, { id: task.id, retries: 1 });
    const events = (await app.call('GET', `/audit/instances/${id}`, ADMIN_TOKEN)).json().events as Array<{ type: string }>;
    t.same(events.map((e) => e.type).filter((x) => /external-task.failed|incident/.test(x)), ['external-task.failed', 'external-task.failed', 'incident.created', 'incident.resolved']);
  });

  t.test(`[${database}] a BPMN error is caught by the boundary event of its code; an uncaught one is an incident`, async (t) => {
    const app = await externalApp(t, database);
    const worker = await app.user(['worker']);
    const id = await start(app);
    const [task] = (await app.call('POST', '/engine-rest/external-task/fetchAndLock', worker.token, fetchBody('w1'))).json();
    const caught = await app.call('POST', `/engine-rest/external-task/${task.id}/bpmnError`, worker.token, { workerId: 'w1', errorCode: 'DITOLAK', errorMessage: 'bukti palsu', variables: { alasan: { value: 'bukti palsu', type: 'String' } } });
    t.equal(caught.statusCode, 204, caught.body);
    const tasks = (await app.call('GET', `/tasks?instanceId=${id}`, ADMIN_TOKEN)).json().items as Array<{ elementId: string }>;
    t.same(tasks.map((x) => x.elementId), ['tinjau'], 'the boundary path is taken');
    t.same(await app.app.services.externalTasks.forInstance(id), [], 'the external task is gone with its activity');
    t.equal((await app.app.services.instances.byId(id))?.variables.alasan, 'bukti palsu');

    const other = await start(app);
    const [second] = (await app.call('POST', '/engine-rest/external-task/fetchAndLock', worker.token, fetchBody('w1'))).json();
    t.equal(second.processInstanceId, other);
    const uncaught = await app.call('POST', `/engine-rest/external-task/${second.id}/bpmnError`, worker.token, { workerId: 'w1', errorCode: 'LAIN' });
    t.equal(uncaught.statusCode, 204);
    t.equal((await app.call('GET', `/instances/${other}`, ADMIN_TOKEN)).json().status, 'running', 'the case is left as it was');
    t.match(await app.app.services.externalTasks.byId(second.id), { retries: 0, errorMessage: /BPMN error LAIN was not caught/ });
    t.match((await app.call('GET', '/incidents', ADMIN_TOKEN)).json().items, [{ kind: 'external-task', instanceId: other }]);
  });

  t.test(`[${database}] long polling: a waiting fetch gets a new task at once; one that finds nothing answers [] at its timeout`, async (t) => {
    const app = await externalApp(t, database);
    const worker = await app.user(['worker']);
    const began = Date.now();
    const empty = await app.call('POST', '/engine-rest/external-task/fetchAndLock', worker.token, { ...fetchBody('w1'), asyncResponseTimeout: 300 });
    t.same(empty.json(), []);
    t.ok(Date.now() - began >= 290, 'it waited for its timeout');
    const pending = app.call('POST', '/engine-rest/external-task/fetchAndLock', worker.token, { ...fetchBody('w1'), asyncResponseTimeout: 20_000 });
    await new Promise((r) => setTimeout(r, 200));
    const created = Date.now();
    const id = await start(app);
    const [task] = (await pending).json();
    t.equal(task?.processInstanceId, id, 'the waiting fetch got the new task');
    t.ok(Date.now() - created < 10_000, `woken by the commit, not its timeout (${Date.now() - created} ms)`);
  });

  if (database === 'postgres') {
    t.test('[postgres] a fetch waiting on one process is woken by a task another process created (LISTEN/NOTIFY)', async (t) => {
      const a = await externalApp(t, database);
      const b = await startApp(t, { databaseUrl: a.databaseUrl, processesDir: a.dir });
      const worker = await a.user(['worker']);
      const pending = b.call('POST', '/engine-rest/external-task/fetchAndLock', worker.token, { ...fetchBody('w1'), asyncResponseTimeout: 20_000 });
      await new Promise((r) => setTimeout(r, 300));
      const created = Date.now();
      const id = await start(a);
      const [task] = (await pending).json();
      t.equal(task?.processInstanceId, id, 'process b handed out the task process a created');
      t.ok(Date.now() - created < 10_000, `woken by NOTIFY, not its timeout (${Date.now() - created} ms)`);

      // The listening connection dies (a database restart, an admin's pg_terminate_backend): b listens again.
      const killed = await a.app.services.db.knex.raw(`select pg_terminate_backend(pid) as ok from pg_stat_activity where datname = current_database() and query ilike 'listen%'`);
      t.ok((killed.rows as unknown[]).length >= 2, 'both processes\' listeners were cut');
      await new Promise((r) => setTimeout(r, 1500));
      const again = b.call('POST', '/engine-rest/external-task/fetchAndLock', worker.token, { ...fetchBody('w2'), asyncResponseTimeout: 20_000 });
      await new Promise((r) => setTimeout(r, 300));
      const recreated = Date.now();
      const second = await start(a);
      const [next] = (await again).json();
      t.equal(next?.processInstanceId, second, 'woken again after the listener came back');
      t.ok(Date.now() - recreated < 10_000, `(${Date.now() - recreated} ms)`);
    });
  }

  t.test(`[${database}] cancelling a case removes its external tasks; a migration leaves a case that waits on one`, async (t) => {
    const app = await externalApp(t, database);
    const id = await start(app);
    const xml = fs.readFileSync(path.join(FIXTURES, 'verify-payment.bpmn'), 'utf8').replace('name="Mengarsipkan"', 'name="Mengarsipkan berkas"');
    t.equal((await app.call('POST', '/definitions', ADMIN_TOKEN, xml, { 'content-type': 'application/xml' })).statusCode, 201);
    const plan = (await app.call('POST', '/migrations', ADMIN_TOKEN, { definitionKey: KEY, fromVersion: 1, toVersion: 2, dryRun: true })).json();
    t.match(plan.cases, [{ instanceId: id, outcome: 'refused', problems: [{ code: 'carrier', elementId: 'periksa', message: /waits for a worker of topic uji.periksa-bayar/ }] }]);
    t.equal((await app.call('POST', `/instances/${id}/cancel`, ADMIN_TOKEN, { reason: 'uji' })).statusCode, 200);
    t.same(await app.app.services.externalTasks.forInstance(id), []);
  });
}
