// The BKD Kalimantan Tengah E-Kinerja consultation SOP runs end to end on both branches of its decision,
// survives a restart mid-instance, and keeps v1 instances on v1 after v2 is deployed.
import fs from 'node:fs';
import path from 'node:path';
import t, { type Test } from 'tap';
import { ADMIN_TOKEN, REPO_PROCESSES, startApp, tempDir, TestClock, type TestApp, testDatabases } from '../helpers/app.js';

const KEY = 'bkd-kalteng-konsultasi-ekinerja';
const ROLES = ['bkd-kalteng/kepala-badan', 'bkd-kalteng/kabid', 'bkd-kalteng/jft', 'bkd-kalteng/kasubbid-umum-kepegawaian', 'bkd-kalteng/jfu-tu'];

/** The sheet (seed 002), row by row, as the API must present it; "Ket" and blank numbers as printed. */
const SHEET: Record<string, { no: string; role: string; requires: string[]; output: string[]; iso: string | null }> = {
  'register-request': { no: '1', role: 'bkd-kalteng/jfu-tu', requires: ['Lembar Konsultasi'], output: ['Data Pemohon', 'Lembar Konsultasi'], iso: 'PT5M' },
  'assign-escort': { no: '', role: 'bkd-kalteng/kasubbid-umum-kepegawaian', requires: ['Disposisi', 'Lembar Konsultasi'], output: ['Disposisi'], iso: 'PT5M' },
  'study-substance': { no: '', role: 'bkd-kalteng/kabid', requires: ['Lembar Konsultasi'], output: ['Disposisi'], iso: 'PT5M' },
  'give-consultation': { no: '4', role: 'bkd-kalteng/jft', requires: ['Peraturan perundang-undangan yang berlaku terkait substansi konsultasi'], output: ['Penjelasan materi konsultasi'], iso: 'PT30M' },
  'advise-further': {
    no: '5',
    role: 'bkd-kalteng/jft',
    requires: ['Lembar Konsultasi', 'Penjelasan materi konsultasi/usulan layanan kepegawaian'],
    output: ['Penjelasan materi konsultasi', 'Saran konsultasi lanjutan/usulan layanan kepegawaian'],
    iso: null,
  },
  'sign-letter': {
    no: '',
    role: 'bkd-kalteng/kepala-badan',
    requires: ['Konsep surat konsultasi lanjutan', 'Berkas usul usulan layanan kepegawaian lainnya'],
    output: ['Surat konsultasi lanjutan/usulan'],
    iso: null,
  },
};

interface TaskJson {
  id: string;
  step: string;
  elementId: string;
  role: string;
  requires: string[];
  output: string[];
  timeStandard: { text: string; iso: string | null } | null;
  dueAt: string | null;
  form: Array<{ name: string; type: string; options?: Array<{ value: string }> }>;
}

async function openTasks(app: TestApp, token: string, id: string): Promise<TaskJson[]> {
  const res = await app.call('GET', `/tasks?instanceId=${id}`, token);
  return res.json().items as TaskJson[];
}

function checkRow(t: Test, task: TaskJson): void {
  const expected = SHEET[task.elementId];
  t.ok(expected, `${task.elementId} is a row of the sheet`);
  t.equal(task.role, expected?.role, `${task.elementId} sits in the lane of ${expected?.role}`);
  t.equal(task.step, expected?.no, `${task.elementId} step number as printed`);
  t.same(task.requires, expected?.requires, `${task.elementId} kelengkapan`);
  t.same(task.output, expected?.output, `${task.elementId} output`);
  t.equal(task.timeStandard?.iso ?? null, expected?.iso ?? null, `${task.elementId} time standard`);
  t.equal(task.dueAt === null, expected?.iso === null, `${task.elementId} has a due date exactly when it has a standard`);
}

async function completeNext(t: Test, app: TestApp, token: string, id: string, choice?: string, checkSheet = true): Promise<TaskJson | undefined> {
  const [task] = await openTasks(app, token, id);
  if (!task) return undefined;
  if (checkSheet) checkRow(t, task);
  app.clock.advance(2 * 60_000);
  const claim = await app.call('POST', `/tasks/${task.id}/claim`, token);
  t.equal(claim.statusCode, 200, claim.statusCode === 200 ? `claim ${task.elementId}` : claim.body);
  const variables: Record<string, unknown> = {};
  for (const f of task.form) variables[f.name] = f.type === 'enum' ? (choice ?? f.options?.[0]?.value) : 'catatan';
  const res = await app.call('POST', `/tasks/${task.id}/complete`, token, {
    documents: task.requires.map((name, i) => ({ name, ref: `DOC-${i}` })),
    output: task.output.map((name) => ({ name, value: 'selesai' })),
    variables,
  });
  t.equal(res.statusCode, 200, res.statusCode === 200 ? `complete ${task.elementId}` : res.body);
  return task;
}

async function runToEnd(t: Test, app: TestApp, token: string, id: string, choice: string): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < 10; i++) {
    const task = await completeNext(t, app, token, id, choice);
    if (!task) break;
    seen.push(task.elementId);
  }
  return seen;
}

for (const database of await testDatabases()) {
  t.test(`[${database}] both branches of the decision, with the audit trail of each step`, async (t) => {
    const app = await startApp(t, { database, clock: new TestClock(new Date('2026-03-02T01:00:00Z')) });
    const petugas = await app.user(ROLES, 'Petugas BKD');
    const def = (await app.call('GET', `/definitions/${KEY}`, petugas.token)).json();
    t.match(def, { key: KEY, version: 1, organisation: 'BKD Provinsi Kalimantan Tengah', timeZone: 'Asia/Jakarta', stepCount: 6 });
    t.same(def.roles.map((r: { id: string }) => r.id).sort(), [...ROLES].sort());

    for (const [choice, expected] of [
      ['ya', ['register-request', 'assign-escort', 'study-substance', 'give-consultation']],
      ['tidak', ['register-request', 'assign-escort', 'study-substance', 'give-consultation', 'advise-further', 'sign-letter']],
    ] as const) {
      const started = await app.call('POST', `/definitions/${KEY}/instances`, petugas.token, { businessKey: `KONS-${choice}` });
      t.equal(started.statusCode, 201, started.body);
      const id = started.json().id as string;
      t.same(await runToEnd(t, app, petugas.token, id, choice), expected, `penjelasanCukup=${choice}`);
      t.equal((await app.call('GET', `/instances/${id}`, petugas.token)).json().status, 'completed');

      const events = (await app.call('GET', `/audit/instances/${id}`, ADMIN_TOKEN)).json().events as Array<Record<string, unknown>>;
      const completions = events.filter((e) => e.type === 'task.completed');
      t.same(completions.map((e) => e.elementId), expected);
      for (const e of completions) {
        const row = SHEET[e.elementId as string];
        t.equal(e.userId, petugas.id);
        t.equal(e.role, row?.role);
        t.same((e.documents as Array<{ name: string }>).map((d) => d.name), row?.requires);
        t.same((e.output as Array<{ name: string }>).map((d) => d.name), row?.output);
        t.ok(typeof e.at === 'string' && typeof e.workingMs === 'number' && typeof e.wallMs === 'number');
        t.equal(e.standardMs === null, row?.iso === null);
      }
      t.equal(events.at(-1)?.type, 'instance.completed');
    }
  });

  t.test(`[${database}] closing the app mid-instance and building a new one on the same file`, async (t) => {
    const dir = tempDir(t);
    const first = await startApp(t, { database, dir });
    const petugas = await first.user(ROLES);
    const id = (await first.call('POST', `/definitions/${KEY}/instances`, petugas.token, {})).json().id as string;
    await completeNext(t, first, petugas.token, id);
    await completeNext(t, first, petugas.token, id);
    const before = await openTasks(first, petugas.token, id);
    await first.close();

    const second = await startApp(t, { database, dir, databaseUrl: first.databaseUrl });
    const after = await openTasks(second, petugas.token, id);
    t.same(after.map((x) => x.id), before.map((x) => x.id), 'the open task is still listed');
    t.same(await runToEnd(t, second, petugas.token, id, 'tidak'), ['study-substance', 'give-consultation', 'advise-further', 'sign-letter']);
    t.equal((await second.call('GET', `/instances/${id}`, petugas.token)).json().status, 'completed');
    t.match((await second.call('GET', '/audit/verify', ADMIN_TOKEN)).json(), { ok: true });
  });

  t.test(`[${database}] a v1 instance finishes on v1 after v2 is deployed; new starts use v2`, async (t) => {
    const app = await startApp(t, { database });
    const petugas = await app.user(ROLES);
    const owner = await app.user(['owner:bkd-kalteng']);
    const v1 = (await app.call('POST', `/definitions/${KEY}/instances`, petugas.token, {})).json();
    t.equal(v1.version, 1);
    await completeNext(t, app, petugas.token, v1.id);

    const xml = fs.readFileSync(path.join(REPO_PROCESSES, `${KEY}.bpmn`), 'utf8');
    const same = await app.call('POST', '/definitions', owner.token, xml, { 'content-type': 'application/xml' });
    t.equal(same.statusCode, 200, 'identical XML creates no version');
    t.same(same.json().definitions, [{ key: KEY, version: 1 }]);

    // v2: the consultation takes 45 minutes instead of 30.
    const v2xml = xml.replace('waktu="30 Menit" duration="PT30M"', 'waktu="45 Menit" duration="PT45M"');
    t.not(v2xml, xml);
    const deployed = await app.call('POST', '/definitions', owner.token, v2xml, { 'content-type': 'application/xml' });
    t.equal(deployed.statusCode, 201, deployed.body);
    t.same(deployed.json().definitions, [{ key: KEY, version: 2 }]);
    t.same((await app.call('GET', `/definitions/${KEY}`, petugas.token)).json().versions.map((v: { version: number }) => v.version), [1, 2]);
    t.equal((await app.call('GET', `/definitions/${KEY}/xml?version=2`, petugas.token)).body, v2xml);

    const v2 = (await app.call('POST', `/definitions/${KEY}/instances`, petugas.token, {})).json();
    t.equal(v2.version, 2);
    for (const [inst, iso] of [
      [v1, 'PT30M'],
      [v2, 'PT45M'],
    ] as const) {
      for (let i = 0; i < 10; i++) {
        const [task] = await openTasks(app, petugas.token, inst.id);
        if (!task) break;
        if (task.elementId === 'give-consultation') t.equal(task.timeStandard?.iso, iso, `version ${inst.version} keeps its own standard`);
        await completeNext(t, app, petugas.token, inst.id, 'ya', inst.version === 1);
      }
      const done = (await app.call('GET', `/instances/${inst.id}`, petugas.token)).json();
      t.match(done, { status: 'completed', version: inst.version });
    }
  });

  t.test(`[${database}] a diagram with a script task or a constructor escape is refused, and nothing is deployed`, async (t) => {
    const app = await startApp(t, { database });
    const owner = await app.user(['owner']);
    const xml = fs.readFileSync(path.join(REPO_PROCESSES, `${KEY}.bpmn`), 'utf8');
    const withScript = xml.replace(
      '<bpmn:startEvent',
      '<bpmn:scriptTask id="evil" scriptFormat="javascript"><bpmn:script>process.exit(1)</bpmn:script></bpmn:scriptTask><bpmn:startEvent',
    );
    const r1 = await app.call('POST', '/definitions', owner.token, withScript, { 'content-type': 'application/xml' });
    t.equal(r1.statusCode, 400);
    t.match(r1.json(), { code: 'SOP_ERR_INVALID_BPMN', details: { problems: [{ elementId: 'evil' }] } });

    const withEscape = xml.replace("${penjelasanCukup == 'ya'}", "${this.constructor.constructor('return process')().exit()}");
    t.not(withEscape, xml);
    const r2 = await app.call('POST', '/definitions', owner.token, withEscape, { 'content-type': 'application/xml' });
    t.equal(r2.statusCode, 400);
    t.match(r2.json().details.problems[0].message, /refused|not allowed/);

    t.equal((await app.call('POST', '/definitions', owner.token, '{"x":1}', { 'content-type': 'application/json' })).statusCode, 415);
    const staff = await app.user(['bkd-kalteng/jft']);
    t.equal((await app.call('POST', '/definitions', staff.token, xml, { 'content-type': 'application/xml' })).statusCode, 403);
    const otherUnit = await app.user(['owner:ipdn']);
    t.equal((await app.call('POST', '/definitions', otherUnit.token, xml.replace('PT30M', 'PT31M'), { 'content-type': 'application/xml' })).statusCode, 403);
    t.same((await app.call('GET', `/definitions/${KEY}`, owner.token)).json().versions.length, 1, 'nothing was deployed');
    t.match((await app.call('GET', '/health')).json(), { status: 'ok', database, definitions: fs.readdirSync(REPO_PROCESSES).filter((f) => f.endsWith('.bpmn')).length });
  });

}