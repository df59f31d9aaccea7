// Given two SOPs run many times with known working times, the SLA report and the breach list match what is computed here by hand.
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import t, { type Test } from 'tap';
import type { Knex } from 'knex';
import { ADMIN_TOKEN, FIXTURES, freshPostgresUrl, postgresAvailable, startApp, tempDir, TestClock, type TestApp } from '../helpers/app.js';
import { openDatabase } from '../../src/db/knex.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { reportService, type ReportGroupBy, type ReportRow } from '../../src/audit/report-service.js';
import reportRoutes from '../../src/routes/report-routes.js';
import { shippedHolidays } from '../../src/sop/calendar-store.js';

const MIN = 60_000;
const TWO = 'uji-dua-langkah';
const IZIN = 'uji-izin-usaha';

/** One completed step execution, as this test planned it. */
interface Exec {
  taskId: string;
  definitionKey: string;
  version: number;
  elementId: string;
  step: string;
  name: string;
  role: string;
  completedAt: string;
  dueAt: string;
  workingMs: number;
  standardMs: number | null;
  breached: boolean | null;
}

interface StepInfo {
  step: string;
  name: string;
  role: string;
}

const STEPS: Record<string, StepInfo> = {
  terima: { step: '1', name: 'Menerima berkas', role: 'uji/staf' },
  putuskan: { step: '2', name: 'Memutuskan', role: 'uji/kepala' },
  'tanda-tangan': { step: '3', name: 'Menandatangani surat', role: 'uji/kepala' },
  periksa: { step: '1', name: 'Memeriksa kelengkapan berkas', role: 'coba/loket' },
  verifikasi: { step: '2', name: 'Memverifikasi persyaratan', role: 'coba/verifikator' },
  terbitkan: { step: '3', name: 'Menerbitkan izin', role: 'coba/pejabat' },
};

/** Deterministic pseudo-random numbers (mulberry32), so a failure can be replayed. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)) };
}

// ---- the statistics, computed independently in plain JS -------------------------------------------------

/** Nearest rank: the value at rank ceil(p·n/100) of the ascending values (integer arithmetic, no float error). */
function nearestRank(sorted: number[], p: number): number {
  return sorted[Math.ceil((p * sorted.length) / 100) - 1] as number;
}

function groupKey(groupBy: ReportGroupBy, r: { definitionKey: string; version: number; elementId?: string; role?: string | null; month?: string }): string {
  const third = groupBy === 'step' ? r.elementId : groupBy === 'role' ? r.role : r.month;
  return `${r.definitionKey}|${r.version}|${third}`;
}

function expectedReport(execs: Exec[], groupBy: ReportGroupBy, range: { from?: string; to?: string } = {}): Record<string, ReportRow> {
  const groups = new Map<string, Exec[]>();
  for (const e of execs) {
    if (range.from && e.completedAt < range.from) continue;
    if (range.to && e.completedAt >= range.to) continue;
    const key = groupKey(groupBy, { ...e, month: e.completedAt.slice(0, 7) });
    groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  const out: Record<string, ReportRow> = {};
  for (const [key, list] of groups) {
    const first = list[0] as Exec;
    const sorted = list.map((e) => e.workingMs).sort((a, b) => a - b);
    const withStandard = list.filter((e) => e.standardMs !== null);
    const tally = new Map<number, number>();
    for (const e of withStandard) tally.set(e.standardMs as number, (tally.get(e.standardMs as number) ?? 0) + 1);
    const mode = [...tally].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0]?.[0] ?? null;
    const group =
      groupBy === 'step'
        ? { elementId: first.elementId, step: first.step, name: first.name, role: first.role }
        : groupBy === 'role'
          ? { role: first.role }
          : { month: first.completedAt.slice(0, 7) };
    out[key] = {
      definitionKey: first.definitionKey,
      version: first.version,
      ...group,
      count: list.length,
      medianMs: nearestRank(sorted, 50),
      p90Ms: nearestRank(sorted, 90),
      standardMs: mode,
      compliance: withStandard.length === 0 ? null : withStandard.filter((e) => e.workingMs <= (e.standardMs as number)).length / withStandard.length,
      breaches: list.filter((e) => e.breached === true).length,
      // The generated rows have no audit trail, so no task.escalated event.
      escalations: 0,
    };
  }
  return out;
}

function byGroup(rows: ReportRow[], groupBy: ReportGroupBy): Record<string, ReportRow> {
  return Object.fromEntries(rows.map((r) => [groupKey(groupBy, r), r]));
}

// ---- the bulk part: rows written straight into the tables ------------------------------------------------

interface BulkOptions {
  seed: number;
  perKey: number;
  /** Also write a version 2 of the izin SOP, and open, claimed and cancelled rows. */
  extras?: boolean;
}

interface Bulk {
  execs: Exec[];
  /** Open or claimed rows, with their due dates. */
  open: Array<{ taskId: string; dueAt: string; definitionKey: string; status: string }>;
}

async function definitionRow(knex: Knex, key: string, version: number): Promise<string> {
  const found = (await knex('definitions').where({ key, version }).first()) as { id: string } | undefined;
  if (found) return found.id;
  const id = randomUUID();
  await knex('definitions').insert({ id, key, version, name: key, xml: '<definitions/>', hash: '0'.repeat(64), metadata: '{}', deployed_by: null, deployed_at: '2026-01-01T00:00:00.000Z' });
  return id;
}

/** Writes `perKey` finished instances of each SOP with varied working times, across April–July 2026 (UTC). */
async function insertBulk(knex: Knex, options: BulkOptions): Promise<Bulk> {
  const r = rng(options.seed);
  const execs: Exec[] = [];
  const open: Bulk['open'] = [];
  const instances: Array<Record<string, unknown>> = [];
  const tasks: Array<Record<string, unknown>> = [];
  const base = Date.parse('2026-04-01T00:00:00.000Z');
  const span = Date.parse('2026-08-01T00:00:00.000Z') - base;
  const plan = (key: string, version: number) => {
    if (key === TWO) {
      const withSignature = r.next() < 0.6;
      return [
        { elementId: 'terima', standardMs: 15 * MIN, workingMs: r.int(1, 40) * MIN },
        // The 1-day standard is 8.5 working hours from Mon–Thu, 9 from a Friday; some take longer than a day.
        { elementId: 'putuskan', standardMs: r.next() < 0.8 ? 510 * MIN : 540 * MIN, workingMs: r.int(10, 900) * MIN + r.int(0, 59) * 1000 },
        ...(withSignature ? [{ elementId: 'tanda-tangan', standardMs: null, workingMs: r.int(1, 120) * MIN }] : []),
      ];
    }
    return [
      { elementId: 'periksa', standardMs: 30 * MIN, workingMs: r.int(5, 50) * MIN },
      { elementId: 'verifikasi', standardMs: version === 2 ? 180 * MIN : 120 * MIN, workingMs: r.int(20, 200) * MIN },
      { elementId: 'terbitkan', standardMs: 60 * MIN, workingMs: r.int(10, 75) * MIN + r.int(0, 999) },
    ];
  };
  const keys: Array<[string, number, number]> = [
    [TWO, 1, options.perKey],
    [IZIN, 1, options.perKey],
    ...(options.extras ? ([[IZIN, 2, 20]] as Array<[string, number, number]>) : []),
  ];
  for (const [key, version, count] of keys) {
    const definitionId = await definitionRow(knex, key, version);
    for (let i = 0; i < count; i++) {
      const instanceId = randomUUID();
      let at = base + Math.floor(r.next() * span);
      instances.push({
        id: instanceId, definition_id: definitionId, definition_key: key, version, business_key: null, status: 'completed', started_by: 'bulk',
        started_at: new Date(at).toISOString(), ended_at: null, variables: '{}', engine_state: '{}', rev: 1, cancel_reason: null,
      });
      for (const s of plan(key, version)) {
        const info = STEPS[s.elementId] as StepInfo;
        const createdAt = new Date(at).toISOString();
        const wall = s.workingMs + r.int(0, 3) * 16 * 3600_000;
        at += wall;
        const completedAt = new Date(at).toISOString();
        const dueAt = s.standardMs === null ? null : new Date(Date.parse(createdAt) + s.standardMs).toISOString();
        const breached = s.standardMs === null ? null : s.workingMs > s.standardMs;
        const id = randomUUID();
        tasks.push({
          id, instance_id: instanceId, definition_id: definitionId, definition_key: key, version, element_id: s.elementId, execution_id: `${s.elementId}_1`,
          name: info.name, step: info.step, role: info.role, candidate_user_id: null, assignee: 'bulk', status: 'completed', created_at: createdAt,
          claimed_at: createdAt, completed_at: completedAt, completed_by: 'bulk', starts_at: null, due_at: dueAt, standard_ms: s.standardMs, overdue_at: null,
          documents: '[]', output: '[]', variables: '{}', working_ms: s.workingMs, wall_ms: wall, breached,
        });
        if (dueAt !== null) execs.push({ taskId: id, definitionKey: key, version, elementId: s.elementId, ...info, completedAt, dueAt, workingMs: s.workingMs, standardMs: s.standardMs, breached });
        else execs.push({ taskId: id, definitionKey: key, version, elementId: s.elementId, ...info, completedAt, dueAt: '', workingMs: s.workingMs, standardMs: null, breached: null });
      }
    }
  }
  if (options.extras) {
    // Open and claimed steps past due and not yet due, and a cancelled one past due: only the first kind is a breach.
    const definitionId = await definitionRow(knex, IZIN, 1);
    const instanceId = randomUUID();
    instances.push({ id: instanceId, definition_id: definitionId, definition_key: IZIN, version: 1, business_key: null, status: 'running', started_by: 'bulk', started_at: '2026-08-03T01:00:00.000Z', ended_at: null, variables: '{}', engine_state: '{}', rev: 1, cancel_reason: null });
    const rows: Array<[string, string]> = [
      ['open', '2026-08-03T01:30:00.000Z'],
      ['claimed', '2026-08-03T02:30:00.000Z'],
      ['open', '2026-08-03T05:00:00.000Z'],
      ['cancelled', '2026-08-03T01:00:00.000Z'],
    ];
    for (const [status, dueAt] of rows) {
      const id = randomUUID();
      tasks.push({
        id, instance_id: instanceId, definition_id: definitionId, definition_key: IZIN, version: 1, element_id: 'periksa', execution_id: 'periksa_1', name: STEPS.periksa?.name,
        step: '1', role: 'coba/loket', candidate_user_id: null, assignee: status === 'claimed' ? 'someone' : null, status, created_at: '2026-08-03T01:00:00.000Z', claimed_at: null,
        completed_at: null, completed_by: null, starts_at: null, due_at: dueAt, standard_ms: 30 * MIN, overdue_at: null, documents: null, output: null, variables: null,
        working_ms: null, wall_ms: null, breached: null,
      });
      if (status !== 'cancelled') open.push({ taskId: id, dueAt, definitionKey: IZIN, status });
    }
  }
  await knex.batchInsert('instances', instances, 200);
  await knex.batchInsert('tasks', tasks, 100);
  return { execs, open };
}

// ---- the API-driven part ---------------------------------------------------------------------------------

/** Working days (no weekend, no shipped holiday) from April to July 2026, as YYYY-MM-DD. */
function workingDays(): string[] {
  const holidays = new Set(shippedHolidays().map((h) => h.date));
  const days: string[] = [];
  for (let d = Date.parse('2026-04-06T00:00:00Z'); d < Date.parse('2026-08-01T00:00:00Z'); d += 86_400_000) {
    const iso = new Date(d).toISOString().slice(0, 10);
    const weekday = new Date(d).getUTCDay();
    if (weekday !== 0 && weekday !== 6 && !holidays.has(iso)) days.push(iso);
  }
  return days;
}

const OFFSET_H: Record<string, number> = { [TWO]: 8, [IZIN]: 7 }; // WITA, WIB

/** 07:30 local on a day, as a UTC instant in ms. */
const opening = (day: string, key: string) => Date.parse(`${day}T07:30:00Z`) - (OFFSET_H[key] as number) * 3600_000;

function bodyFor(elementId: string, choice: string) {
  switch (elementId) {
    case 'terima':
      return { documents: [{ name: 'Surat Permohonan' }], output: [{ name: 'Agenda' }] };
    case 'putuskan':
      return { output: [{ name: 'Keputusan' }], variables: { setuju: choice } };
    case 'tanda-tangan':
      return { output: [{ name: 'Surat' }] };
    default:
      return {};
  }
}

interface Run {
  key: string;
  day: string;
  startAt: number;
  choice: string;
  /** Working minutes per step in order; every step ends on the same office day. */
  minutes: number[];
  instanceId?: string;
  taskId?: string;
  stepIndex: number;
}

/** Drives every run through the API, in time order, claiming each task when it appears and completing it after its planned minutes. */
async function driveRuns(t: Test, app: TestApp, token: string, runs: Run[]): Promise<Exec[]> {
  const execs: Exec[] = [];
  const queue: Array<{ at: number; run: Run }> = runs.map((run) => ({ at: run.startAt, run }));
  const nextTask = async (run: Run, at: number) => {
    const items = (await app.call('GET', `/tasks?instanceId=${run.instanceId}`, token)).json().items as Array<{ id: string }>;
    const task = items[0];
    if (!task) return;
    const claimed = await app.call('POST', `/tasks/${task.id}/claim`, token);
    if (claimed.statusCode !== 200) t.fail(`claim: ${claimed.body}`);
    run.taskId = task.id;
    queue.push({ at: at + (run.minutes[run.stepIndex] as number) * MIN, run });
  };
  while (queue.length > 0) {
    queue.sort((a, b) => a.at - b.at);
    const { at, run } = queue.shift() as { at: number; run: Run };
    app.clock.set(new Date(at).toISOString());
    if (run.instanceId === undefined) {
      const started = await app.call('POST', `/definitions/${run.key}/instances`, token, {});
      if (started.statusCode !== 201) t.fail(`start: ${started.body}`);
      run.instanceId = started.json().id as string;
      await nextTask(run, at);
      continue;
    }
    const res = await app.call('POST', `/tasks/${run.taskId}/complete`, token, bodyFor(elementOf(run), run.choice));
    if (res.statusCode !== 200) t.fail(`complete: ${res.body}`);
    const task = res.json() as { id: string; elementId: string; completedAt: string; dueAt: string | null };
    const info = STEPS[task.elementId] as StepInfo;
    const workingMs = (run.minutes[run.stepIndex] as number) * MIN;
    // The standard in working ms: minutes and hours are themselves; 1 hari is opening→closing of the start day (Fri closes at 16:30).
    const friday = new Date(`${run.day}T00:00:00Z`).getUTCDay() === 5;
    const standardMs = { terima: 15 * MIN, putuskan: friday ? 540 * MIN : 510 * MIN, periksa: 30 * MIN, verifikasi: 120 * MIN, terbitkan: 60 * MIN }[task.elementId as 'terima'] ?? null;
    execs.push({
      taskId: task.id, definitionKey: run.key, version: 1, elementId: task.elementId, ...info, completedAt: task.completedAt, dueAt: task.dueAt ?? '',
      workingMs, standardMs, breached: standardMs === null ? null : workingMs > standardMs,
    });
    t.equal(task.completedAt, new Date(at).toISOString());
    run.stepIndex++;
    await nextTask(run, at);
  }
  return execs;
}

function elementOf(run: Run): string {
  const order = run.key === TWO ? ['terima', 'putuskan', 'tanda-tangan'] : ['periksa', 'verifikasi', 'terbitkan'];
  return order[run.stepIndex] as string;
}

function planRuns(days: string[], perDay: number, seed: number): Run[] {
  const r = rng(seed);
  const runs: Run[] = [];
  for (const day of days) {
    for (let i = 0; i < perDay; i++) {
      const choice = r.next() < 0.6 ? 'ya' : 'tidak';
      runs.push({
        key: TWO, day, choice, stepIndex: 0, startAt: opening(day, TWO) + r.int(0, 36) * 5 * MIN,
        minutes: [r.int(1, 30), r.int(10, 240), ...(choice === 'ya' ? [r.int(1, 60)] : [])],
      });
      runs.push({ key: IZIN, day, choice, stepIndex: 0, startAt: opening(day, IZIN) + r.int(0, 36) * 5 * MIN, minutes: [r.int(5, 45), r.int(30, 180), r.int(10, 80)] });
    }
  }
  return runs;
}

function fixtureDir(t: Parameters<typeof tempDir>[0]): string {
  const dir = tempDir(t);
  for (const f of ['two-step.bpmn', 'three-lane.bpmn']) fs.copyFileSync(path.join(FIXTURES, f), path.join(dir, f));
  return dir;
}

/** The app with the report routes (registered here until app.ts registers them itself). */
async function start(t: Test, clock: TestClock): Promise<TestApp> {
  const app = await startApp(t, { processesDir: fixtureDir(t), clock });
  if (!app.app.hasRoute({ method: 'GET', url: '/audit/report' })) await app.app.register(reportRoutes);
  return app;
}

const GROUPINGS: ReportGroupBy[] = ['step', 'role', 'month'];

t.test('the report over API-driven and bulk-written runs matches the statistics computed by hand', async (t) => {
  const clock = new TestClock(new Date('2026-04-06T00:00:00Z'));
  const app = await start(t, clock);
  const worker = await app.user(['uji/staf', 'uji/kepala', 'coba/loket', 'coba/verifikator', 'coba/pejabat'], 'Pelaksana');
  const auditor = await app.user(['auditor'], 'Auditor');

  // Given: API-driven runs on working days spread over April–July (1 July included: a WITA morning is still June in UTC).
  const days = workingDays();
  const chosen = days.filter((_, i) => i % 6 === 0);
  if (!chosen.includes('2026-07-01')) chosen.push('2026-07-01');
  if (!chosen.some((d) => new Date(`${d}T00:00:00Z`).getUTCDay() === 5)) chosen.push(days.find((d) => new Date(`${d}T00:00:00Z`).getUTCDay() === 5) as string);
  chosen.sort();
  const began = Date.now();
  const apiExecs = await driveRuns(t, app, worker.token, planRuns(chosen, 3, 42));
  t.comment(`${chosen.length * 6} instances (${apiExecs.length} steps) through the API in ${Date.now() - began} ms`);

  // Then: the API-driven set alone already matches, for every grouping.
  for (const groupBy of GROUPINGS) {
    const res = await app.call('GET', `/audit/report?groupBy=${groupBy}`, auditor.token);
    t.equal(res.statusCode, 200, res.body);
    t.same(byGroup(res.json().rows, groupBy), expectedReport(apiExecs, groupBy), `API-driven runs, groupBy=${groupBy}`);
  }
  const putuskan = expectedReport(apiExecs, 'step')[`${TWO}|1|putuskan`];
  t.equal(putuskan?.standardMs, 510 * MIN, 'the standard of a 1-hari step is its most common one (Mon–Thu: 8.5 h)');
  t.ok(apiExecs.some((e) => e.elementId === 'putuskan' && e.standardMs === 540 * MIN), 'a Friday start gives 9 h');
  t.ok(apiExecs.some((e) => e.elementId === 'terima' && e.completedAt.startsWith('2026-06-30')), 'a 1 July WITA morning counts for June (UTC)');

  // Given: several hundred more instances written straight into the tables.
  const bulk = await insertBulk(app.app.services.db.knex, { seed: 7, perKey: 200 });
  const all = [...apiExecs, ...bulk.execs];

  // Then: every grouping, with and without a range, matches.
  for (const groupBy of GROUPINGS) {
    const res = await app.call('GET', `/audit/report?groupBy=${groupBy}`, auditor.token);
    t.same(byGroup(res.json().rows, groupBy), expectedReport(all, groupBy), `all runs, groupBy=${groupBy}`);
  }
  const defaultGrouping = (await app.call('GET', `/audit/report?definitionKey=${IZIN}&version=1`, auditor.token)).json();
  t.equal(defaultGrouping.groupBy, 'step');
  t.same(
    defaultGrouping.rows.map((r: ReportRow) => r.elementId),
    ['periksa', 'verifikasi', 'terbitkan'],
    'one definition, its steps in SOP order',
  );
  t.same(byGroup(defaultGrouping.rows, 'step'), expectedReport(all.filter((e) => e.definitionKey === IZIN), 'step'));
  const ranged = (await app.call('GET', `/audit/report?groupBy=month&from=2026-05-01&to=2026-06-30`, auditor.token)).json();
  t.match(ranged, { from: '2026-05-01T00:00:00.000Z', to: '2026-07-01T00:00:00.000Z' }, 'a date-only `to` includes that whole day');
  t.same(byGroup(ranged.rows, 'month'), expectedReport(all, 'month', { from: '2026-05-01T00:00:00.000Z', to: '2026-07-01T00:00:00.000Z' }));
  t.same(new Set(ranged.rows.map((r: ReportRow) => r.month)), new Set(['2026-05', '2026-06']));
  const instantRange = (await app.call('GET', `/audit/report?groupBy=role&from=2026-05-10T08:00:00%2B08:00&to=2026-06-10T12:00:00Z`, auditor.token)).json();
  t.same(byGroup(instantRange.rows, 'role'), expectedReport(all, 'role', { from: '2026-05-10T00:00:00.000Z', to: '2026-06-10T12:00:00.000Z' }), 'date-times with a zone');
  const tandaTangan = byGroup((await app.call('GET', `/audit/report?definitionKey=${TWO}`, auditor.token)).json().rows, 'step')[`${TWO}|1|tanda-tangan`];
  t.match(tandaTangan, { standardMs: null, compliance: null, breaches: 0 }, 'a step without a standard has no compliance');
  t.same((await app.call('GET', `/audit/report?definitionKey=${TWO}&from=2030-01-01`, auditor.token)).json().rows, [], 'an empty range is an empty report');

  // And: the breach list holds every done breach, newest due date first, page by page.
  const pages: Array<{ taskId: string; dueAt: string; open: boolean }> = [];
  let cursor: string | null = null;
  let pageCount = 0;
  do {
    const res: { items: Array<{ taskId: string; dueAt: string; open: boolean }>; nextCursor: string | null } = (
      await app.call('GET', `/audit/breaches?open=false&limit=50${cursor ? `&cursor=${cursor}` : ''}`, auditor.token)
    ).json();
    pages.push(...res.items);
    cursor = res.nextCursor;
    pageCount++;
  } while (cursor);
  const doneBreaches = all.filter((e) => e.breached === true).sort((a, b) => (a.dueAt === b.dueAt ? (a.taskId < b.taskId ? 1 : -1) : a.dueAt < b.dueAt ? 1 : -1));
  t.ok(doneBreaches.length > 100, `${doneBreaches.length} done breaches`);
  t.equal(pageCount, Math.ceil(doneBreaches.length / 50));
  t.same(pages.map((p) => p.taskId), doneBreaches.map((e) => e.taskId), 'every done breach once, by dueAt then taskId, descending');
  const sample = doneBreaches.find((e) => apiExecs.includes(e)) as Exec;
  const item = (await app.call('GET', `/audit/breaches?definitionKey=${sample.definitionKey}&open=false&limit=200`, auditor.token)).json().items.find((i: { taskId: string }) => i.taskId === sample.taskId);
  t.match(item, {
    taskId: sample.taskId, definitionKey: sample.definitionKey, version: 1, elementId: sample.elementId, step: sample.step, name: sample.name, role: sample.role,
    assignee: worker.id, status: 'completed', completedAt: sample.completedAt, dueAt: sample.dueAt, standardMs: sample.standardMs, workingMs: sample.workingMs,
    overdueMs: sample.workingMs - (sample.standardMs as number), open: false,
  });
});

t.test('open breaches use the app clock; the report and the list are unit-scoped; bad input is a 400', async (t) => {
  // Given: a Monday 08:00 WIB; three izin runs wait at their first step (30 minutes), one of them claimed.
  const clock = new TestClock(new Date('2026-04-06T01:00:00Z'));
  const app = await start(t, clock);
  const worker = await app.user(['uji/staf', 'uji/kepala', 'coba/loket', 'coba/verifikator', 'coba/pejabat'], 'Pelaksana');
  const started: string[] = [];
  for (let i = 0; i < 3; i++) {
    started.push((await app.call('POST', `/definitions/${IZIN}/instances`, worker.token, {})).json().id as string);
    clock.advance(10 * MIN);
  }
  const firstTask = (await app.call('GET', `/tasks?instanceId=${started[0]}`, worker.token)).json().items[0] as { id: string };
  await app.call('POST', `/tasks/${firstTask.id}/claim`, worker.token);
  // And: one two-step run whose first step (15 minutes) is done late: 25 minutes.
  const two = (await app.call('POST', `/definitions/${TWO}/instances`, worker.token, {})).json().id as string;
  const terima = (await app.call('GET', `/tasks?instanceId=${two}`, worker.token)).json().items[0] as { id: string };
  clock.advance(25 * MIN);
  await app.call('POST', `/tasks/${terima.id}/complete`, worker.token, bodyFor('terima', 'ya'));
  // Now 08:55 WIB: the izin steps were due at 08:30, 08:40 and 08:50.
  t.equal(clock.now.toISOString(), '2026-04-06T01:55:00.000Z');

  const auditor = await app.user(['auditor']);
  const open = (await app.call('GET', '/audit/breaches?open=true', auditor.token)).json();
  t.equal(open.nextCursor, null);
  t.same(
    open.items.map((i: { instanceId: string; overdueMs: number; open: boolean; workingMs: number | null }) => [i.instanceId, i.overdueMs, i.open, i.workingMs]),
    [
      [started[2], 5 * MIN, true, null],
      [started[1], 15 * MIN, true, null],
      [started[0], 25 * MIN, true, null],
    ],
    'open steps past due, newest first, with the wall time past due',
  );
  t.match(open.items[2], { status: 'claimed', assignee: worker.id, elementId: 'periksa', role: 'coba/loket', standardMs: 30 * MIN, dueAt: '2026-04-06T01:30:00.000Z', completedAt: null });
  t.match(open.items[0], { status: 'open', assignee: null });

  const both = (await app.call('GET', '/audit/breaches?limit=2', auditor.token)).json();
  t.equal(both.items.length, 2);
  const rest = (await app.call('GET', `/audit/breaches?limit=2&cursor=${both.nextCursor}`, auditor.token)).json();
  t.equal(rest.nextCursor, null);
  const everything = [...both.items, ...rest.items] as Array<{ elementId: string; open: boolean; overdueMs: number; workingMs: number | null }>;
  t.same(
    everything.map((i) => [i.elementId, i.open]),
    [['periksa', true], ['terima', false], ['periksa', true], ['periksa', true]],
    'the done breach (due 09:45 WITA = 08:45 WIB) sits between the open ones by due date',
  );
  t.match(everything[1], { workingMs: 25 * MIN, overdueMs: 10 * MIN, standardMs: 15 * MIN, status: 'completed' });
  t.same((await app.call('GET', '/audit/breaches?open=false', auditor.token)).json().items.length, 1);

  // Unit scope: auditor:uji sees only its SOP, owner:coba only the other; a staff user sees nothing.
  const ujiAuditor = await app.user(['auditor:uji']);
  const cobaOwner = await app.user(['owner:coba']);
  const outsider = await app.user(['auditor:lain']);
  const keysOf = (rows: Array<{ definitionKey: string }>) => [...new Set(rows.map((r) => r.definitionKey))];
  t.same(keysOf((await app.call('GET', '/audit/report', ujiAuditor.token)).json().rows), [TWO]);
  t.same(keysOf((await app.call('GET', '/audit/breaches', ujiAuditor.token)).json().items), [TWO]);
  t.same(keysOf((await app.call('GET', '/audit/breaches', cobaOwner.token)).json().items), [IZIN]);
  t.same((await app.call('GET', '/audit/report?groupBy=role', cobaOwner.token)).json().rows, [], 'its unit has completed no step yet');
  t.same((await app.call('GET', '/audit/report', outsider.token)).json().rows, [], 'an auditor of a unit with no SOPs sees an empty report');
  const otherUnit = await app.call('GET', `/audit/report?definitionKey=${IZIN}`, ujiAuditor.token);
  t.equal(otherUnit.statusCode, 404, "another unit's SOP does not exist for a unit auditor");
  t.equal(otherUnit.json().code, 'SOP_ERR_NOT_FOUND');
  t.equal((await app.call('GET', `/audit/breaches?definitionKey=${TWO}`, cobaOwner.token)).statusCode, 404);
  t.equal((await app.call('GET', `/audit/breaches?definitionKey=${IZIN}`, cobaOwner.token)).statusCode, 200);
  t.equal((await app.call('GET', '/audit/report?definitionKey=tidak-ada', ADMIN_TOKEN)).statusCode, 404);
  for (const url of ['/audit/report', '/audit/breaches']) {
    const res = await app.call('GET', url, worker.token);
    t.equal(res.statusCode, 403, `${url} for a staff user`);
    t.equal(res.json().code, 'SOP_ERR_FORBIDDEN');
    t.equal((await app.call('GET', url)).statusCode, 401);
  }

  const docs = (await app.call('GET', '/docs/json')).json() as { paths: Record<string, unknown> };
  t.ok(docs.paths['/audit/report'] && docs.paths['/audit/breaches'], 'both routes are in the OpenAPI document');

  // Bad input names the query field.
  const field = async (url: string) => {
    const res = await app.call('GET', url, auditor.token);
    t.equal(res.statusCode, 400, url);
    t.equal(res.json().code, 'SOP_ERR_VALIDATION');
    return (res.json().details.fields as Array<{ name: string }>).map((f) => f.name);
  };
  t.same(await field('/audit/report?groupBy=week'), ['query.groupBy']);
  t.same(await field('/audit/report?from=yesterday'), ['query.from']);
  t.same(await field('/audit/report?from=2026-02-30T00:00:00Z'), ['query.from']);
  t.same(await field('/audit/report?version=1'), ['query.version']);
  t.same(await field('/audit/report?from=2026-05-01&to=2026-04-01'), ['query.to']);
  t.same(await field('/audit/breaches?open=maybe'), ['query.open']);
  t.same(await field('/audit/breaches?cursor=bm9wZQ'), ['query.cursor']);
  t.same(await field('/audit/breaches?limit=0'), ['query.limit']);
});

// The service on its own, on SQLite and on PostgreSQL: the same query-builder code gives the same exact numbers.
const postgresUp = await postgresAvailable();
for (const database of ['sqlite', 'postgres'] as const) {
  const skip = database === 'postgres' && !postgresUp ? 'PostgreSQL is not reachable at TEST_PG_URL (default postgres://postgres@127.0.0.1:5432/test): the PostgreSQL variant did not run' : false;
  t.test(`[${database}] the report service's SQL percentiles and breach pages`, { skip }, async (t) => {
    const url = database === 'postgres' ? await freshPostgresUrl(t) : `sqlite:${path.join(tempDir(t), 'r.db')}`;
    const db = openDatabase(url);
    t.teardown(() => db.knex.destroy());
    t.equal(db.kind, database);
    await migrateToLatest(db.knex);
    const bulk = await insertBulk(db.knex, { seed: 11, perKey: 150, extras: true });
    const reports = reportService(db);

    for (const groupBy of GROUPINGS) {
      t.same(byGroup(await reports.report({ groupBy }), groupBy), expectedReport(bulk.execs, groupBy), `groupBy=${groupBy}`);
    }
    const v2 = await reports.report({ groupBy: 'step', definitionKey: IZIN, version: 2 });
    t.same(v2.map((r) => [r.version, r.elementId, r.standardMs]), [[2, 'periksa', 30 * MIN], [2, 'verifikasi', 180 * MIN], [2, 'terbitkan', 60 * MIN]], 'versions are reported apart');
    const range = { from: '2026-05-15T00:00:00.000Z', to: '2026-06-20T00:00:00.000Z' };
    t.same(byGroup(await reports.report({ groupBy: 'step', ...range, visibleKeys: [IZIN] }), 'step'), expectedReport(bulk.execs.filter((e) => e.definitionKey === IZIN), 'step', range));
    t.same(await reports.report({ groupBy: 'role', visibleKeys: [] }), [], 'no visible key: nothing');

    // Ties and tiny groups: nearest rank picks an observed value, the lower middle for an even count.
    const tiny = await insertTiny(db.knex, [4, 1, 3, 2]);
    t.match(await reports.report({ groupBy: 'step', definitionKey: 'tiny' }), [{ count: 4, medianMs: 2, p90Ms: 4, standardMs: 3, compliance: 0.75, breaches: 1 }]);
    await insertTiny(db.knex, [7], tiny);
    t.match(await reports.report({ groupBy: 'step', definitionKey: 'tiny' }), [{ count: 5, medianMs: 3, p90Ms: 7, standardMs: 3, compliance: 0.6, breaches: 2 }]);
    // A step outside any lane (no role, no step number) is its own group, listed after the numbered steps.
    await insertTiny(db.knex, [5, 1], tiny, null);
    t.same(
      (await reports.report({ groupBy: 'role', definitionKey: 'tiny' })).map((r) => [r.role, r.count, r.medianMs, r.standardMs, r.breaches]),
      [['tiny/r', 5, 3, 3, 2], [null, 2, 1, 3, 1]],
    );
    t.match(await reports.report({ groupBy: 'step', definitionKey: 'tiny' }), [{ elementId: 'only' }, { elementId: 'laneless', step: null, name: null, role: null, count: 2 }]);

    const now = '2026-08-03T03:00:00.000Z';
    const expectedOpen = bulk.open.filter((o) => o.dueAt < now).sort((a, b) => (a.dueAt < b.dueAt ? 1 : -1));
    const openItems = await reports.breaches({ open: true, now, limit: 10 });
    t.same(openItems.map((i) => [i.taskId, i.status, i.overdueMs]), expectedOpen.map((o) => [o.taskId, o.status, Date.parse(now) - Date.parse(o.dueAt)]));
    const done = bulk.execs.filter((e) => e.breached === true).sort((a, b) => (a.dueAt === b.dueAt ? (a.taskId < b.taskId ? 1 : -1) : a.dueAt < b.dueAt ? 1 : -1));
    const seen: string[] = [];
    let after: { dueAt: string; id: string } | undefined;
    for (;;) {
      const page = await reports.breaches({ open: false, now, limit: 37, visibleKeys: [TWO, IZIN], ...(after ? { after } : {}) });
      seen.push(...page.map((i) => i.taskId));
      const last = page[page.length - 1];
      if (page.length < 37 || !last) break;
      after = { dueAt: last.dueAt, id: last.taskId };
    }
    t.same(seen, done.map((e) => e.taskId), 'keyset pages cover every done breach once, in order');
    const mixed = await reports.breaches({ now, limit: 6, definitionKey: IZIN });
    const expectedMixed = [
      ...expectedOpen.map((o) => ({ taskId: o.taskId, dueAt: o.dueAt })),
      ...done.filter((e) => e.definitionKey === IZIN).map((e) => ({ taskId: e.taskId, dueAt: e.dueAt })),
    ].sort((a, b) => (a.dueAt === b.dueAt ? (a.taskId < b.taskId ? 1 : -1) : a.dueAt < b.dueAt ? 1 : -1));
    t.same(mixed.map((i) => i.taskId), expectedMixed.slice(0, 6).map((e) => e.taskId), 'open and done together, by due date');
  });
}

/** A one-step definition `tiny` with the given working times and a 3 ms standard (a breach is > 3). */
async function insertTiny(knex: Knex, workingMs: number[], existing?: { definitionId: string; instanceId: string }, role: string | null = 'tiny/r') {
  const definitionId = existing?.definitionId ?? (await definitionRow(knex, 'tiny', 1));
  const instanceId = existing?.instanceId ?? randomUUID();
  if (!existing) {
    await knex('instances').insert({ id: instanceId, definition_id: definitionId, definition_key: 'tiny', version: 1, business_key: null, status: 'completed', started_by: 'x', started_at: '2026-04-01T00:00:00.000Z', ended_at: null, variables: '{}', engine_state: '{}', rev: 1, cancel_reason: null });
  }
  for (const w of workingMs) {
    await knex('tasks').insert({
      id: randomUUID(), instance_id: instanceId, definition_id: definitionId, definition_key: 'tiny', version: 1, element_id: role ? 'only' : 'laneless', execution_id: 'only_1', name: role ? 'Satu' : null, step: role ? '1' : null, role,
      status: 'completed', created_at: '2026-04-01T00:00:00.000Z', completed_at: '2026-04-01T00:00:01.000Z', due_at: '2026-04-01T00:00:00.003Z', standard_ms: 3, working_ms: w, wall_ms: w, breached: w > 3,
    });
  }
  return { definitionId, instanceId };
}
