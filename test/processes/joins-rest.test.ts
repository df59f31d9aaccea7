// Converging gateways through the REST API, on SQLite and PostgreSQL: cases (a), (b) and (c) and a condition on a
// flow out of a parallel gateway, as BPMN says (the engine-level cases, recovered midway too, are in
// test/engine/joins.test.ts). Each task is completed by the admin: the diagrams have no lanes.
import fs from 'node:fs';
import path from 'node:path';
import t, { type Test } from 'tap';
import { ADMIN_TOKEN, startApp, tempDir, testDatabases, type TestApp } from '../helpers/app.js';

const ENGINE_FIXTURES = path.resolve(import.meta.dirname, '..', 'engine', 'fixtures', 'joins');
const HERE = path.resolve(import.meta.dirname, 'joins');

interface TaskJson {
  id: string;
  elementId: string;
  requires: string[];
  output: string[];
}

async function deploy(app: TestApp, file: string): Promise<Array<{ elementId: string; message: string }>> {
  const res = await app.call('POST', '/definitions', ADMIN_TOKEN, fs.readFileSync(file, 'utf8'), { 'content-type': 'application/xml' });
  if (res.statusCode !== 201) throw new Error(`deploy ${file} → ${res.statusCode} ${res.body}`);
  return res.json().warnings;
}

async function open(app: TestApp, instanceId: string): Promise<TaskJson[]> {
  const items = (await app.call('GET', `/tasks?instanceId=${instanceId}`, ADMIN_TOKEN)).json().items as TaskJson[];
  return items.sort((a, b) => a.elementId.localeCompare(b.elementId));
}

/** Completes the one open task of `elementId`; fails the test when it is not open. */
async function complete(t: Test, app: TestApp, instanceId: string, elementId: string, variables: Record<string, unknown> = {}): Promise<void> {
  const task = (await open(app, instanceId)).find((x) => x.elementId === elementId);
  if (!task) throw new Error(`${elementId} is not open`);
  const body = { documents: task.requires.map((name) => ({ name })), output: task.output.map((name) => ({ name })), variables };
  const res = await app.call('POST', `/tasks/${task.id}/complete`, ADMIN_TOKEN, body);
  t.equal(res.statusCode, 200, `${elementId} completed`);
}

async function start(app: TestApp, key: string, variables: Record<string, unknown>): Promise<string> {
  const res = await app.call('POST', `/definitions/${key}/instances`, ADMIN_TOKEN, { variables });
  if (res.statusCode !== 201) throw new Error(`start ${key} → ${res.statusCode} ${res.body}`);
  return res.json().id as string;
}

async function expectOpen(t: Test, app: TestApp, id: string, expected: string[], message: string): Promise<void> {
  t.same((await open(app, id)).map((x) => x.elementId), expected, message);
}

async function expectCompleted(t: Test, app: TestApp, id: string): Promise<void> {
  t.equal((await app.call('GET', `/instances/${id}`, ADMIN_TOKEN)).json().status, 'completed', 'the case completed');
  const trail = (await app.call('GET', `/audit/instances/${id}`, ADMIN_TOKEN)).json().events as Array<{ type: string; elementId: string }>;
  t.equal(trail.filter((e) => e.type === 'task.created' && e.elementId === 'after').length, 1, 'the task after the join was created once');
}

for (const database of await testDatabases()) {
  t.test(`[${database}] joins wait for a token on each flow, as BPMN says`, async (t) => {
    const app = await startApp(t, { database, processesDir: tempDir(t) });
    for (const file of ['parallel-exclusive-merge', 'inclusive-default']) await deploy(app, path.join(ENGINE_FIXTURES, `${file}.bpmn`));
    await deploy(app, path.join(HERE, 'parallel-loop-form.bpmn'));

    await t.test('(a) a parallel join waits for the branch an exclusive split sent through its task', async (t) => {
      const id = await start(app, 'parallel-exclusive-merge', { reviewB: true });
      await complete(t, app, id, 'task-a');
      await expectOpen(t, app, id, ['task-b'], 'the skipped default flow did not stand in for branch B');
      await complete(t, app, id, 'task-b');
      await expectOpen(t, app, id, ['after'], 'the join fired after both branches');
      await complete(t, app, id, 'after');
      await expectCompleted(t, app, id);
    });

    await t.test('(b) an inclusive join waits for both true branches, not for its default flow', async (t) => {
      const id = await start(app, 'inclusive-default', { one: true, two: true });
      await expectOpen(t, app, id, ['task-1', 'task-2'], 'both true branches open');
      await complete(t, app, id, 'task-1');
      await expectOpen(t, app, id, ['task-2'], 'the join still waits for branch 2');
      await complete(t, app, id, 'task-2');
      await complete(t, app, id, 'after');
      await expectCompleted(t, app, id);
    });

    await t.test('(c) a parallel join does not fire while a loop in one branch goes round', async (t) => {
      const id = await start(app, 'parallel-loop-form', {});
      await complete(t, app, id, 'check');
      await complete(t, app, id, 'draft', { again: true });
      await expectOpen(t, app, id, ['draft'], 'the loop reopened the task and the join waits');
      await complete(t, app, id, 'draft', { again: false });
      await expectOpen(t, app, id, ['after'], 'the join fired when the loop left');
      await complete(t, app, id, 'after');
      await expectCompleted(t, app, id);
    });

    await t.test('a condition on a flow out of a parallel gateway is ignored, with a deploy warning naming it', async (t) => {
      const warnings = await deploy(app, path.join(ENGINE_FIXTURES, 'parallel-condition.bpmn'));
      const flows = warnings.filter((w) => /parallel gateway/.test(w.message)).map((w) => w.elementId);
      t.ok(flows.length > 0, `the deploy warns: ${JSON.stringify(warnings)}`);
      const id = await start(app, 'parallel-condition', { open: false });
      await expectOpen(t, app, id, ['task-a', 'task-b'], 'both branches open although the condition is false');
    });
    t.match((await app.call('GET', '/audit/verify', ADMIN_TOKEN)).json(), { ok: true });
  });
}
