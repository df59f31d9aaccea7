// Every SOP in processes/ runs through the API along the paths of its fixture (test/fixtures/sops/<key>.json,
// written from the seed sheet), each task checked against its sheet row, until every sequence flow was taken.
import fs from 'node:fs';
import path from 'node:path';
import t, { type Test } from 'tap';
import { DateTime } from 'luxon';
import type { ModdleElement } from 'bpmn-moddle';
import { parseBpmn } from '../../src/engine/bpmn-parser.js';
import { FIXTURES, REPO_PROCESSES, startApp, TestClock, type TestApp } from '../helpers/app.js';
import { FlowWalker } from '../helpers/flow-walker.js';

interface Row {
  elementId: string;
  no: string;
  role: string;
  requires: string[];
  output: string[];
  waktu: string | null;
  iso: string | null;
  confidential?: boolean;
  startsAt?: string | null;
}
type Values = Record<string, unknown>;
interface SopFixture {
  key: string;
  organisation: string;
  timeZone: string;
  rows: Row[];
  paths: Array<{ name: string; values?: Record<string, Values | Values[]>; expect: string[] }>;
}
interface FormField {
  name: string;
  type: string;
  required: boolean;
  options?: Array<{ value: string }>;
}
interface TaskJson {
  id: string;
  elementId: string;
  step: string;
  role: string;
  requires: string[];
  output: string[];
  timeStandard: { text: string; iso: string | null } | null;
  confidential: boolean;
  startsAt: string | null;
  dueAt: string | null;
  form: FormField[];
}

const fixtureDir = path.join(FIXTURES, 'sops');
const fixtures = fs.existsSync(fixtureDir)
  ? fs
      .readdirSync(fixtureDir)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => JSON.parse(fs.readFileSync(path.join(fixtureDir, f), 'utf8')) as SopFixture)
  : [];

function defaultValue(field: FormField, timeZone: string): unknown {
  switch (field.type) {
    case 'enum':
      return field.options?.[0]?.value;
    case 'boolean':
      return true;
    case 'number':
      return 1;
    case 'datetime':
      return DateTime.fromISO('2026-03-03T09:00:00', { zone: timeZone }).toISO();
    default:
      return 'uji';
  }
}

async function runPath(t: Test, app: TestApp, token: string, fx: SopFixture, p: SopFixture['paths'][number], walker: FlowWalker, process: ModdleElement): Promise<void> {
  const started = await app.call('POST', `/definitions/${fx.key}/instances`, token, { businessKey: p.name.slice(0, 200) });
  t.equal(started.statusCode, 201, started.statusCode === 201 ? 'started' : started.body);
  const id = started.json().id as string;
  const byId = new Map(((process.flowElements as ModdleElement[]) ?? []).map((e) => [String(e.id), e]));
  const start = ((process.flowElements as ModdleElement[]) ?? []).find((e) => e.$type === 'bpmn:StartEvent') as ModdleElement;
  const vars: Values = {};
  walker.leave(start, vars);
  const visits = new Map<string, number>();
  const done: string[] = [];
  for (const expected of p.expect) {
    const open = (await app.call('GET', `/tasks?instanceId=${id}&limit=200`, token)).json().items as TaskJson[];
    const task = open.find((x) => x.elementId === expected);
    if (!t.ok(task, `${p.name}: ${expected} is open (open: ${open.map((x) => x.elementId).join(', ') || 'none'})`) || !task) return;
    const row = fx.rows.find((r) => r.elementId === task.elementId);
    t.ok(row, `${task.elementId} is a row of the sheet`);
    if (row) {
      t.match(
        { role: task.role, no: task.step, requires: task.requires, output: task.output, waktu: task.timeStandard?.text ?? null, iso: task.timeStandard?.iso ?? null, confidential: task.confidential },
        { role: row.role, no: row.no, requires: row.requires, output: row.output, waktu: row.waktu, iso: row.iso, confidential: row.confidential ?? false },
        `${task.elementId} matches its sheet row`,
      );
      t.same(task.requires, row.requires);
      t.same(task.output, row.output);
      if (row.startsAt) t.ok(task.startsAt, `${task.elementId}'s clock starts at the scheduled time`);
    }
    const n = visits.get(expected) ?? 0;
    visits.set(expected, n + 1);
    const given = p.values?.[expected];
    const explicit: Values = (Array.isArray(given) ? given[n] : given) ?? {};
    const variables: Values = {};
    for (const f of task.form) {
      const v = Object.hasOwn(explicit, f.name) ? explicit[f.name] : defaultValue(f, fx.timeZone);
      if (v !== undefined) variables[f.name] = v;
    }
    app.clock.advance(60_000);
    const res = await app.call('POST', `/tasks/${task.id}/complete`, token, {
      documents: task.requires.map((name, i) => ({ name, ref: `DOC-${i}` })),
      output: task.output.map((name) => ({ name, value: 'uji' })),
      variables,
    });
    if (!t.equal(res.statusCode, 200, res.statusCode === 200 ? `${p.name}: completed ${expected}` : `${expected}: ${res.body}`)) return;
    done.push(expected);
    Object.assign(vars, variables);
    walker.leave(byId.get(expected) as ModdleElement, vars);
  }
  t.same(done, p.expect, `${p.name}: the tasks in order`);
  const left = (await app.call('GET', `/tasks?instanceId=${id}`, token)).json().items as TaskJson[];
  t.same(left.map((x) => x.elementId), [], `${p.name}: nothing left open`);
  t.equal((await app.call('GET', `/instances/${id}`, token)).json().status, 'completed', `${p.name}: the instance ended`);
}

t.test('every deployed SOP has a sheet fixture', async (t) => {
  const files = fs.readdirSync(REPO_PROCESSES).filter((f) => f.endsWith('.bpmn'));
  for (const f of files) t.ok(fixtures.some((fx) => `${fx.key}.bpmn` === f), `${f} has test/fixtures/sops/${f.replace('.bpmn', '.json')}`);
});

for (const fx of fixtures) {
  t.test(fx.key, async (t) => {
    const app = await startApp(t, { clock: new TestClock(DateTime.fromISO('2026-03-02T09:00:00', { zone: fx.timeZone }).toJSDate()) });
    const def = (await app.call('GET', `/definitions/${fx.key}`, 'test-admin-token-0123456789')).json();
    t.match(def, { key: fx.key, organisation: fx.organisation, timeZone: fx.timeZone, stepCount: fx.rows.length });
    const user = await app.user(def.roles.map((r: { id: string }) => r.id), `petugas ${fx.key}`);

    const xml = fs.readFileSync(path.join(REPO_PROCESSES, `${fx.key}.bpmn`), 'utf8');
    const parsed = await parseBpmn(xml);
    const process = (parsed.definitions.rootElements as ModdleElement[]).find((e) => e.$type === 'bpmn:Process' && e.isExecutable) as ModdleElement;
    const tasksInOrder = ((process.flowElements as ModdleElement[]) ?? []).filter((e) => e.$type === 'bpmn:UserTask').map((e) => String(e.id));
    t.same(tasksInOrder, fx.rows.map((r) => r.elementId), 'one user task per sheet row, in sheet order');

    const sheet = (await app.call('GET', `/definitions/${fx.key}/sop`, user.token)).json();
    t.same(
      sheet.steps.map((s: { elementId: string; no: string; actor: { role: string }; requires: string[]; output: string[]; timeStandard: { text: string } | null }) => ({
        elementId: s.elementId,
        no: s.no,
        role: s.actor.role,
        requires: s.requires,
        output: s.output,
        waktu: s.timeStandard?.text ?? null,
      })),
      fx.rows.map((r) => ({ elementId: r.elementId, no: r.no, role: r.role, requires: r.requires, output: r.output, waktu: r.waktu })),
      'the SOP sheet lists the rows in sheet order',
    );
    t.equal(sheet.organisation, fx.organisation);
    const html = await app.call('GET', `/definitions/${fx.key}/sop?format=html`, user.token);
    t.match(html.headers['content-type'], /text\/html/);
    t.equal((html.body.match(/<tr data-element-id=/g) ?? []).length, fx.rows.length, 'the printable sheet has a row per step');
    for (const r of fx.rows) t.match(html.body, `data-element-id="${r.elementId}"`);

    const walker = new FlowWalker(process);
    for (const p of fx.paths) await t.test(p.name, (t) => runPath(t, app, user.token, fx, p, walker, process));
    const missed = walker.allFlows.filter((f) => !walker.taken.has(f));
    t.same(missed, [], 'the paths take every sequence flow');
  });
}
