// Given one small diagram per BPMN feature (features/*.bpmn), each deploys, runs through the REST API to its end on
// SQLite and PostgreSQL, and leaves its steps in the case's audit trail; refused features name their element.
import fs from 'node:fs';
import path from 'node:path';
import t, { type Test } from 'tap';
import { ADMIN_TOKEN, startApp, tempDir, testDatabases, type TestApp } from '../helpers/app.js';

const FEATURES = path.resolve(import.meta.dirname, 'features');

interface TaskJson {
  id: string;
  elementId: string;
  role: string | null;
  status: string;
  requires: string[];
  output: string[];
  loopCounter: number | null;
  elementVariable: { name: string; value: unknown } | null;
}

/** One step of a feature's script: the open tasks expected now (element ids, sorted), then one to complete. */
interface Step {
  open: string[];
  complete: string;
  variables?: Record<string, unknown>;
  /** Checks the task about to be completed. */
  check?: (t: Test, task: TaskJson) => void;
}

interface Feature {
  file: string;
  key: string;
  variables?: Record<string, unknown>;
  /** A diagram without lanes is started by an owner or admin. */
  laneless?: boolean;
  steps: Step[];
  /** Engine events the audit must hold: `<type> <elementId>`. */
  engineEvents?: string[];
  /** Engine events the audit must not hold. */
  absentEvents?: string[];
  /** Tasks the case cancels on its way, by element id. */
  cancelled?: string[];
}

async function openTasks(app: TestApp, instanceId: string): Promise<TaskJson[]> {
  const items = (await app.call('GET', `/tasks?instanceId=${instanceId}&limit=200`, ADMIN_TOKEN)).json().items as TaskJson[];
  return items.sort((a, b) => (a.elementId + String(a.loopCounter)).localeCompare(b.elementId + String(b.loopCounter)));
}

async function complete(app: TestApp, token: string, task: TaskJson, variables: Record<string, unknown> = {}): Promise<void> {
  const body = { documents: task.requires.map((name) => ({ name })), output: task.output.map((name) => ({ name })), variables };
  const res = await app.call('POST', `/tasks/${task.id}/complete`, task.role === null ? ADMIN_TOKEN : token, body);
  if (res.statusCode !== 200) throw new Error(`complete ${task.elementId} → ${res.statusCode} ${res.body}`);
}

async function deploy(app: TestApp, file: string): Promise<{ statusCode: number; body: string; warnings: Array<{ elementId: string; message: string }> }> {
  const xml = fs.readFileSync(path.join(FEATURES, file), 'utf8');
  const res = await app.call('POST', '/definitions', ADMIN_TOKEN, xml, { 'content-type': 'application/xml' });
  return { statusCode: res.statusCode, body: res.body, warnings: res.statusCode === 201 ? res.json().warnings : [] };
}

const FEATURE_RUNS: Feature[] = [
  { file: 'untyped-task.bpmn', key: 'fitur-tugas-polos', laneless: true, steps: [{ open: ['periksa'], complete: 'periksa', check: (t, task) => t.equal(task.role, null) }] },
  { file: 'manual-task.bpmn', key: 'fitur-tugas-manual', steps: [{ open: ['arsipkan'], complete: 'arsipkan' }] },
  {
    file: 'embedded-subprocess.bpmn',
    key: 'fitur-sub-proses',
    steps: [
      { open: ['terima'], complete: 'terima', check: (t, task) => t.equal(task.role, 'fitur/staf', 'a task inside a sub-process has its lane role') },
      { open: ['periksa'], complete: 'periksa' },
      { open: ['putuskan'], complete: 'putuskan' },
    ],
    engineEvents: ['element.started penerimaan', 'element.ended penerimaan'],
  },
  {
    file: 'event-subprocess.bpmn',
    key: 'fitur-sub-proses-kejadian',
    steps: [
      { open: ['catat', 'periksa'], complete: 'periksa', variables: { lengkap: 'tidak' } },
      // The error start interrupts: the process's other branch (catat) is cancelled.
      { open: ['kembalikan'], complete: 'kembalikan' },
    ],
    engineEvents: ['element.ended tidak-lengkap', 'element.started penanganan-error', 'element.ended penanganan-error'],
    cancelled: ['catat'],
  },
  {
    file: 'event-subprocess-non-interrupting.bpmn',
    key: 'fitur-sub-proses-kejadian-eskalasi',
    steps: [
      { open: ['catat', 'periksa'], complete: 'periksa' },
      { open: ['catat', 'lapor-atasan', 'terbitkan'], complete: 'lapor-atasan' },
      { open: ['catat', 'terbitkan'], complete: 'terbitkan' },
      { open: ['catat'], complete: 'catat' },
    ],
    engineEvents: ['element.ended minta-atasan', 'element.started penanganan-eskalasi', 'element.ended penanganan-eskalasi'],
  },
  {
    file: 'event-subprocess-from-subprocess.bpmn',
    key: 'fitur-sub-proses-kejadian-dalam',
    steps: [
      { open: ['catat', 'periksa'], complete: 'periksa', variables: { lengkap: 'tidak' } },
      // The error ends the embedded sub-process and reaches the process, whose event sub-process interrupts it.
      { open: ['kembalikan'], complete: 'kembalikan' },
    ],
    engineEvents: ['element.started pemeriksaan', 'element.ended tidak-lengkap', 'element.interrupted pemeriksaan', 'element.started penanganan-error', 'element.ended penanganan-error'],
    absentEvents: ['element.ended pemeriksaan'],
    cancelled: ['catat'],
  },
  {
    file: 'mi-subprocess.bpmn',
    key: 'fitur-mi-sub-proses',
    steps: [
      { open: ['nilai', 'nilai'], complete: 'nilai', check: (t, task) => t.match(task, { loopCounter: 0, elementVariable: null }) },
      { open: ['nilai'], complete: 'nilai', check: (t, task) => t.match(task, { loopCounter: 1, elementVariable: null }) },
      { open: ['putuskan'], complete: 'putuskan', check: (t, task) => t.equal(task.loopCounter, null) },
    ],
    engineEvents: ['element.started penilaian', 'element.ended penilaian'],
  },
  {
    file: 'mi-parallel-collection.bpmn',
    key: 'fitur-mi-koleksi',
    variables: { penilai: ['ani', 'budi', 'citra'], berkas: ['ktp', 'sk'] },
    steps: [
      { open: ['menilai', 'menilai', 'menilai'], complete: 'menilai', check: (t, task) => t.match(task, { loopCounter: 0, elementVariable: { name: 'penilai', value: 'ani' } }) },
      { open: ['menilai', 'menilai'], complete: 'menilai', check: (t, task) => t.match(task, { loopCounter: 1, elementVariable: { name: 'penilai', value: 'budi' } }) },
      { open: ['menilai'], complete: 'menilai', check: (t, task) => t.match(task, { loopCounter: 2, elementVariable: { name: 'penilai', value: 'citra' } }) },
      { open: ['mengarsip', 'mengarsip'], complete: 'mengarsip', check: (t, task) => t.match(task, { loopCounter: 0, elementVariable: { name: 'dokumen', value: 'ktp' } }) },
      { open: ['mengarsip'], complete: 'mengarsip', check: (t, task) => t.match(task, { loopCounter: 1, elementVariable: { name: 'dokumen', value: 'sk' } }) },
    ],
  },
  {
    file: 'mi-sequential-cardinality.bpmn',
    key: 'fitur-mi-berurutan',
    steps: [0, 1, 2].map((i) => ({ open: ['paraf'], complete: 'paraf', check: (t: Test, task: TaskJson) => t.match(task, { loopCounter: i, elementVariable: null }) })),
  },
  {
    file: 'mi-completion-condition.bpmn',
    key: 'fitur-mi-syarat-selesai',
    variables: { jumlahPenyetuju: 3 },
    steps: [
      { open: ['setujui', 'setujui', 'setujui'], complete: 'setujui' },
      { open: ['setujui', 'setujui'], complete: 'setujui' },
    ],
    cancelled: ['setujui'],
  },
  {
    file: 'standard-loop.bpmn',
    key: 'fitur-pengulangan',
    steps: [
      { open: ['perbaiki'], complete: 'perbaiki', variables: { lengkap: 'tidak' }, check: (t, task) => t.equal(task.loopCounter, 0) },
      { open: ['perbaiki'], complete: 'perbaiki', variables: { lengkap: 'tidak' }, check: (t, task) => t.equal(task.loopCounter, 1) },
      { open: ['perbaiki'], complete: 'perbaiki', variables: { lengkap: 'ya' }, check: (t, task) => t.equal(task.loopCounter, 2) },
    ],
  },
  {
    file: 'error-boundary.bpmn',
    key: 'fitur-batas-error',
    steps: [
      { open: ['catat', 'periksa'], complete: 'periksa', variables: { lengkap: 'tidak' } },
      { open: ['kembalikan'], complete: 'kembalikan' },
    ],
    engineEvents: ['element.ended tidak-lengkap', 'element.ended berkas-ditolak', 'element.started verifikasi', 'element.interrupted verifikasi'],
    absentEvents: ['element.ended verifikasi'],
    cancelled: ['catat'],
  },
  {
    file: 'escalation-boundary.bpmn',
    key: 'fitur-batas-eskalasi',
    steps: [
      { open: ['telaah-awal'], complete: 'telaah-awal' },
      { open: ['lapor-atasan', 'selesaikan'], complete: 'lapor-atasan' },
      { open: ['selesaikan'], complete: 'selesaikan' },
    ],
    engineEvents: ['element.ended minta-atasan', 'element.ended eskalasi', 'element.ended telaah'],
  },
  {
    file: 'terminate-end.bpmn',
    key: 'fitur-akhir-henti',
    steps: [{ open: ['putuskan', 'siapkan'], complete: 'putuskan' }],
    engineEvents: ['element.ended hentikan'],
    cancelled: ['siapkan'],
  },
  {
    file: 'link-events.bpmn',
    key: 'fitur-tautan',
    steps: [
      { open: ['terima'], complete: 'terima' },
      { open: ['proses'], complete: 'proses' },
    ],
    engineEvents: ['element.ended ke-halaman-2', 'element.ended dari-halaman-1'],
  },
  {
    file: 'compensation.bpmn',
    key: 'fitur-kompensasi',
    steps: [
      { open: ['catat-pembayaran'], complete: 'catat-pembayaran' },
      { open: ['verifikasi'], complete: 'verifikasi', variables: { lengkap: 'tidak' } },
      { open: ['batalkan-pembayaran'], complete: 'batalkan-pembayaran' },
    ],
    engineEvents: ['element.ended batal'],
  },
  { file: 'data-artifacts.bpmn', key: 'fitur-data-artefak', steps: [{ open: ['catat'], complete: 'catat' }] },
];

async function runFeature(t: Test, app: TestApp, token: string, feature: Feature): Promise<void> {
  const deployed = await deploy(app, feature.file);
  t.equal(deployed.statusCode, 201, `${feature.file} deploys: ${deployed.body}`);
  const started = await app.call('POST', `/definitions/${feature.key}/instances`, feature.laneless ? ADMIN_TOKEN : token, { variables: feature.variables ?? {} });
  t.equal(started.statusCode, 201, started.body);
  const id = started.json().id as string;
  for (const step of feature.steps) {
    const open = await openTasks(app, id);
    t.same(open.map((task) => task.elementId), step.open, `${feature.key}: open before completing ${step.complete}`);
    const task = open.find((x) => x.elementId === step.complete) as TaskJson;
    step.check?.(t, task);
    await complete(app, token, task, step.variables);
  }
  t.same(await openTasks(app, id), [], `${feature.key}: no task left open`);
  const instance = (await app.call('GET', `/instances/${id}`, ADMIN_TOKEN)).json();
  t.equal(instance.status, 'completed', `${feature.key} ends completed`);
  const events = (await app.call('GET', `/audit/instances/${id}`, ADMIN_TOKEN)).json().events as Array<{ type: string; elementId: string | null }>;
  const trail = events.map((e) => `${e.type} ${e.elementId ?? ''}`.trim());
  const completed = feature.steps.map((s) => `task.completed ${s.complete}`);
  t.same(trail.filter((e) => e.startsWith('task.completed')), completed, `${feature.key}: each step completed in order`);
  for (const expected of feature.engineEvents ?? []) t.ok(trail.includes(expected), `${feature.key}: audit has ${expected}`);
  for (const absent of feature.absentEvents ?? []) t.notOk(trail.includes(absent), `${feature.key}: audit has no ${absent}`);
  t.same(trail.filter((e) => e.startsWith('task.cancelled')), (feature.cancelled ?? []).map((e) => `task.cancelled ${e}`), `${feature.key}: cancelled tasks`);
  t.equal(trail.at(-1), 'instance.completed');
}

async function runAll(t: Test, options: Parameters<typeof startApp>[1]): Promise<void> {
  const app = await startApp(t, { processesDir: tempDir(t), app: { calendarRefreshMs: 0 }, ...options });
  const staf = await app.user(['fitur/staf'], 'Staf');
  for (const feature of FEATURE_RUNS) await t.test(feature.file, (t) => runFeature(t, app, staf.token, feature));
}

for (const database of await testDatabases()) {
  t.test(`[${database}] every supported feature deploys, runs to its end and is audited`, (t) => runAll(t, { database }));
}

// No live engine is kept between requests: each completion recovers its instance from the stored state.
t.test('[sqlite, no engine cache] every feature runs to its end from the database alone', (t) => runAll(t, { engineCacheMiB: 0 }));

t.test('a lane-less task is done by owners and admins and named in the deploy warnings', async (t) => {
  const app = await startApp(t, { processesDir: tempDir(t) });
  const deployed = await deploy(app, 'untyped-task.bpmn');
  t.ok(deployed.warnings.some((w) => w.elementId === 'periksa' && /no lane/.test(w.message)), JSON.stringify(deployed.warnings));
});

const REFUSALS: Array<[string, string, string, RegExp]> = [
  ['unreadable timer', '<bpmn:intermediateCatchEvent id="tunggu"><bpmn:timerEventDefinition><bpmn:timeDuration>sejam</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>', 'tunggu', /timeDuration refused/],
  ['message catch without a message', '<bpmn:intermediateCatchEvent id="pesan"><bpmn:messageEventDefinition/></bpmn:intermediateCatchEvent>', 'pesan', /needs a messageRef to a bpmn:message with a name/],
  ['message throw', '<bpmn:intermediateThrowEvent id="kirim"><bpmn:messageEventDefinition/></bpmn:intermediateThrowEvent>', 'kirim', /sending a message is not supported/],
  ['receive task without a message', '<bpmn:receiveTask id="terima"/>', 'terima', /needs a messageRef/],
  ['signal catch without a signal', '<bpmn:intermediateCatchEvent id="isyarat"><bpmn:signalEventDefinition/></bpmn:intermediateCatchEvent>', 'isyarat', /needs a signalRef to a bpmn:signal with a name/],
  ['conditional start of an event sub-process', '<bpmn:startEvent id="mulai"/><bpmn:subProcess id="sub-peristiwa" triggeredByEvent="true"><bpmn:startEvent id="mulai-syarat"><bpmn:conditionalEventDefinition><bpmn:condition>${a}</bpmn:condition></bpmn:conditionalEventDefinition></bpmn:startEvent></bpmn:subProcess>', 'mulai-syarat', /conditional start events of sub-processes are not supported/],
  ['conditional catch without a condition', '<bpmn:intermediateCatchEvent id="syarat"><bpmn:conditionalEventDefinition/></bpmn:intermediateCatchEvent>', 'syarat', /needs a condition/],
  ['conditional catch calling a function', '<bpmn:intermediateCatchEvent id="syarat"><bpmn:conditionalEventDefinition><bpmn:condition>${f(a)}</bpmn:condition></bpmn:conditionalEventDefinition></bpmn:intermediateCatchEvent>', 'syarat', /condition refused/],
  ['service task that is no external task', '<bpmn:serviceTask id="kirim-data"/>', 'kirim-data', /runs here only as an external task/],
  ['call activity without a called element', '<bpmn:callActivity id="panggil"/>', 'panggil', /calledElement/],
  ['boundary event on a call activity', '<bpmn:callActivity id="panggil" calledElement="lain"/><bpmn:boundaryEvent id="gagal" attachedToRef="panggil"><bpmn:errorEventDefinition/></bpmn:boundaryEvent>', 'gagal', /boundary events on call activities/],
  ['script task', '<bpmn:scriptTask id="skrip" scriptFormat="javascript"><bpmn:script>1</bpmn:script></bpmn:scriptTask>', 'skrip', /nothing in a diagram is run as code/],
  ['a flow to an element that does not exist', '<bpmn:startEvent id="mulai"/><bpmn:sequenceFlow id="ke-mana" sourceRef="mulai" targetRef="tidak-ada"/>', 'ke-mana', /names 'tidak-ada', which no element/],
  ['an id used twice', '<bpmn:task id="kembar"/><bpmn:task id="kembar"/>', 'kembar', /used by more than one element/],
  ['timer inside a sub-process', '<bpmn:subProcess id="sp"><bpmn:intermediateCatchEvent id="tunggu-dalam"><bpmn:timerEventDefinition/></bpmn:intermediateCatchEvent></bpmn:subProcess>', 'tunggu-dalam', /exactly one of timeDate, timeDuration or timeCycle/],
];

t.test('refused features answer 400 naming the element and the reason', async (t) => {
  const app = await startApp(t, { processesDir: tempDir(t) });
  for (const [what, body, elementId, reason] of REFUSALS) {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="urn:x"><bpmn:process id="fitur-tolak" isExecutable="true">${body}</bpmn:process></bpmn:definitions>`;
    const res = await app.call('POST', '/definitions', ADMIN_TOKEN, xml, { 'content-type': 'application/xml' });
    t.equal(res.statusCode, 400, what);
    t.match(res.json(), { code: 'SOP_ERR_INVALID_BPMN', details: { problems: [{ elementId, message: reason }] } }, what);
  }
});

t.test('a multi-instance collection that is missing or not a list answers 422 naming the element, and stores nothing', async (t) => {
  const app = await startApp(t, { processesDir: tempDir(t) });
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="urn:x"><bpmn:process id="fitur-koleksi" isExecutable="true">
<bpmn:startEvent id="mulai"/><bpmn:sequenceFlow id="f1" sourceRef="mulai" targetRef="telaah"/>
<bpmn:userTask id="telaah"><bpmn:multiInstanceLoopCharacteristics camunda:collection="\${penelaah}" camunda:elementVariable="penelaah1"/></bpmn:userTask>
<bpmn:sequenceFlow id="f2" sourceRef="telaah" targetRef="selesai"/><bpmn:endEvent id="selesai"/></bpmn:process></bpmn:definitions>`;
  t.equal((await app.call('POST', '/definitions', ADMIN_TOKEN, xml, { 'content-type': 'application/xml' })).statusCode, 201);
  for (const variables of [{}, { penelaah: 'ani' }]) {
    const res = await app.call('POST', '/definitions/fitur-koleksi/instances', ADMIN_TOKEN, { variables });
    t.equal(res.statusCode, 422, JSON.stringify(variables));
    t.match(res.json(), { code: 'SOP_ERR_ACTIVITY_FAILED', details: { elementId: 'telaah' } });
  }
  t.equal((await app.call('GET', '/instances?definitionKey=fitur-koleksi', ADMIN_TOKEN)).json().items.length, 0, 'no case was stored');
  const ok = await app.call('POST', '/definitions/fitur-koleksi/instances', ADMIN_TOKEN, { variables: { penelaah: ['ani', 'budi'] } });
  t.equal(ok.statusCode, 201);
  t.match((await app.call('GET', '/audit/verify', ADMIN_TOKEN)).json(), { ok: true });
});
