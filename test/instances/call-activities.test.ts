// Given deployed processes that call each other, a call activity starts a child case of its own, linked both ways,
// and the parent resumes with the child's output when the child completes; all in one transaction per request.
import fs from 'node:fs';
import path from 'node:path';
import t, { type Test } from 'tap';
import { ADMIN_TOKEN, startApp, tempDir, testDatabases, type TestApp } from '../helpers/app.js';

const HERE = path.join(import.meta.dirname, 'call-activities');
const fixture = (name: string): string => fs.readFileSync(path.join(HERE, name), 'utf8');

interface InstanceJson {
  id: string;
  definitionKey: string;
  version: number;
  status: string;
  startedBy: string;
  businessKey: string | null;
  parentInstanceId: string | null;
  parentElementId: string | null;
  childInstanceIds: string[];
  openTasks: Array<{ id: string; elementId: string; role: string }>;
}

interface Roles {
  staf: { id: string; token: string };
  verifikator: { id: string; token: string };
  kepala: { id: string; token: string };
}

async function setUp(t: Parameters<typeof startApp>[0], database: 'sqlite' | 'postgres'): Promise<TestApp & Roles> {
  const app = await startApp(t, { database, processesDir: tempDir(t), app: { calendarRefreshMs: 0 } });
  const staf = await app.user(['uji/staf'], 'Staf');
  const verifikator = await app.user(['uji/verifikator'], 'Verifikator');
  const kepala = await app.user(['uji/kepala'], 'Kepala');
  return { ...app, staf, verifikator, kepala };
}

async function deploy(t: Test, app: TestApp, xml: string): Promise<{ definitions: Array<{ key: string; version: number }>; warnings: Array<{ elementId: string; message: string }> }> {
  const res = await app.call('POST', '/definitions', ADMIN_TOKEN, xml, { 'content-type': 'application/xml' });
  t.equal(res.statusCode, 201, res.body);
  return res.json();
}

const instance = async (app: TestApp, id: string): Promise<InstanceJson> => (await app.call('GET', `/instances/${id}`, ADMIN_TOKEN)).json();

async function complete(t: Test, app: TestApp, taskId: string, token: string, body: Record<string, unknown>): Promise<void> {
  const res = await app.call('POST', `/tasks/${taskId}/complete`, token, body);
  t.equal(res.statusCode, 200, res.body);
}

async function auditTypes(app: TestApp, id: string): Promise<string[]> {
  const res = await app.call('GET', `/audit/instances/${id}`, ADMIN_TOKEN);
  return (res.json().events as Array<{ type: string }>).map((e) => e.type);
}

const variablesOf = async (app: TestApp, id: string): Promise<Record<string, unknown> | undefined> => (await app.app.services.instances.byId(id))?.variables;

async function verifyAudit(t: Test, app: TestApp): Promise<void> {
  const res = await app.call('GET', '/audit/verify', ADMIN_TOKEN);
  t.equal(res.json().ok, true, `audit chain holds: ${res.body}`);
}

/** Starts uji-induk and completes its first task: the call activity starts the child case. */
async function startToCall(t: Test, app: TestApp & Roles): Promise<{ parent: InstanceJson; child: InstanceJson }> {
  const started = await app.call('POST', '/definitions/uji-induk/instances', app.staf.token, { businessKey: 'BK-1' });
  t.equal(started.statusCode, 201, started.body);
  const first = await instance(app, started.json().id);
  t.match(first.openTasks, [{ elementId: 'terima', role: 'uji/staf' }]);
  await complete(t, app, first.openTasks[0]?.id as string, app.staf.token, { output: [{ name: 'Agenda' }], variables: { jenis: 'baru', catatan: 'tidak lewat' } });
  const parent = await instance(app, first.id);
  t.equal(parent.childInstanceIds.length, 1, 'the call activity started one child case');
  const child = await instance(app, parent.childInstanceIds[0] as string);
  return { parent, child };
}

for (const database of await testDatabases()) {
  t.test(`[${database}] a call activity runs the called process as a child case and the parent resumes with its output`, async (t) => {
    const app = await setUp(t, database);
    await deploy(t, app, fixture('child.bpmn'));
    const deployed = await deploy(t, app, fixture('parent.bpmn'));
    t.same(deployed.warnings.filter((w) => w.elementId === 'pemeriksaan'), [], 'the called key is deployed: no warning');

    const { parent, child } = await startToCall(t, app);
    t.match(parent, { status: 'running', openTasks: [], parentInstanceId: null });
    t.match(child, { definitionKey: 'uji-anak', version: 1, status: 'running', startedBy: app.staf.id, businessKey: 'BK-1', parentInstanceId: parent.id, parentElementId: 'pemeriksaan' });
    t.match(child.openTasks, [{ elementId: 'periksa', role: 'uji/verifikator' }], "the child's task follows the child's lanes");
    t.same((await app.call('GET', `/tasks?instanceId=${child.id}`, app.staf.token)).json().items, [], "the parent's staff do not get the child's task");

    const childAudit = await app.call('GET', `/audit/instances/${child.id}`, ADMIN_TOKEN);
    t.match(childAudit.json().events[0], { type: 'instance.started', parentInstanceId: parent.id }, "the child's trail starts naming its parent");
    const stored = await app.app.services.audit.forInstance(child.id);
    t.match(stored[0]?.data, { parentInstanceId: parent.id, parentElementId: 'pemeriksaan' });
    const taskOfChild = child.openTasks[0]?.id as string;
    const recorded = (await app.call('GET', `/tasks/${taskOfChild}`, app.verifikator.token)).json();
    t.equal(recorded.instanceId, child.id);

    await complete(t, app, taskOfChild, app.verifikator.token, { output: [{ name: 'Hasil pemeriksaan' }], variables: { hasil: 'layak' } });
    const ended = await instance(app, child.id);
    t.equal(ended.status, 'completed');
    const resumed = await instance(app, parent.id);
    t.match(resumed.openTasks, [{ elementId: 'setujui', role: 'uji/kepala' }], 'the output hasil → hasilPeriksa took the gateway to setujui');
    const parentTypes = await auditTypes(app, parent.id);
    t.ok(parentTypes.indexOf('instance.child-started') < parentTypes.indexOf('instance.child-completed'), parentTypes.join(','));
    t.ok(parentTypes.includes('instance.child-completed'));

    await complete(t, app, resumed.openTasks[0]?.id as string, app.kepala.token, { output: [{ name: 'Persetujuan' }] });
    t.equal((await instance(app, parent.id)).status, 'completed');
    await verifyAudit(t, app);
  });

  t.test(`[${database}] Camunda 7 passes only declared variables; its output steers the default branch too`, async (t) => {
    const app = await setUp(t, database);
    await deploy(t, app, fixture('child.bpmn'));
    await deploy(t, app, fixture('parent.bpmn'));
    const { parent, child } = await startToCall(t, app);
    const childStart = (await app.app.services.audit.forInstance(child.id))[0];
    t.same(await variablesOf(app, child.id), { jenisLayanan: 'baru' }, 'only jenis crossed in, renamed; catatan stayed home');
    t.equal(childStart?.type, 'instance.started');
    await complete(t, app, child.openTasks[0]?.id as string, app.verifikator.token, { output: [{ name: 'Hasil pemeriksaan' }], variables: { hasil: 'tidak' } });
    const done = await instance(app, parent.id);
    t.equal(done.status, 'completed', 'hasilPeriksa = tidak takes the default flow to the end');
    const events = await app.app.services.audit.forInstance(parent.id);
    const resumedWith = events.find((e) => e.type === 'instance.child-completed');
    t.same(resumedWith?.data, { childInstanceId: child.id, variables: { hasilPeriksa: 'tidak' } }, 'only the declared output crosses back');
    t.same(await variablesOf(app, parent.id), { jenis: 'baru', catatan: 'tidak lewat', hasilPeriksa: 'tidak' });
  });

  t.test(`[${database}] nested calls: parent → child → grandchild, Camunda 8 passes every variable both ways`, async (t) => {
    const app = await setUp(t, database);
    await deploy(t, app, fixture('c8-grandchild.bpmn'));
    await deploy(t, app, fixture('c8-middle.bpmn'));
    await deploy(t, app, fixture('c8-parent.bpmn'));
    const started = await app.call('POST', '/definitions/uji-c8-induk/instances', app.staf.token, { variables: { asal: 'loket' } });
    t.equal(started.statusCode, 201, started.body);
    t.equal(started.json().childInstanceIds.length, 1, 'the start reached the call at once');
    const middle = await instance(app, started.json().childInstanceIds[0]);
    t.match(middle, { definitionKey: 'uji-c8-tengah', parentInstanceId: started.json().id, openTasks: [{ elementId: 'siapkan' }] });
    await complete(t, app, middle.openTasks[0]?.id as string, app.verifikator.token, { output: [{ name: 'Berkas siap' }] });

    const middleNow = await instance(app, middle.id);
    const grandchild = await instance(app, middleNow.childInstanceIds[0] as string);
    t.match(grandchild, { definitionKey: 'uji-c8-cucu', parentInstanceId: middle.id, status: 'running', openTasks: [{ elementId: 'menilai', role: 'uji/kepala' }] });
    await complete(t, app, grandchild.openTasks[0]?.id as string, app.kepala.token, { output: [{ name: 'Nilai' }], variables: { nilai: 'a' } });

    t.equal((await instance(app, grandchild.id)).status, 'completed');
    t.equal((await instance(app, middle.id)).status, 'completed', 'the grandchild completing completed the middle case in the same request');
    const top = await instance(app, started.json().id);
    t.match(top.openTasks, [{ elementId: 'tutup' }], 'nilai came up two levels and chose the branch');
    const events = await app.app.services.audit.forInstance(top.id);
    t.match(events.find((e) => e.type === 'instance.child-completed')?.data, { variables: { nilai: 'a', asal: 'loket' } }, 'all variables pass in and back out');
    await complete(t, app, top.openTasks[0]?.id as string, app.staf.token, { output: [{ name: 'Arsip' }] });
    t.equal((await instance(app, top.id)).status, 'completed');
    await verifyAudit(t, app);
  });

  t.test(`[${database}] cancelling the parent cancels its children and their tasks, recursively`, async (t) => {
    const app = await setUp(t, database);
    await deploy(t, app, fixture('c8-grandchild.bpmn'));
    await deploy(t, app, fixture('c8-middle.bpmn'));
    await deploy(t, app, fixture('c8-parent.bpmn'));
    const top = (await app.call('POST', '/definitions/uji-c8-induk/instances', app.staf.token, {})).json() as InstanceJson;
    const middle = await instance(app, top.childInstanceIds[0] as string);
    await complete(t, app, middle.openTasks[0]?.id as string, app.verifikator.token, { output: [{ name: 'Berkas siap' }] });
    const grandchildId = (await instance(app, middle.id)).childInstanceIds[0] as string;
    const grandchildTask = (await instance(app, grandchildId)).openTasks[0]?.id as string;

    const alone = await app.call('POST', `/instances/${middle.id}/cancel`, ADMIN_TOKEN, { reason: 'salah' });
    t.equal(alone.statusCode, 409, 'a child case is cancelled with its parent, not alone');

    const cancelled = await app.call('POST', `/instances/${top.id}/cancel`, ADMIN_TOKEN, { reason: 'permohonan ditarik' });
    t.equal(cancelled.statusCode, 200, cancelled.body);
    for (const id of [top.id, middle.id, grandchildId]) {
      t.equal((await instance(app, id)).status, 'cancelled', `${id} cancelled`);
      t.ok((await auditTypes(app, id)).includes('instance.cancelled'), 'in its own trail');
    }
    t.equal((await app.call('GET', `/tasks/${grandchildTask}`, ADMIN_TOKEN)).json().status, 'cancelled');
    t.ok((await auditTypes(app, grandchildId)).includes('task.cancelled'));
    await verifyAudit(t, app);
  });

  t.test(`[${database}] a cancel of the parent racing the child's last completion: one wins, nothing deadlocks`, async (t) => {
    const app = await setUp(t, database);
    await deploy(t, app, fixture('child.bpmn'));
    await deploy(t, app, fixture('parent.bpmn'));
    for (let round = 0; round < 3; round++) {
      const { parent, child } = await startToCall(t, app);
      const [cancel, done] = await Promise.all([
        app.call('POST', `/instances/${parent.id}/cancel`, ADMIN_TOKEN, { reason: 'balapan' }),
        app.call('POST', `/tasks/${child.openTasks[0]?.id}/complete`, app.verifikator.token, { output: [{ name: 'Hasil pemeriksaan' }], variables: { hasil: 'layak' } }),
      ]);
      t.ok([200, 409].includes(cancel.statusCode) && [200, 409].includes(done.statusCode), `${cancel.statusCode} ${done.statusCode}`);
      t.ok(cancel.statusCode === 200 || done.statusCode === 200, 'one of them wins');
      const [p, c] = [await instance(app, parent.id), await instance(app, child.id)];
      if (cancel.statusCode === 200) t.same([p.status, c.status], ['cancelled', c.status === 'completed' ? 'completed' : 'cancelled']);
      else t.same([p.status, c.status], ['running', 'completed']);
    }
    await verifyAudit(t, app);
  });

  t.test(`[${database}] a parent that ends by a terminate event takes its running child with it`, async (t) => {
    const app = await setUp(t, database);
    await deploy(t, app, fixture('child.bpmn'));
    await deploy(t, app, fixture('terminate.bpmn'));
    const started = (await app.call('POST', '/definitions/uji-akhiri/instances', app.staf.token, {})).json() as InstanceJson;
    const parent = await instance(app, started.id);
    const child = await instance(app, started.childInstanceIds[0] as string);
    t.match(parent.openTasks, [{ elementId: 'batalkan' }]);
    await complete(t, app, parent.openTasks[0]?.id as string, app.staf.token, { output: [{ name: 'Surat penarikan' }] });
    t.equal((await instance(app, parent.id)).status, 'completed');
    const ended = await instance(app, child.id);
    t.match(ended, { status: 'cancelled', openTasks: [] }, 'the child and its task are cancelled');
    t.ok((await auditTypes(app, child.id)).includes('instance.cancelled'));
    await verifyAudit(t, app);
  });

  t.test(`[${database}] a child that ends at once resumes its parent in the same request`, async (t) => {
    const app = await setUp(t, database);
    await deploy(t, app, fixture('instant-child.bpmn'));
    await deploy(t, app, fixture('direct-call.bpmn').replace('CALLED_KEY', 'uji-instan').replace('BINDING', 'latest'));
    const started = await app.call('POST', '/definitions/uji-langsung/instances', app.staf.token, { variables: { asal: 'loket' } });
    t.equal(started.statusCode, 201, started.body);
    t.match(started.json(), { status: 'completed', childInstanceIds: [/./] }, 'the parent ran through the call');
    const child = await instance(app, started.json().childInstanceIds[0]);
    t.match(child, { status: 'completed', parentInstanceId: started.json().id });
    t.same(await variablesOf(app, child.id), { asal: 'loket' }, 'camunda:in variables="all"');
    const types = await auditTypes(app, started.json().id);
    t.same(types.filter((x) => x.startsWith('instance.')), ['instance.started', 'instance.child-started', 'instance.child-completed', 'instance.completed']);
    await verifyAudit(t, app);
  });

  t.test(`[${database}] a call to a key not deployed fails with 422 and stores nothing`, async (t) => {
    const app = await setUp(t, database);
    const direct = fixture('direct-call.bpmn').replace('CALLED_KEY', 'uji-tidak-ada').replace('BINDING', 'latest');
    const deployed = await deploy(t, app, direct);
    t.match(deployed.warnings, [{ elementId: 'panggil', message: /uji-tidak-ada/ }], 'deploy warns of the missing key');
    const before = (await app.call('GET', '/audit/verify', ADMIN_TOKEN)).json().events as number;

    const refused = await app.call('POST', '/definitions/uji-langsung/instances', app.staf.token, {});
    t.equal(refused.statusCode, 422, refused.body);
    t.match(refused.json(), { code: 'SOP_ERR_CALLED_PROCESS_MISSING', message: /panggil.*uji-tidak-ada/, details: { elementId: 'panggil', calledElement: 'uji-tidak-ada' } });
    t.same((await app.call('GET', '/instances', ADMIN_TOKEN)).json().items, [], 'no instance stored');
    t.equal((await app.call('GET', '/audit/verify', ADMIN_TOKEN)).json().events, before, 'no audit event stored');

    // The same at a completion: the parent's task stays open, its case unchanged.
    await deploy(t, app, fixture('parent.bpmn'));
    const started = (await app.call('POST', '/definitions/uji-induk/instances', app.staf.token, {})).json() as InstanceJson;
    const task = (await instance(app, started.id)).openTasks[0]?.id as string;
    const failed = await app.call('POST', `/tasks/${task}/complete`, app.staf.token, { output: [{ name: 'Agenda' }], variables: { jenis: 'baru' } });
    t.equal(failed.statusCode, 422, failed.body);
    t.match(failed.json().details, { elementId: 'pemeriksaan', calledElement: 'uji-anak' });
    const still = await instance(app, started.id);
    t.match(still, { status: 'running', childInstanceIds: [], openTasks: [{ id: task, elementId: 'terima' }] });
    await deploy(t, app, fixture('child.bpmn'));
    await complete(t, app, task, app.staf.token, { output: [{ name: 'Agenda' }], variables: { jenis: 'baru' } });
    t.equal((await instance(app, started.id)).childInstanceIds.length, 1, 'once deployed, the same completion starts the child');
    await verifyAudit(t, app);
  });

  t.test(`[${database}] version and deployment bindings keep the version they name`, async (t) => {
    const app = await setUp(t, database);
    await deploy(t, app, fixture('child.bpmn'));
    const direct = fixture('direct-call.bpmn').replace('CALLED_KEY', 'uji-anak');
    await deploy(t, app, direct.replace('BINDING', 'version'));
    await deploy(t, app, direct.replace('BINDING', 'deployment').replace('id="uji-langsung"', 'id="uji-langsung-deploy"'));
    await deploy(t, app, direct.replace('BINDING', 'latest').replace('id="uji-langsung"', 'id="uji-langsung-latest"'));
    const v2 = await deploy(t, app, fixture('child.bpmn').replace('Memeriksa berkas', 'Memeriksa berkas (v2)'));
    t.same(v2.definitions, [{ key: 'uji-anak', version: 2 }]);

    const expected: Record<string, number> = { 'uji-langsung': 1, 'uji-langsung-deploy': 1, 'uji-langsung-latest': 2 };
    for (const [key, version] of Object.entries(expected)) {
      const started = await app.call('POST', `/definitions/${key}/instances`, app.staf.token, { variables: { jenis: 'ulang' } });
      t.equal(started.statusCode, 201, started.body);
      const child = await instance(app, started.json().childInstanceIds[0]);
      t.match(child, { definitionKey: 'uji-anak', version }, `${key} runs uji-anak v${version}`);
    }
    await verifyAudit(t, app);
  });

  t.test(`[${database}] deploy refuses a call activity it cannot run, naming it`, async (t) => {
    const app = await setUp(t, database);
    const base = fixture('direct-call.bpmn').replace('BINDING', 'latest');
    const cases: Array<[string, RegExp]> = [
      [base.replace('calledElement="CALLED_KEY"', ''), /needs calledElement/],
      [base.replace('CALLED_KEY', 'a${x}b'), /must be a process key/],
      [base.replace('CALLED_KEY', '${x.y()}'), /calledElement refused/],
      [base.replace('<camunda:in variables="all"/>', '<camunda:in sourceExpression="${a.b()}" target="b"/>'), /sourceExpression: .*refused/],
      [base.replace('<camunda:in variables="all"/>', '<camunda:in sourceExpression="plain" target="b"/>'), /must name variables/],
      [fixture('direct-call.bpmn').replace('CALLED_KEY', 'uji-anak').replace('BINDING', 'version').replace('camunda:calledElementVersion="1"', 'camunda:calledElementVersion="${v}"'), /must be a version number/],
    ];
    for (const [xml, message] of cases) {
      const res = await app.call('POST', '/definitions', ADMIN_TOKEN, xml, { 'content-type': 'application/xml' });
      t.equal(res.statusCode, 400, res.body);
      const problems = res.json().details.problems as Array<{ elementId: string; message: string }>;
      t.ok(problems.some((p) => p.elementId === 'panggil' && message.test(p.message)), JSON.stringify(problems));
    }
    const feel = fixture('c8-middle.bpmn').replace('<zeebe:calledElement processId="uji-c8-cucu"/>', '<zeebe:calledElement processId="uji-c8-cucu"/><zeebe:ioMapping><zeebe:input source="=a +" target="b"/></zeebe:ioMapping>');
    const res = await app.call('POST', '/definitions', ADMIN_TOKEN, feel, { 'content-type': 'application/xml' });
    t.equal(res.statusCode, 400, res.body);
    t.match(res.json().details.problems, [{ elementId: 'panggil-cucu', message: /zeebe:input/ }]);
  });
}
