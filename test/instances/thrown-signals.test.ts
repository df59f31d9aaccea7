// A signal thrown inside a case (intermediate throw and end event) reaches every other waiting case of its unit and
// starts a case at each signal start event, in the throwing case's transaction, on SQLite and PostgreSQL.
import fs from 'node:fs';
import path from 'node:path';
import t, { type Test } from 'tap';
import { ADMIN_TOKEN, startApp, tempDir, testDatabases, type TestApp } from '../helpers/app.js';

const DIR = path.join(import.meta.dirname, 'thrown');

interface Task {
  id: string;
  elementId: string;
}

interface AuditEntry {
  type: string;
  elementId: string | null;
  userId: string | null;
  data: Record<string, unknown> | null;
}

async function deploy(t: Test, app: TestApp, file: string): Promise<void> {
  const res = await app.call('POST', '/definitions', ADMIN_TOKEN, fs.readFileSync(path.join(DIR, file), 'utf8'), { 'content-type': 'application/xml' });
  t.equal(res.statusCode, 201, `${file}: ${res.body}`);
}

async function start(app: TestApp, key: string): Promise<string> {
  const res = await app.call('POST', `/definitions/${key}/instances`, ADMIN_TOKEN, {});
  if (res.statusCode !== 201) throw new Error(`${key}: ${res.statusCode} ${res.body}`);
  return res.json().id as string;
}

const caseOf = async (app: TestApp, id: string) => (await app.call('GET', `/instances/${id}`, ADMIN_TOKEN)).json() as { status: string; startedBy: string; openTasks: Task[] };
// The chain as stored: the trail route shows an event's data only for some types.
const trail = async (app: TestApp, id: string): Promise<AuditEntry[]> => app.app.services.audit.forInstance(id);
const casesOf = async (app: TestApp, key: string) => (await app.call('GET', `/instances?definitionKey=${key}`, ADMIN_TOKEN)).json().items as Array<{ id: string }>;

for (const database of await testDatabases()) {
  t.test(`[${database}] a thrown signal reaches the other waiting cases of its unit and starts cases, in one transaction`, async (t) => {
    const app = await startApp(t, { database, processesDir: tempDir(t), app: { calendarRefreshMs: 0 } });
    for (const file of ['throw.bpmn', 'wait.bpmn', 'start.bpmn', 'other-unit.bpmn']) await deploy(t, app, file);
    const staf = await app.user(['uji/staf'], 'Staf');
    const waiting = [await start(app, 'uji-sinyal-tunggu'), await start(app, 'uji-sinyal-tunggu')];
    const otherUnit = await start(app, 'lain-sinyal-tunggu');
    const thrower = await start(app, 'uji-sinyal-lempar');

    const [umumkan] = (await caseOf(app, thrower)).openTasks;
    const res = await app.call('POST', `/tasks/${umumkan?.id}/complete`, staf.token, { documents: [], output: [], variables: {} });
    t.equal(res.statusCode, 200, res.body);
    t.equal((await caseOf(app, thrower)).status, 'completed');
    for (const id of waiting) {
      t.same((await caseOf(app, id)).openTasks.map((x) => x.elementId), ['jadwal-ulang'], 'both signals reached it: the end event\'s one after the throw event\'s made it wait');
      const received = (await trail(app, id)).filter((e) => e.type === 'signal.received');
      t.match(received, [
        { elementId: 'tunggu', userId: staf.id, data: { name: 'RapatDiundur', thrownBy: { instanceId: thrower, elementId: 'lempar' } } },
        { elementId: 'tunggu-selesai', data: { name: 'RapatSelesai', thrownBy: { instanceId: thrower, elementId: 'selesai' } } },
      ]);
      t.same(await app.app.services.subscriptions.forInstance(id), [], 'no wait left');
    }
    t.equal((await app.app.services.subscriptions.forInstance(otherUnit)).length, 1, "another unit's case is not reached");
    t.equal((await casesOf(app, 'lain-sinyal-tunggu')).length, 1, "another unit's signal start event starts nothing");
    const started = await casesOf(app, 'uji-sinyal-catat');
    t.equal(started.length, 1, 'the signal start event started one case');
    const catat = await caseOf(app, started[0]?.id as string);
    t.match(catat, { startedBy: staf.id, openTasks: [{ elementId: 'catat' }] });
    t.match((await trail(app, started[0]?.id as string)).map((e) => e.type), ['instance.started', 'signal.received', 'task.created']);
    t.match((await app.call('GET', '/audit/verify', ADMIN_TOKEN)).json(), { ok: true });
  });

  t.test(`[${database}] cases that throw the signal they catch reach each other once per request, never looping`, async (t) => {
    const app = await startApp(t, { database, processesDir: tempDir(t), app: { calendarRefreshMs: 0 } });
    for (const file of ['throw.bpmn', 'echo.bpmn', 'start.bpmn']) await deploy(t, app, file);
    const echoes = [await start(app, 'uji-sinyal-gema'), await start(app, 'uji-sinyal-gema')];
    const thrower = await start(app, 'uji-sinyal-lempar');
    const [umumkan] = (await caseOf(app, thrower)).openTasks;
    const res = await app.call('POST', `/tasks/${umumkan?.id}/complete`, ADMIN_TOKEN, { documents: [], output: [], variables: {} });
    t.equal(res.statusCode, 200, res.body);
    for (const id of echoes) {
      t.same((await caseOf(app, id)).openTasks.map((x) => x.elementId), ['jadwal-ulang'], 'each echo caught the signal and threw it on');
      t.equal((await trail(app, id)).filter((e) => e.type === 'signal.received').length, 1, 'and received it once');
    }
    t.equal((await casesOf(app, 'uji-sinyal-catat')).length, 1, 'the start event started one case for the request, not one per throw');
  });

  t.test(`[${database}] a reached case that cannot run refuses the throwing completion, and nothing is stored`, async (t) => {
    const app = await startApp(t, { database, processesDir: tempDir(t), app: { calendarRefreshMs: 0 } });
    for (const file of ['throw.bpmn', 'wait.bpmn', 'failing.bpmn']) await deploy(t, app, file);
    const waiting = await start(app, 'uji-sinyal-tunggu');
    const failing = await start(app, 'uji-sinyal-gagal');
    const thrower = await start(app, 'uji-sinyal-lempar');
    const [umumkan] = (await caseOf(app, thrower)).openTasks;
    const res = await app.call('POST', `/tasks/${umumkan?.id}/complete`, ADMIN_TOKEN, { documents: [], output: [], variables: {} });
    t.equal(res.statusCode, 422, res.body);
    t.equal(res.json().code, 'SOP_ERR_CALLED_PROCESS_MISSING');
    t.match(await caseOf(app, thrower), { status: 'running', openTasks: [{ elementId: 'umumkan' }] }, 'the throwing case did not move');
    for (const id of [waiting, failing]) {
      t.equal((await app.app.services.subscriptions.forInstance(id)).length, 1, 'the waiting cases still wait');
      t.notOk((await trail(app, id)).some((e) => e.type === 'signal.received'));
    }
  });
}

t.test('a signal throw without a named signal is refused at deploy, naming the event', async (t) => {
  const app = await startApp(t, { processesDir: tempDir(t) });
  const xml = fs.readFileSync(path.join(DIR, 'throw.bpmn'), 'utf8').replace('<bpmn:signalEventDefinition signalRef="sig-undur"/>', '<bpmn:signalEventDefinition/>');
  const res = await app.call('POST', '/definitions', ADMIN_TOKEN, xml, { 'content-type': 'application/xml' });
  t.equal(res.statusCode, 400);
  t.match(res.json().details.problems, [{ elementId: 'lempar', message: 'a signal throw needs a signalRef to a bpmn:signal with a name' }]);
});
