// Given diagrams that wait for messages, signals and conditions (examples/), POST /messages reaches exactly one
// waiting case or starts one, POST /signals every waiting case, and a condition fires when a completion makes it
// hold; subscriptions follow the engine in the same transaction, on SQLite and PostgreSQL.
import fs from 'node:fs';
import path from 'node:path';
import t, { type Test } from 'tap';
import { validateXML } from 'xmllint-wasm';
import { ADMIN_TOKEN, XES_DIR, startApp, tempDir, testDatabases, type TestApp } from '../helpers/app.js';

const XSD = fs.readFileSync(path.join(XES_DIR, 'xes.xsd'), 'utf8');

const EXAMPLES = path.resolve(import.meta.dirname, '..', '..', 'examples');
const example = (name: string): string => fs.readFileSync(path.join(EXAMPLES, name), 'utf8');

interface Task {
  id: string;
  elementId: string;
  status: string;
}

async function deploy(t: Test, app: TestApp, file: string): Promise<void> {
  const res = await app.call('POST', '/definitions', ADMIN_TOKEN, example(file), { 'content-type': 'application/xml' });
  t.equal(res.statusCode, 201, `${file}: ${res.body}`);
}

async function start(t: Test, app: TestApp, key: string, body: Record<string, unknown> = {}): Promise<string> {
  const res = await app.call('POST', `/definitions/${key}/instances`, ADMIN_TOKEN, body);
  t.equal(res.statusCode, 201, res.body);
  return res.json().id as string;
}

const openTasks = async (app: TestApp, id: string): Promise<Task[]> => (await app.call('GET', `/instances/${id}`, ADMIN_TOKEN)).json().openTasks as Task[];
const statusOf = async (app: TestApp, id: string): Promise<string> => (await app.call('GET', `/instances/${id}`, ADMIN_TOKEN)).json().status as string;
const subscriptionsOf = async (app: TestApp, id: string) => app.app.services.subscriptions.forInstance(id);

async function trail(app: TestApp, id: string): Promise<Array<{ type: string; elementId: string | null; userId: string | null }>> {
  return (await app.call('GET', `/audit/instances/${id}`, ADMIN_TOKEN)).json().events;
}

async function verifyAudit(t: Test, app: TestApp): Promise<void> {
  t.match((await app.call('GET', '/audit/verify', ADMIN_TOKEN)).json(), { ok: true }, 'the audit chain holds');
}

const VARIANTS: Array<{ name: string; database: 'sqlite' | 'postgres'; engineCacheMiB?: number }> = [
  ...(await testDatabases()).map((database) => ({ name: database, database })),
  // No live engine is kept: every delivery recovers its case from the stored state, waits included.
  { name: 'sqlite, no engine cache', database: 'sqlite', engineCacheMiB: 0 },
];

for (const { name, database, engineCacheMiB } of VARIANTS) {
  t.test(`[${name}] messages, signals and conditions`, async (t) => {
    const app = await startApp(t, { database, processesDir: tempDir(t), app: { calendarRefreshMs: 0 }, ...(engineCacheMiB === undefined ? {} : { engineCacheMiB }) });
    const loket = await app.user(['contoh/loket'], 'Loket');
    const petugas = await app.user(['contoh/petugas'], 'Petugas');
    const luar = await app.user(['lain/staf'], 'Unit lain');
    for (const file of ['message-catch.bpmn', 'receive-task.bpmn', 'message-start.bpmn', 'message-boundary.bpmn', 'signal.bpmn', 'event-gateway.bpmn', 'conditional-boundary.bpmn']) await deploy(t, app, file);

    await t.test('a message reaches the case with its business key, with variables validated like a form', async (t) => {
      const a = await start(t, app, 'contoh-pesan-tunggu', { businessKey: 'REG-1', variables: { nomorPermohonan: 'P-1' } });
      const b = await start(t, app, 'contoh-pesan-tunggu', { businessKey: 'REG-2', variables: { nomorPermohonan: 'P-2' } });
      t.match(await subscriptionsOf(app, a), [{ kind: 'message', name: 'BerkasTambahan', elementId: 'tunggu-berkas', businessKey: 'REG-1' }], 'the wait is stored');
      t.same(await openTasks(app, a), [], 'no task while the case waits');
      t.match((await app.call('GET', `/instances/${a}`, ADMIN_TOKEN)).json().waitingFor, [{ kind: 'message', name: 'BerkasTambahan', elementId: 'tunggu-berkas', createdAt: app.clock.now.toISOString() }], 'GET /instances/:id shows the wait');

      const bad = await app.call('POST', '/messages', loket.token, { name: 'BerkasTambahan', businessKey: 'REG-1', variables: { jumlahBerkas: 'tiga', lain: 1 } });
      t.equal(bad.statusCode, 422, bad.body);
      t.match(bad.json(), { code: 'SOP_ERR_INVALID_FORM' });
      const names = (bad.json().details.fields as Array<{ name: string }>).map((f) => f.name).sort();
      t.same(names, ['jumlahBerkas', 'lain'], 'the fields are named');
      t.equal((await subscriptionsOf(app, a)).length, 1, 'a refused message changes nothing');

      const waitedSince = app.clock.now.toISOString();
      app.clock.advance(2 * 3_600_000);
      const res = await app.call('POST', '/messages', loket.token, { name: 'BerkasTambahan', businessKey: 'REG-1', variables: { jumlahBerkas: 3 } });
      t.equal(res.statusCode, 200, res.body);
      t.equal((await subscriptionsOf(app, b))[0]?.createdAt, waitedSince, 'a wait keeps the time the case came to it');
      t.same(res.json(), { instanceId: a, elementId: 'tunggu-berkas', started: false });
      t.match(await openTasks(app, a), [{ elementId: 'periksa' }], 'the case went on');
      t.same(await subscriptionsOf(app, a), [], 'the delivered wait is gone');
      t.equal((await subscriptionsOf(app, b)).length, 1, 'the other case still waits');
      t.equal((await app.app.services.instances.byId(a))?.variables.jumlahBerkas, 3, 'the message variables are case variables');
      t.match((await trail(app, a)).find((e) => e.type === 'message.delivered'), { elementId: 'tunggu-berkas', userId: loket.id, at: app.clock.now.toISOString() });
      t.match(await openTasks(app, a), [{ createdAt: app.clock.now.toISOString() }], 'the next step starts when the message arrived');

      const again = await app.call('POST', '/messages', loket.token, { name: 'BerkasTambahan', businessKey: 'REG-1', variables: { jumlahBerkas: 1 } });
      t.equal(again.statusCode, 404, 'none waits any more');
      t.match(again.json(), { code: 'SOP_ERR_NOT_FOUND' });
    });

    await t.test('correlation keys pick the case whose variables equal them; two matches answer 409 naming both', async (t) => {
      const a = await start(t, app, 'contoh-pesan-tunggu', { variables: { nomorPermohonan: 'K-1', loket: 2 } });
      const b = await start(t, app, 'contoh-pesan-tunggu', { variables: { nomorPermohonan: 'K-1', loket: 3 } });
      const two = await app.call('POST', '/messages', loket.token, { name: 'BerkasTambahan', correlationKeys: { nomorPermohonan: 'K-1' }, variables: { jumlahBerkas: 1 } });
      t.equal(two.statusCode, 409, two.body);
      t.match(two.json(), { code: 'SOP_ERR_CONFLICT', details: { state: 'ambiguous' } });
      t.ok(two.json().message.includes(a) && two.json().message.includes(b), two.json().message);
      const notSender = await app.call('POST', '/messages', petugas.token, { name: 'BerkasTambahan', correlationKeys: { nomorPermohonan: 'K-1' }, variables: { jumlahBerkas: 1 } });
      t.equal(notSender.statusCode, 403, 'one who may send to neither is refused before the conflict');
      const one = await app.call('POST', '/messages', loket.token, { name: 'BerkasTambahan', correlationKeys: { nomorPermohonan: 'K-1', loket: 3 }, variables: { jumlahBerkas: 1 } });
      t.equal(one.statusCode, 200, one.body);
      t.equal(one.json().instanceId, b);
      t.equal((await subscriptionsOf(app, a)).length, 1);
    });

    await t.test('404 when no case waits or the sender may not see it; 403 for one who sees it but is not its sender', async (t) => {
      const none = await app.call('POST', '/messages', loket.token, { name: 'TidakAda' });
      t.equal(none.statusCode, 404);
      const id = await start(t, app, 'contoh-pesan-tunggu', { businessKey: 'REG-RAHASIA' });
      const hidden = await app.call('POST', '/messages', luar.token, { name: 'BerkasTambahan', businessKey: 'REG-RAHASIA', variables: { jumlahBerkas: 1 } });
      t.equal(hidden.statusCode, 404, 'another unit is told no case waits');
      const forbidden = await app.call('POST', '/messages', petugas.token, { name: 'BerkasTambahan', businessKey: 'REG-RAHASIA', variables: { jumlahBerkas: 1 } });
      t.equal(forbidden.statusCode, 403, 'the lane role sees the case but is not the message sender');
      t.match(forbidden.json(), { code: 'SOP_ERR_FORBIDDEN' });
      t.equal((await subscriptionsOf(app, id)).length, 1);
    });

    await t.test('a receive task takes its message and the case goes on', async (t) => {
      const asesor = await app.user(['contoh/asesor'], 'Asesor');
      const id = await start(t, app, 'contoh-tugas-terima', { businessKey: 'AS-1' });
      t.match(await subscriptionsOf(app, id), [{ kind: 'message', name: 'HasilAsesmen', elementId: 'terima-hasil' }]);
      const res = await app.call('POST', '/messages', asesor.token, { name: 'HasilAsesmen', businessKey: 'AS-1', variables: { hasil: 'memenuhi' } });
      t.equal(res.statusCode, 200, res.body);
      t.match(await openTasks(app, id), [{ elementId: 'umumkan' }]);
      t.match((await trail(app, id)).map((e) => e.type), ['instance.started', 'element.started', 'message.delivered', 'element.ended', 'task.created']);
    });

    await t.test('a message start event starts a case on the latest version, the sender as starter', async (t) => {
      const portal = await app.user(['contoh/portal'], 'Portal');
      const plain = await app.call('POST', '/definitions/contoh-pesan-mulai/instances', ADMIN_TOKEN, {});
      t.equal(plain.statusCode, 409, 'it has no start event people use');
      const missing = await app.call('POST', '/messages', portal.token, { name: 'PermohonanKonsultasi', businessKey: 'WEB-1' });
      t.equal(missing.statusCode, 422, 'a required field is missing');
      t.match(missing.json(), { details: { fields: [{ name: 'pemohon' }] } });
      const refused = await app.call('POST', '/messages', loket.token, { name: 'PermohonanKonsultasi', variables: { pemohon: 'Ani' } });
      t.equal(refused.statusCode, 403, 'not the message sender');
      const res = await app.call('POST', '/messages', portal.token, { name: 'PermohonanKonsultasi', businessKey: 'WEB-1', variables: { pemohon: 'Ani' } });
      t.equal(res.statusCode, 201, res.body);
      t.match(res.json(), { elementId: 'permohonan-masuk', started: true });
      const instance = (await app.call('GET', `/instances/${res.json().instanceId}`, ADMIN_TOKEN)).json();
      t.match(instance, { definitionKey: 'contoh-pesan-mulai', version: 1, businessKey: 'WEB-1', startedBy: portal.id, status: 'running', openTasks: [{ elementId: 'tanggapi' }] });
      t.match((await trail(app, instance.id)).map((e) => e.type), ['instance.started', 'message.delivered', 'task.created']);

      // A message start uses the current, non-suspended version (DESIGN.md): a suspended one starts nothing.
      t.equal((await app.call('POST', '/definitions/contoh-pesan-mulai/versions/1/suspend', ADMIN_TOKEN, {})).statusCode, 200);
      const suspended = await app.call('POST', '/messages', portal.token, { name: 'PermohonanKonsultasi', businessKey: 'WEB-2', variables: { pemohon: 'Budi' } });
      t.equal(suspended.statusCode, 404, suspended.body);
      t.equal((await app.call('POST', '/definitions/contoh-pesan-mulai/versions/1/resume', ADMIN_TOKEN, {})).statusCode, 200);
      t.equal((await app.call('POST', '/messages', portal.token, { name: 'PermohonanKonsultasi', businessKey: 'WEB-2', variables: { pemohon: 'Budi' } })).statusCode, 201, 'resumed: it starts again');
    });

    await t.test('an interrupting message boundary cancels the task; a non-interrupting one keeps it', async (t) => {
      const id = await start(t, app, 'contoh-pesan-batas', { businessKey: 'B-1' });
      t.equal((await subscriptionsOf(app, id)).length, 2, 'both boundary events wait');
      const remind = await app.call('POST', '/messages', loket.token, { name: 'Pengingat', businessKey: 'B-1' });
      t.equal(remind.statusCode, 200, remind.body);
      t.same((await openTasks(app, id)).map((x) => x.elementId).sort(), ['telaah', 'tindak-lanjut'], 'the task stays, the follow-up opens');
      const withdraw = await app.call('POST', '/messages', loket.token, { name: 'PermohonanDitarik', businessKey: 'B-1' });
      t.equal(withdraw.statusCode, 200, withdraw.body);
      t.same((await openTasks(app, id)).map((x) => x.elementId), ['tindak-lanjut'], 'the reviewed task is cancelled');
      const events = await trail(app, id);
      t.ok(events.some((e) => e.type === 'task.cancelled' && e.elementId === 'telaah'), 'task.cancelled');
      t.same(await subscriptionsOf(app, id), [], 'no boundary waits once its task is gone');
    });

    await t.test('a signal reaches every waiting case, each in its own transaction', async (t) => {
      const pengelola = await app.user(['contoh/pengelola-jadwal'], 'Pengelola');
      const a = await start(t, app, 'contoh-sinyal');
      const b = await start(t, app, 'contoh-sinyal');
      const refused = await app.call('POST', '/signals', petugas.token, { name: 'JadwalBerubah' });
      t.equal(refused.statusCode, 403, refused.body);
      const res = await app.call('POST', '/signals', pengelola.token, { name: 'JadwalBerubah' });
      t.equal(res.statusCode, 200, res.body);
      t.equal(res.json().delivered, 2);
      t.same([...res.json().instanceIds].sort(), [a, b].sort());
      for (const id of [a, b]) {
        t.match(await openTasks(app, id), [{ elementId: 'atur-ulang' }]);
        t.ok((await trail(app, id)).some((e) => e.type === 'signal.received'), 'signal.received');
      }
      t.same((await app.call('POST', '/signals', pengelola.token, { name: 'JadwalBerubah' })).json(), { delivered: 0, instanceIds: [] });
    });

    await t.test('at an event-based gateway the message taken cancels the other branch', async (t) => {
      const id = await start(t, app, 'contoh-gerbang-peristiwa', { businessKey: 'G-1' });
      t.same((await subscriptionsOf(app, id)).map((s) => s.kind).sort(), ['message', 'signal']);
      const res = await app.call('POST', '/messages', loket.token, { name: 'JawabanPemohon', businessKey: 'G-1' });
      t.equal(res.statusCode, 200, res.body);
      t.same(await subscriptionsOf(app, id), [], 'the signal branch no longer waits');
      t.match(await openTasks(app, id), [{ elementId: 'proses' }]);
      t.same((await app.call('POST', '/signals', ADMIN_TOKEN, { name: 'LayananDitutup' })).json().delivered, 0);
    });

    await t.test('a conditional boundary fires when a completion makes its condition hold', async (t) => {
      const low = await start(t, app, 'contoh-kondisi');
      const high = await start(t, app, 'contoh-kondisi');
      for (const [id, skor] of [[low, 40], [high, 95]] as const) {
        const screening = (await openTasks(app, id)).find((x) => x.elementId === 'skrining') as Task;
        const res = await app.call('POST', `/tasks/${screening.id}/complete`, petugas.token, { variables: { skor } });
        t.equal(res.statusCode, 200, res.body);
      }
      t.same((await openTasks(app, low)).map((x) => x.elementId), ['antre'], 'a low score leaves the queue step');
      t.equal((await subscriptionsOf(app, low)).length, 1, 'the condition still waits');
      t.same((await openTasks(app, high)).map((x) => x.elementId), ['prioritas'], 'a high score cuts the queue step short');
      t.ok((await trail(app, high)).some((e) => e.type === 'task.cancelled' && e.elementId === 'antre'));
      t.same(await subscriptionsOf(app, high), []);
    });

    await t.test('cancelling a waiting case deletes its subscriptions', async (t) => {
      const id = await start(t, app, 'contoh-pesan-tunggu', { businessKey: 'BATAL-1' });
      t.equal((await subscriptionsOf(app, id)).length, 1);
      const res = await app.call('POST', `/instances/${id}/cancel`, ADMIN_TOKEN, { reason: 'uji' });
      t.equal(res.statusCode, 200, res.body);
      t.same(await subscriptionsOf(app, id), []);
      t.equal(await statusOf(app, id), 'cancelled');
      t.equal((await app.call('POST', '/messages', ADMIN_TOKEN, { name: 'BerkasTambahan', businessKey: 'BATAL-1', variables: { jumlahBerkas: 1 } })).statusCode, 404);
    });

    await t.test('a signal start event starts a case per signal; a plain start runs only the none start event', async (t) => {
      const xml = fs.readFileSync(path.join(import.meta.dirname, 'messages', 'signal-start.bpmn'), 'utf8');
      t.equal((await app.call('POST', '/definitions', ADMIN_TOKEN, xml, { 'content-type': 'application/xml' })).statusCode, 201);
      const humas = await app.user(['uji/humas'], 'Humas');
      const plain = await start(t, app, 'uji-sinyal-mulai');
      t.same((await openTasks(app, plain)).map((x) => x.elementId), ['isi'], 'the signal start event did not run');
      t.same(await subscriptionsOf(app, plain), [], 'a case does not wait at a start event');
      const invalid = await app.call('POST', '/signals', humas.token, { name: 'PengumumanBaru', variables: {} });
      t.equal(invalid.statusCode, 422, invalid.body);
      t.match(invalid.json(), { details: { fields: [{ name: 'judul' }] } });
      const res = await app.call('POST', '/signals', humas.token, { name: 'PengumumanBaru', variables: { judul: 'Libur' } });
      t.equal(res.statusCode, 200, res.body);
      t.equal(res.json().delivered, 1);
      const [id] = res.json().instanceIds as string[];
      const started = (await app.call('GET', `/instances/${id}`, ADMIN_TOKEN)).json();
      t.match(started, { definitionKey: 'uji-sinyal-mulai', startedBy: humas.id, openTasks: [{ elementId: 'sebarkan' }] });
      t.equal(started.openTasks.length, 1, 'the none start event did not run');
      t.match((await trail(app, id as string)).find((e) => e.type === 'signal.received'), { elementId: 'pengumuman', userId: humas.id });
    });

    await t.test('a conditional catch event waits until a completion makes it hold; a message boundary interrupts a sub-process', async (t) => {
      const xml = fs.readFileSync(path.join(import.meta.dirname, 'messages', 'conditional-catch.bpmn'), 'utf8');
      t.equal((await app.call('POST', '/definitions', ADMIN_TOKEN, xml, { 'content-type': 'application/xml' })).statusCode, 201);
      const staf = await app.user(['uji/staf'], 'Staf');
      const id = await start(t, app, 'uji-kondisi-antara', { businessKey: 'KA-1' });
      t.same((await subscriptionsOf(app, id)).map((s) => `${s.kind} ${s.elementId}`).sort(), ['conditional tunggu-siap', 'message ditarik']);
      const fill = async (siap: boolean) => {
        const task = (await openTasks(app, id)).find((x) => x.elementId === 'isi') as Task;
        const res = await app.call('POST', `/tasks/${task.id}/complete`, staf.token, { variables: { siap } });
        t.equal(res.statusCode, 200, res.body);
      };
      await fill(true);
      t.same((await openTasks(app, id)).map((x) => x.elementId).sort(), ['lanjut', 'periksa-berkas'], 'the condition held: the case went on');
      t.same((await subscriptionsOf(app, id)).map((s) => s.elementId), ['ditarik']);
      const res = await app.call('POST', '/messages', staf.token, { name: 'BerkasDitarik', businessKey: 'KA-1' });
      t.equal(res.statusCode, 403, 'a message without senders is the owners\' and admins\'');
      t.equal((await app.call('POST', '/messages', ADMIN_TOKEN, { name: 'BerkasDitarik', businessKey: 'KA-1' })).statusCode, 200);
      t.same((await openTasks(app, id)).map((x) => x.elementId), ['lanjut'], 'the sub-process and its task are cut short');
      const events = await trail(app, id);
      t.ok(events.some((e) => e.type === 'element.interrupted' && e.elementId === 'berkas'), 'element.interrupted');
      t.ok(events.some((e) => e.type === 'task.cancelled' && e.elementId === 'periksa-berkas'), 'task.cancelled');
    });

    await t.test('two senders racing for one waiting case: exactly one delivers', async (t) => {
      const id = await start(t, app, 'contoh-pesan-tunggu', { businessKey: 'RACE-1' });
      const body = { name: 'BerkasTambahan', businessKey: 'RACE-1', variables: { jumlahBerkas: 1 } };
      const answers = await Promise.all([app.call('POST', '/messages', loket.token, body), app.call('POST', '/messages', loket.token, body)]);
      const codes = answers.map((a) => a.statusCode).sort();
      t.equal(codes[0], 200, 'one delivered');
      t.ok([404, 409].includes(codes[1] as number), `the other found no wait: ${codes[1]}`);
      t.equal((await trail(app, id)).filter((e) => e.type === 'message.delivered').length, 1, 'one delivery in the trail');
    });

    await t.test('two signals racing over the same cases deliver once to each', async (t) => {
      const pengelola = await app.user(['contoh/pengelola-jadwal'], 'Pengelola 2');
      const ids = [await start(t, app, 'contoh-sinyal'), await start(t, app, 'contoh-sinyal')];
      const answers = await Promise.all([1, 2].map(() => app.call('POST', '/signals', pengelola.token, { name: 'JadwalBerubah' })));
      t.same(answers.map((a) => a.statusCode), [200, 200]);
      t.equal(answers.reduce((n, a) => n + (a.json().delivered as number), 0), 2, 'each case once');
      for (const id of ids) t.equal((await trail(app, id)).filter((e) => e.type === 'signal.received').length, 1);
    });

    await t.test('two processes starting at one message name answer 409 naming both', async (t) => {
      const copy = example('message-start.bpmn').replace('id="contoh-pesan-mulai"', 'id="contoh-pesan-mulai-2"');
      t.equal((await app.call('POST', '/definitions', ADMIN_TOKEN, copy, { 'content-type': 'application/xml' })).statusCode, 201);
      const res = await app.call('POST', '/messages', ADMIN_TOKEN, { name: 'PermohonanKonsultasi', variables: { pemohon: 'Budi' } });
      t.equal(res.statusCode, 409, res.body);
      t.match(res.json().message, /contoh-pesan-mulai, contoh-pesan-mulai-2/);
    });

    await t.test('a message whose fields are malformed is refused at deploy naming the message', async (t) => {
      const bad = example('message-catch.bpmn').replace('name="jumlahBerkas" type="number"', 'name="jumlah-berkas" type="angka"').replace('id="contoh-pesan-tunggu"', 'id="contoh-pesan-rusak"');
      const res = await app.call('POST', '/definitions', ADMIN_TOKEN, bad, { 'content-type': 'application/xml' });
      t.equal(res.statusCode, 400);
      const problems = res.json().details.problems as Array<{ elementId: string; message: string }>;
      t.ok(problems.some((p) => p.elementId === 'msg-berkas' && /must be an identifier/.test(p.message)), JSON.stringify(problems));
      t.ok(problems.some((p) => p.elementId === 'msg-berkas' && /unknown type 'angka'/.test(p.message)));
    });

    await t.test('deliveries are events of their case in the XES export', async (t) => {
      const auditor = await app.user(['auditor'], 'Auditor');
      const res = await app.call('GET', '/audit/export?format=xes&definitionKey=contoh-pesan-tunggu', auditor.token);
      t.equal(res.statusCode, 200);
      t.match(res.body, /<string key="sop:eventType" value="message.delivered"\/>/);
      t.match(res.body, /<string key="concept:name" value="BerkasTambahan"\/>/);
      const valid = await validateXML({ xml: { fileName: 'export.xes', contents: res.body }, schema: { fileName: 'xes.xsd', contents: XSD } });
      t.ok(valid.valid, JSON.stringify(valid.errors.slice(0, 3)));
    });

    await verifyAudit(t, app);
  });
}

t.test('the OpenAPI document lists POST /messages and POST /signals with their bodies', async (t) => {
  const app = await startApp(t, { processesDir: tempDir(t) });
  const doc = (await app.call('GET', '/docs/json')).json() as { paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown> } }> } }>> };
  const message = doc.paths['/messages']?.post?.requestBody?.content['application/json']?.schema.properties ?? {};
  t.same(Object.keys(message).sort(), ['businessKey', 'correlationKeys', 'name', 'variables']);
  const signal = doc.paths['/signals']?.post?.requestBody?.content['application/json']?.schema.properties ?? {};
  t.same(Object.keys(signal).sort(), ['name', 'variables']);
  const bad = await app.call('POST', '/messages', ADMIN_TOKEN, { name: '' });
  t.equal(bad.statusCode, 400);
  t.match(bad.json(), { code: 'SOP_ERR_VALIDATION' });
});

t.test('processes/ deploys at start as before, and examples/ is not deployed', async (t) => {
  const app = await startApp(t);
  const keys = ((await app.call('GET', '/definitions', ADMIN_TOKEN)).json().items as Array<{ key: string }>).map((d) => d.key);
  t.equal(keys.length, 8, keys.join(', '));
  t.notOk(keys.some((k) => k.startsWith('contoh-')), 'no example is deployed');
  t.same((await app.app.services.definitions.listLatest()).flatMap((d) => d.metadata.messages ?? []), [], 'the SOPs declare no message');
});
