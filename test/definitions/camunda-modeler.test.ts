// Given diagrams as Camunda Modeler 5 (Camunda 7 and 8) and bpmn.io save them, unchanged: they deploy, name what they
// carry but the service does not honour, and run to their end through the API by the users their assignment names,
// with their forms checked on the server (SQLite and PostgreSQL).
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { ADMIN_TOKEN, startApp, tempDir, testDatabases, type TestApp } from '../helpers/app.js';

const HERE = path.resolve(import.meta.dirname, 'camunda-modeler');
const read = (file: string) => fs.readFileSync(path.join(HERE, file), 'utf8');
const XML = { 'content-type': 'application/xml' };

interface TaskJson {
  id: string;
  elementId: string;
  status: string;
  role: string | null;
  assignee: string | null;
  candidateGroups: string[];
  candidateUsers: string[];
  dueAt: string | null;
  form: Array<{ name: string; type: string; required: boolean; integer?: boolean; maxLength?: number }>;
  formSchema?: { components: Array<{ key?: string; type: string }> };
}

async function openTasks(app: TestApp, token: string, instanceId: string): Promise<TaskJson[]> {
  const res = await app.call('GET', `/tasks?instanceId=${instanceId}`, token);
  return (res.json() as { items: TaskJson[] }).items;
}

async function complete(app: TestApp, token: string, taskId: string, variables: Record<string, unknown> = {}) {
  return app.call('POST', `/tasks/${taskId}/complete`, token, { documents: [], output: [], variables });
}

for (const database of await testDatabases()) {
  t.test(`${database}: a Camunda 7 loan approval runs both ways for the candidate group, its form checked`, async (t) => {
    const app = await startApp(t, { database, processesDir: tempDir(t) });
    const owner = await app.user(['owner:bank'], 'pemilik');
    const staff = await app.user(['staff'], 'staf');
    const outsider = await app.user(['bkd-kalteng/jft'], 'luar');

    const deployed = await app.call('POST', '/definitions', owner.token, read('loan-approval-c7.bpmn'), XML);
    t.equal(deployed.statusCode, 201);
    const warnings = (deployed.json() as { warnings: Array<{ elementId: string; message: string }> }).warnings;
    t.ok(warnings.some((w) => w.elementId === 'loan-approval' && /camunda:historyTimeToLive is read but not honoured/.test(w.message)), 'what is read but not honoured is named');
    t.notOk(warnings.some((w) => /no sop:actor/.test(w.message) && w.elementId === 'review'), 'a task with candidate groups needs no lane');
    t.same(warnings.filter((w) => /\b(approved|amount)\b/.test(w.message)), [], 'the variable analysis reads the camunda:formData fields');

    t.equal((await app.call('GET', '/definitions/loan-approval', staff.token)).statusCode, 200, 'the candidate group sees the definition');
    t.ok((await app.call('GET', '/definitions', staff.token)).json().items.some((d: { key: string }) => d.key === 'loan-approval'));
    t.equal((await app.call('GET', '/definitions/loan-approval', outsider.token)).statusCode, 404, 'outside the groups it does not exist');
    t.equal((await app.call('POST', '/definitions/loan-approval/instances', outsider.token, {})).statusCode, 404);

    // Approved, over 1000: a second approval.
    const started = await app.call('POST', '/definitions/loan-approval/instances', staff.token, { businessKey: 'L-1' });
    t.equal(started.statusCode, 201, started.body);
    const big = started.json().id as string;
    const [review] = await openTasks(app, staff.token, big);
    t.match(review, { elementId: 'review', role: null, candidateGroups: ['staff'], candidateUsers: [], status: 'open' });
    t.equal(review?.dueAt, '2026-03-04T01:00:00.000Z', 'camunda:dueDate P2D in wall time: the diagram names no SOP calendar');
    t.match(review?.form, [{ name: 'amount', type: 'number', required: true, integer: true }, { name: 'approved', type: 'boolean', required: true }, { name: 'note', type: 'string', maxLength: 200 }]);
    t.match(review?.formSchema?.components, [{ key: 'amount', type: 'number' }, { key: 'approved', type: 'radio', values: [{ value: 'true', label: 'Ya' }, { value: 'false', label: 'Tidak' }] }, { key: 'note', type: 'textfield' }]);
    t.equal((await app.call('GET', `/tasks/${review?.id}`, outsider.token)).statusCode, 404, 'a task outside the groups does not exist');

    const missing = await complete(app, staff.token, review?.id as string, { amount: 5000 });
    t.equal(missing.statusCode, 422);
    t.match(missing.json(), { code: 'SOP_ERR_INVALID_FORM', details: { fields: [{ name: 'approved', message: 'wajib diisi' }] } });
    const mistyped = await complete(app, staff.token, review?.id as string, { amount: '5000', approved: 'true' });
    t.match(mistyped.json(), { code: 'SOP_ERR_INVALID_FORM', details: { fields: [{ name: 'amount' }, { name: 'approved' }] } });
    const fraction = await complete(app, staff.token, review?.id as string, { amount: 10.5, approved: true });
    t.match(fraction.json(), { details: { fields: [{ name: 'amount', message: 'harus bilangan bulat' }] } }, 'a long is whole');
    const tooSmall = await complete(app, staff.token, review?.id as string, { amount: 0, approved: true });
    t.match(tooSmall.json(), { details: { fields: [{ name: 'amount', message: 'paling kecil 1' }] } });

    const done = await complete(app, staff.token, review?.id as string, { amount: 5000, approved: true, note: 'ok' });
    t.equal(done.statusCode, 200, done.body);
    const [second] = await openTasks(app, staff.token, big);
    t.equal(second?.elementId, 'second-approval', '${approved} and ${amount > 1000} hold');
    t.equal((await complete(app, staff.token, second?.id as string)).statusCode, 200);
    t.equal((await app.call('GET', `/instances/${big}`, staff.token)).json().status, 'completed');

    // Rejected: the requester (camunda:initiator) is the notify task's assignee.
    const other = (await app.call('POST', '/definitions/loan-approval/instances', staff.token, { businessKey: 'L-2' })).json().id as string;
    const [again] = await openTasks(app, staff.token, other);
    t.equal((await complete(app, staff.token, again?.id as string, { amount: 200, approved: false })).statusCode, 200);
    const [notify] = await openTasks(app, staff.token, other);
    t.match(notify, { elementId: 'notify', assignee: staff.id, status: 'claimed', candidateUsers: [staff.id] }, '${requester} is the starter');
    const peer = await app.user(['staff'], 'rekan');
    t.equal((await app.call('POST', `/tasks/${notify?.id}/claim`, peer.token)).statusCode, 403, 'the assignee task is not the group`s');
    t.equal((await complete(app, staff.token, notify?.id as string)).statusCode, 200);
    t.equal((await app.call('GET', `/instances/${other}`, staff.token)).json().status, 'completed');

    const trail = (await app.call('GET', `/audit/instances/${other}`, ADMIN_TOKEN)).json().events as Array<{ type: string; elementId: string; assignment?: Record<string, unknown> }>;
    t.match(trail.find((e) => e.type === 'task.created' && e.elementId === 'notify')?.assignment, { assignee: staff.id, candidateUsers: [staff.id], candidateGroups: [] });
  });
}

for (const database of await testDatabases()) {
  t.test(`${database}: a Camunda 8 diagram with a deployed form-js form and zeebe assignment runs to its end`, async (t) => {
    const app = await startApp(t, { database, processesDir: tempDir(t) });
    const owner = await app.user(['owner:bank'], 'pemilik');
    const staff = await app.user(['staff'], 'staf');
    const outsider = await app.user(['auditors-friend'], 'luar');

    const early = await app.call('POST', '/definitions', owner.token, read('loan-approval-c8.bpmn'), XML);
    t.equal(early.statusCode, 400, 'the form must be deployed first');
    t.match(early.json(), { code: 'SOP_ERR_INVALID_BPMN', details: { problems: [{ elementId: 'assess', message: /form 'loan-form' is not deployed/ }] } });

    t.equal((await app.call('POST', '/forms', staff.token, JSON.parse(read('loan-form.form')))).statusCode, 403, 'owners and admins deploy forms');
    const form = await app.call('POST', '/forms', owner.token, JSON.parse(read('loan-form.form')));
    t.equal(form.statusCode, 201, form.body);
    t.match(form.json(), { formId: 'loan-form', version: 1 });
    t.equal((await app.call('POST', '/forms', owner.token, JSON.parse(read('loan-form.form')))).statusCode, 200, 'the same form is no new version');
    t.match((await app.call('GET', '/forms/loan-form', staff.token)).json(), { formId: 'loan-form', version: 1, schema: { id: 'loan-form' } });
    t.equal((await app.call('GET', '/forms/nothing', staff.token)).statusCode, 404);

    const deployed = await app.call('POST', '/definitions', owner.token, read('loan-approval-c8.bpmn'), XML);
    t.equal(deployed.statusCode, 201);
    const warnings = (deployed.json() as { warnings: Array<{ elementId: string; message: string }> }).warnings.map((w) => `${w.elementId}: ${w.message}`);
    t.ok(warnings.some((w) => /^assess: zeebe:taskSchedule followUpDate is read but not honoured/.test(w)), 'followUpDate is named');
    t.ok(warnings.some((w) => /^assess: zeebe:TaskHeaders is read but not honoured/.test(w)));
    t.same(warnings.filter((w) => /\bamount\b/.test(w)), [], 'the variable analysis reads the fields of the deployed form');

    // No candidate starters: the unit's owner (the deployer's unit, the diagram names none) starts it.
    t.equal((await app.call('POST', '/definitions/loan-approval-c8/instances', staff.token, {})).statusCode, 403);
    const started = await app.call('POST', '/definitions/loan-approval-c8/instances', owner.token, {});
    t.equal(started.statusCode, 201, started.body);
    const id = started.json().id as string;
    t.equal((await app.call('GET', '/definitions/loan-approval-c8', outsider.token)).statusCode, 404);
    t.equal((await app.call('GET', `/instances/${id}`, staff.token)).statusCode, 200, 'a candidate group sees the cases');
    const [assess] = await openTasks(app, staff.token, id);
    t.match(assess, { elementId: 'assess', candidateGroups: ['staff', 'managers'], dueAt: '2026-03-06T09:00:00.000Z' });
    t.match(assess?.form, [{ name: 'amount', type: 'number', required: true }, { name: 'purpose', type: 'string' }, { name: 'decision', type: 'enum' }, { name: 'disburseOn', type: 'date' }, { name: 'urgent', type: 'boolean' }]);
    t.match(assess?.formSchema, { id: 'loan-form', components: [{ key: 'amount' }] }, 'the deployed form-js schema as it is');
    const byRole = await app.call('GET', '/tasks?role=staff', staff.token);
    t.ok((byRole.json() as { items: TaskJson[] }).items.some((x) => x.id === assess?.id), '?role= finds the tasks of a candidate group');
    t.equal((await app.call('POST', `/tasks/${assess?.id}/claim`, outsider.token)).statusCode, 404);

    const bad = await complete(app, staff.token, assess?.id as string, { amount: 2_000_000, purpose: 'x', decision: 'maybe', disburseOn: '2026-02-30' });
    t.equal(bad.statusCode, 422);
    t.match(bad.json().details.fields, [
      { name: 'amount', message: 'paling besar 1000000' },
      { name: 'purpose', message: 'paling sedikit 3 karakter' },
      { name: 'decision' },
      { name: 'disburseOn' },
    ]);
    // Over 1000: `=amount > 1000` (FEEL, through feelin) routes to the managers' second approval.
    const ok = await complete(app, staff.token, assess?.id as string, { amount: 5000, purpose: 'a new roof', decision: 'approve', disburseOn: '2026-03-20' });
    t.equal(ok.statusCode, 200, ok.body);
    t.match(ok.json().variables, { urgent: false }, 'a default value fills a field left out');
    const manager = await app.user(['managers'], 'manajer');
    const [second] = await openTasks(app, manager.token, id);
    t.match(second, { elementId: 'second-approval', candidateGroups: ['managers'] }, '=amount > 1000 holds');
    t.equal((await complete(app, manager.token, second?.id as string)).statusCode, 200);
    const [confirm] = await openTasks(app, owner.token, id);
    t.match(confirm, { elementId: 'confirm', assignee: owner.id, status: 'claimed' }, '=initiator is the starter');
    t.equal((await complete(app, owner.token, confirm?.id as string)).statusCode, 200);
    t.equal((await app.call('GET', `/instances/${id}`, owner.token)).json().status, 'completed');

    // Up to 1000: `=amount <= 1000` goes straight to the confirmation.
    const small = (await app.call('POST', '/definitions/loan-approval-c8/instances', owner.token, {})).json().id as string;
    const [assessSmall] = await openTasks(app, staff.token, small);
    t.equal((await complete(app, staff.token, assessSmall?.id as string, { amount: 1000, purpose: 'a new door', decision: 'approve', disburseOn: '2026-03-20' })).statusCode, 200);
    const [confirmSmall] = await openTasks(app, owner.token, small);
    t.match(confirmSmall, { elementId: 'confirm', assignee: owner.id }, '=amount <= 1000 holds at 1000');
    t.equal((await complete(app, owner.token, confirmSmall?.id as string)).statusCode, 200);
    t.equal((await app.call('GET', `/instances/${small}`, owner.token)).json().status, 'completed');
  });

  t.test(`${database}: a bpmn.io diagram of plain tasks deploys and runs to its end`, async (t) => {
    const app = await startApp(t, { database, processesDir: tempDir(t) });
    const owner = await app.user(['owner:arsip'], 'pemilik');
    const deployed = await app.call('POST', '/definitions', owner.token, read('plain-tasks-bpmnio.bpmn'), XML);
    t.equal(deployed.statusCode, 201);
    const id = (await app.call('POST', '/definitions/plain-tasks/instances', owner.token, {})).json().id as string;
    for (const expected of ['Activity_1', 'Activity_2']) {
      const [task] = await openTasks(app, owner.token, id);
      t.equal(task?.elementId, expected);
      t.equal((await complete(app, owner.token, task?.id as string)).statusCode, 200);
    }
    t.equal((await app.call('GET', `/instances/${id}`, owner.token)).json().status, 'completed');
    const other = await app.user(['owner:lain'], 'pemilik lain');
    t.equal((await app.call('GET', '/definitions/plain-tasks', other.token)).statusCode, 404, "it belongs to the deployer's unit");
  });
}
