// Given Camunda diagrams that name their people, units and forms in the other ways Camunda allows: candidate users,
// candidate starter users, a declared unit, a SOP calendar with a mutu baku beside a due date, an embedded form and
// forms that cannot be checked, the service decides and refuses as a Camunda user expects.
import t from 'tap';
import { ADMIN_TOKEN, startApp, tempDir, type TestApp } from '../helpers/app.js';

const XML = { 'content-type': 'application/xml' };
const HEAD = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:sop="urn:sop-bpmn:1.0" id="d" targetNamespace="urn:x">`;

/** A one-task process: start → task → end, with what `process` and `task` add. */
function diagram(key: string, task: string, processAttrs = '', processExt = ''): string {
  return `${HEAD}
  <bpmn:process id="${key}" isExecutable="true" ${processAttrs}>
    ${processExt ? `<bpmn:extensionElements>${processExt}</bpmn:extensionElements>` : ''}
    <bpmn:startEvent id="s"/>${task}<bpmn:endEvent id="e"/>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="t"/><bpmn:sequenceFlow id="f2" sourceRef="t" targetRef="e"/>
  </bpmn:process>
</bpmn:definitions>`;
}

async function firstTask(app: TestApp, token: string, instanceId: string) {
  const res = await app.call('GET', `/tasks?instanceId=${instanceId}`, token);
  return (res.json() as { items: Array<Record<string, unknown> & { id: string }> }).items[0];
}

t.test('candidate users and candidate starter users name people by id; a declared unit owns the SOP', async (t) => {
  const app = await startApp(t, { processesDir: tempDir(t) });
  const owner = await app.user(['owner:pusat'], 'pemilik');
  const starter = await app.user([], 'pemohon');
  const reviewer = await app.user([], 'penelaah');
  const other = await app.user(['staff'], 'lain');
  const xml = diagram(
    'named-people',
    `<bpmn:userTask id="t" camunda:candidateUsers="${reviewer.id}"/>`,
    `camunda:candidateStarterUsers="${starter.id}"`,
    '<sop:document unit="pusat" calendar="wib"/>',
  );
  const deployed = await app.call('POST', '/definitions', owner.token, xml, XML);
  t.equal(deployed.statusCode, 201, deployed.body);
  const admin = await app.call('POST', '/definitions', ADMIN_TOKEN, xml, XML);
  t.equal(admin.statusCode, 200, 'the same diagram again by an admin: the declared unit is the key`s');

  for (const [who, token] of [['the candidate starter', starter.token], ['the candidate user', reviewer.token]] as const) {
    t.ok((await app.call('GET', '/definitions', token)).json().items.some((d: { key: string }) => d.key === 'named-people'), `${who} sees it`);
  }
  t.equal((await app.call('GET', '/definitions/named-people', other.token)).statusCode, 404);
  t.equal((await app.call('POST', '/definitions/named-people/instances', owner.token, {})).statusCode, 403, 'candidate starters replace the owner as starter');
  const started = await app.call('POST', '/definitions/named-people/instances', starter.token, {});
  t.equal(started.statusCode, 201, started.body);
  const id = started.json().id as string;
  t.equal((await firstTask(app, starter.token, id)), undefined, 'the starter is no candidate of the task');
  const task = await firstTask(app, reviewer.token, id);
  t.match(task, { elementId: 't', candidateUsers: [reviewer.id], role: null });
  t.equal((await app.call('POST', `/tasks/${task?.id}/complete`, owner.token, { documents: [], output: [], variables: {} })).statusCode, 403, 'the unit`s owner is no candidate');
  const assign = await app.call('POST', `/tasks/${task?.id}/assign`, owner.token, { userId: other.id });
  t.equal(assign.statusCode, 422, 'an owner hands it only to a candidate');
  t.equal((await app.call('POST', `/tasks/${task?.id}/complete`, reviewer.token, { documents: [], output: [], variables: {} })).statusCode, 200);

  const foreign = await app.user(['owner:lain'], 'pemilik lain');
  const refused = await app.call('POST', '/definitions', foreign.token, xml.replace('named-people', 'named-people-2'), XML);
  t.equal(refused.statusCode, 403, 'a unit declared by its key is deployed by that unit`s owners');
});

t.test('a SOP calendar counts a Camunda due duration in working time; a mutu baku beside it wins, with a warning', async (t) => {
  const app = await startApp(t, { processesDir: tempDir(t) });
  const owner = await app.user(['owner:pusat'], 'pemilik');
  const staff = await app.user(['staff'], 'staf');
  const xml = diagram(
    'due-dates',
    `<bpmn:userTask id="t" camunda:candidateGroups="staff" camunda:dueDate="PT2H"/>
     <bpmn:userTask id="both" camunda:candidateGroups="staff" camunda:dueDate="P1D"><bpmn:extensionElements><sop:mutuBaku step="1" waktu="30 Menit" duration="PT30M"/></bpmn:extensionElements></bpmn:userTask>`,
    'camunda:candidateStarterGroups="staff"',
    '<sop:document unit="pusat" calendar="wib"/>',
  ).replace('<bpmn:sequenceFlow id="f2" sourceRef="t" targetRef="e"/>', '<bpmn:sequenceFlow id="f2" sourceRef="t" targetRef="both"/><bpmn:sequenceFlow id="f3" sourceRef="both" targetRef="e"/>');
  const deployed = await app.call('POST', '/definitions', owner.token, xml, XML);
  t.equal(deployed.statusCode, 201, deployed.body);
  t.ok(deployed.json().warnings.some((w: { elementId: string; message: string }) => w.elementId === 'both' && /the sop:mutuBaku duration PT30M sets dueAt/.test(w.message)));
  app.clock.set('2026-03-06T08:00:00Z'); // Friday 15:00 WIB
  const id = (await app.call('POST', '/definitions/due-dates/instances', staff.token, {})).json().id as string;
  const task = await firstTask(app, staff.token, id);
  t.equal(task?.dueAt, '2026-03-09T01:00:00.000Z', 'two working hours: Friday until 16:30, Monday from 07:30');
  await app.call('POST', `/tasks/${task?.id}/complete`, staff.token, { documents: [], output: [], variables: {} });
  const both = await firstTask(app, staff.token, id);
  t.equal(both?.dueAt, '2026-03-06T08:30:00.000Z', 'the mutu baku, not P1D');
});

t.test('an embedded Camunda 8 form runs; forms that cannot be checked, duplicate fields and bad due dates are refused', async (t) => {
  const app = await startApp(t, { processesDir: tempDir(t) });
  const owner = await app.user(['owner:pusat'], 'pemilik');
  const form = JSON.stringify({ id: 'f', components: [{ type: 'checkbox', key: 'setuju', label: 'Setuju', validate: { required: true } }] });
  const embedded = diagram(
    'embedded-form',
    '<bpmn:userTask id="t"><bpmn:extensionElements><zeebe:formDefinition formKey="camunda-forms:bpmn:f1"/></bpmn:extensionElements></bpmn:userTask>',
    '',
    `<zeebe:userTaskForm id="f1">${form}</zeebe:userTaskForm>`,
  );
  t.equal((await app.call('POST', '/definitions', owner.token, embedded, XML)).statusCode, 201);
  const id = (await app.call('POST', '/definitions/embedded-form/instances', owner.token, {})).json().id as string;
  const task = await firstTask(app, owner.token, id);
  t.match(task, { form: [{ name: 'setuju', type: 'boolean', required: true }], formSchema: { id: 'f' } });
  const missing = await app.call('POST', `/tasks/${task?.id}/complete`, owner.token, { documents: [], output: [], variables: {} });
  t.match(missing.json(), { code: 'SOP_ERR_INVALID_FORM', details: { fields: [{ name: 'setuju' }] } });

  t.match((await app.call('POST', '/forms', owner.token, { components: [] })).json(), { statusCode: 400, code: 'SOP_ERR_VALIDATION', details: { fields: [{ name: 'id' }] } });
  const unchecked = await app.call('POST', '/forms', owner.token, { id: 'bad', components: [{ type: 'taglist', key: 'tags' }] });
  t.match(unchecked.json(), { statusCode: 400, details: { fields: [{ name: 'components', message: /taglist/ }] } });
  const v1 = await app.call('POST', '/forms', owner.token, { id: 'dup', components: [{ type: 'textfield', key: 'nama' }] });
  t.equal(v1.statusCode, 201);
  const v2 = await app.call('POST', '/forms', owner.token, { components: [{ type: 'textfield', key: 'nama', label: 'Nama' }], id: 'dup' });
  t.match(v2.json(), { formId: 'dup', version: 2 });

  const duplicate = diagram(
    'duplicate-field',
    '<bpmn:userTask id="t"><bpmn:extensionElements><sop:form><sop:field name="nama" type="string"/></sop:form><zeebe:formDefinition formId="dup"/></bpmn:extensionElements></bpmn:userTask>',
  );
  t.match((await app.call('POST', '/definitions', owner.token, duplicate, XML)).json(), { details: { problems: [{ elementId: 't', message: "form field 'nama' is declared by sop:form and by form 'dup'" }] } });
  const both = diagram('duplicate-data', '<bpmn:userTask id="t"><bpmn:extensionElements><sop:form><sop:field name="a" type="string"/></sop:form><camunda:formData><camunda:formField id="a" type="string"/></camunda:formData></bpmn:extensionElements></bpmn:userTask>');
  t.match((await app.call('POST', '/definitions', owner.token, both, XML)).json(), { details: { problems: [{ elementId: 't', message: "form field 'a' is declared by sop:form and by the Camunda form" }] } });
  const badDue = diagram('bad-due', '<bpmn:userTask id="t" camunda:dueDate="tomorrow"/>');
  t.match((await app.call('POST', '/definitions', owner.token, badDue, XML)).json(), { details: { problems: [{ elementId: 't', message: /dueDate 'tomorrow' must be/ }] } });
});

t.test('a user an expression names for one case acts on its task and sees that case, and no other', async (t) => {
  const app = await startApp(t, { processesDir: tempDir(t) });
  const owner = await app.user(['owner:pusat'], 'pemilik');
  const reviewer = await app.user([], 'penelaah');
  const xml = diagram('picked-reviewer', '<bpmn:userTask id="t" camunda:assignee="${reviewer}"/>', '', '<sop:document unit="pusat"/>');
  t.equal((await app.call('POST', '/definitions', owner.token, xml, XML)).statusCode, 201);
  const mine = (await app.call('POST', '/definitions/picked-reviewer/instances', owner.token, { variables: { reviewer: reviewer.id } })).json().id as string;
  const other = (await app.call('POST', '/definitions/picked-reviewer/instances', owner.token, { variables: { reviewer: owner.id } })).json().id as string;
  t.equal((await app.call('GET', `/instances/${mine}`, reviewer.token)).statusCode, 200);
  t.equal((await app.call('GET', `/instances/${other}`, reviewer.token)).statusCode, 404);
  t.equal((await app.call('GET', '/definitions/picked-reviewer', reviewer.token)).statusCode, 404, 'the definition names no one by a literal');
  const task = await firstTask(app, reviewer.token, mine);
  t.match(task, { assignee: reviewer.id, status: 'claimed' });
  t.equal((await app.call('POST', `/tasks/${task?.id}/complete`, reviewer.token, { documents: [], output: [], variables: {} })).statusCode, 200);
});
