// What a diagram's camunda: and zeebe: vocabulary says about people, time and forms, read with the Camunda moddle
// descriptors whatever prefix the document uses; what is read but not honoured is a warning, what could run code or
// cannot be checked a problem, each naming the element.
import t from 'tap';
import { parseBpmn } from '../../src/engine/bpmn-parser.js';
import { camundaFormDataFields, embeddedFormFields, readCamundaAttributes, splitAssignment } from '../../src/engine/camunda-attributes.js';
import { formFieldsOf } from '../../src/engine/form-fields.js';
import { evaluateVendorExpression, isVendorExpression, vendorExpressionKind, vendorExpressionProblem } from '../../src/engine/vendor-expression.js';
import { vendorAttr, vendorAttributes, CAMUNDA_NS } from '../../src/engine/vendor-attributes.js';
import type { ModdleElement } from 'bpmn-moddle';

const NS = 'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:cam="http://camunda.org/schema/1.0/bpmn" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"';
const wrap = (body: string, processAttrs = '', processExt = '') => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions ${NS} id="d" targetNamespace="urn:x">
  <bpmn:process id="p" isExecutable="true" ${processAttrs}>${processExt ? `<bpmn:extensionElements>${processExt}</bpmn:extensionElements>` : ''}
    <bpmn:startEvent id="s" cam:initiator="starter"/>${body}</bpmn:process>
</bpmn:definitions>`;

async function read(body: string, processAttrs = '', processExt = '') {
  const parsed = await parseBpmn(wrap(body, processAttrs, processExt));
  const process = (parsed.definitions.rootElements as ModdleElement[])[0] as ModdleElement;
  return readCamundaAttributes(parsed.definitions, process);
}

const messages = (list: Array<{ elementId: string; message: string }>) => list.map((p) => `${p.elementId}: ${p.message}`);

t.test('expressions of Camunda attributes: JUEL (${…}, #{…}) and FEEL (=…), checked and evaluated safely', async (t) => {
  t.equal(vendorExpressionKind('staff'), 'literal');
  t.equal(vendorExpressionKind('${a}'), 'juel');
  t.equal(vendorExpressionKind('#{a}'), 'juel');
  t.equal(vendorExpressionKind(' =a'), 'feel');
  t.notOk(isVendorExpression('a, b'));
  t.equal(vendorExpressionProblem('staff', 'x'), undefined);
  t.equal(vendorExpressionProblem('${a} and ${b}', 'x'), undefined, 'a template of reads');
  t.match(vendorExpressionProblem('#{svc.find(a)}', 'assignee'), /assignee '#\{svc.find\(a\)\}': expression \$\{svc.find\(a\)\} refused: function calls/);
  t.match(vendorExpressionProblem('=', 'dueDate'), /an empty FEEL expression/);
  t.match(vendorExpressionProblem('=a(', 'dueDate'), /refused/);
  t.equal(vendorExpressionProblem('="x"', 'x'), undefined);
  t.equal(evaluateVendorExpression('staff', {}), 'staff');
  t.equal(evaluateVendorExpression('#{who}', { who: 'u1' }), 'u1');
  t.equal(evaluateVendorExpression('= who', { who: 'u2' }), 'u2');
  t.equal(evaluateVendorExpression('team-${n}', { n: 3 }), 'team-3');
  t.equal(evaluateVendorExpression('= amount > 1000', { amount: 5000 }), true, 'FEEL through feelin');
  t.equal(evaluateVendorExpression('= today()', {}, { now: () => new Date('2026-03-02T01:00:00Z') }), '2026-03-02', 'FEEL reads the given clock');
  t.equal(evaluateVendorExpression('= who.name', { who: 'u2' }), null, 'a FEEL error is null');
});

t.test('the variable analysis reads Camunda forms: camunda:formData and embedded form-js fields', async (t) => {
  const form = JSON.stringify({ id: 'f', components: [{ type: 'number', key: 'amount', label: 'Amount', validate: { required: true } }, { type: 'checkbox', key: 'urgent', label: 'U' }] });
  const parsed = await parseBpmn(
    wrap(
      `<bpmn:userTask id="c7"><bpmn:extensionElements><cam:formData>
         <cam:formField id="approved" type="boolean"><cam:validation><cam:constraint name="required"/></cam:validation></cam:formField>
         <cam:formField id="kind" type="enum"><cam:value id="a" name="A"/></cam:formField>
         <cam:formField id="on" type="date"/>
       </cam:formData></bpmn:extensionElements></bpmn:userTask>
       <bpmn:subProcess id="sub"><bpmn:userTask id="c8"><bpmn:extensionElements><zeebe:formDefinition formKey="camunda-forms:bpmn:form1"/></bpmn:extensionElements></bpmn:userTask></bpmn:subProcess>
       <bpmn:userTask id="missing"><bpmn:extensionElements><zeebe:formDefinition formKey="camunda-forms:bpmn:nope"/></bpmn:extensionElements></bpmn:userTask>
       <bpmn:userTask id="broken"><bpmn:extensionElements><zeebe:formDefinition formKey="camunda-forms:bpmn:form2"/></bpmn:extensionElements></bpmn:userTask>
       <bpmn:userTask id="other"><bpmn:extensionElements><zeebe:formDefinition formKey="https://forms.example/x"/></bpmn:extensionElements></bpmn:userTask>`,
      '',
      `<zeebe:userTaskForm id="form1">${form.replace(/</g, '&lt;')}</zeebe:userTaskForm><zeebe:userTaskForm id="form2">{not json</zeebe:userTaskForm>`,
    ),
  );
  const el = (id: string) => parsed.elementsById[id] as ModdleElement;
  t.same(formFieldsOf(el('c7')), [
    { name: 'approved', kind: 'boolean', required: true },
    { name: 'kind', kind: 'enum', required: false, options: ['a'] },
    { name: 'on', kind: 'date', required: false },
  ]);
  t.same(formFieldsOf(el('c8')), [
    { name: 'amount', kind: 'number', required: true },
    { name: 'urgent', kind: 'boolean', required: false },
  ], 'a form embedded in the process, read from a task inside a sub-process');
  for (const id of ['missing', 'broken', 'other', 's']) t.same(formFieldsOf(el(id)), [], `${id}: no fields`);
  t.same(camundaFormDataFields(el('s')), []);
  t.same(embeddedFormFields(el('s')), []);
});

t.test('assignment, due date and starters from Camunda 7 attributes under any prefix', async (t) => {
  const read7 = await read(
    `<bpmn:userTask id="u" cam:candidateGroups="staff, kabid" cam:candidateUsers="\${reviewer}" cam:assignee="\${starter}" cam:dueDate="P1D"/>`,
    'cam:candidateStarterGroups="staff" cam:candidateStarterUsers="u9"',
  );
  t.same(read7.problems, []);
  t.match(read7.tasks.get('u'), { candidateGroups: ['staff', 'kabid'], candidateUsers: ['${reviewer}'], assignee: '${starter}', dueDate: 'P1D' });
  t.same(read7.candidateStarterGroups, ['staff']);
  t.same(read7.candidateStarterUsers, ['u9']);
  t.equal(read7.initiatorVariable, 'starter');
  t.same(splitAssignment(undefined), []);
  t.same(splitAssignment(' =groups '), ['=groups']);

  const bad = await read('<bpmn:userTask id="u" cam:candidateGroups="#{svc.groups()}"/>', 'cam:candidateStarterGroups="${g}"');
  t.match(messages(bad.problems), [/^p: candidate starters must be literal/, /^u: candidateGroups '#\{svc.groups\(\)\}': expression/]);
});

t.test('Camunda 8 assignment, schedule and embedded form; what is read but not honoured is warned', async (t) => {
  const form = JSON.stringify({ id: 'f', components: [{ type: 'textfield', key: 'nama', label: 'Nama', validate: { required: true } }] });
  const read8 = await read(
    `<bpmn:userTask id="u"><bpmn:extensionElements>
       <zeebe:assignmentDefinition assignee="=initiator" candidateGroups="staff" candidateUsers="a,b"/>
       <zeebe:taskSchedule dueDate="=deadline" followUpDate="P1D"/>
       <zeebe:formDefinition formKey="camunda-forms:bpmn:form1"/>
       <zeebe:taskHeaders><zeebe:header key="k" value="v"/></zeebe:taskHeaders>
     </bpmn:extensionElements></bpmn:userTask>
     <bpmn:userTask id="ext"><bpmn:extensionElements><zeebe:formDefinition formKey="https://forms.example/x" externalReference="x"/></bpmn:extensionElements></bpmn:userTask>
     <bpmn:userTask id="missing"><bpmn:extensionElements><zeebe:formDefinition formKey="camunda-forms:bpmn:nope"/></bpmn:extensionElements></bpmn:userTask>
     <bpmn:userTask id="broken"><bpmn:extensionElements><zeebe:formDefinition formKey="camunda-forms:bpmn:form2"/></bpmn:extensionElements></bpmn:userTask>
     <bpmn:userTask id="linked"><bpmn:extensionElements><zeebe:formDefinition formId="deployed-form"/></bpmn:extensionElements></bpmn:userTask>`,
    '',
    `<zeebe:userTaskForm id="form1">${form.replace(/</g, '&lt;')}</zeebe:userTaskForm><zeebe:userTaskForm id="form2">{not json</zeebe:userTaskForm>`,
  );
  t.match(read8.tasks.get('u'), { candidateGroups: ['staff'], candidateUsers: ['a', 'b'], assignee: '=initiator', dueDate: '=deadline', form: [{ name: 'nama', required: true }], formSchema: { id: 'f' } });
  t.equal(read8.tasks.get('linked')?.formId, 'deployed-form');
  const problems = messages(read8.problems);
  t.ok(problems.includes("missing: zeebe:formDefinition formKey 'camunda-forms:bpmn:nope' names no zeebe:userTaskForm of the process"));
  t.ok(problems.includes('broken: the embedded zeebe:userTaskForm is not JSON'));
  const warnings = messages(read8.warnings);
  for (const expected of [
    /^u: zeebe:taskSchedule followUpDate is read but not honoured/,
    /^u: zeebe:TaskHeaders is read but not honoured/,
    /^ext: zeebe:formDefinition externalReference is read but not honoured/,
    /^ext: zeebe:formDefinition formKey 'https:\/\/forms.example\/x' is read but not honoured/,
  ]) {
    t.ok(warnings.some((w) => expected.test(w)), String(expected));
  }
});

t.test('every Camunda attribute and extension element not honoured is named; a typo too', async (t) => {
  const r = await read(
    `<bpmn:userTask id="u" cam:formKey="embedded:app:forms/x.html" cam:priority="50" cam:candidateGroup="typo" cam:asyncBefore="true" cam:formRef="f" cam:formRefBinding="version">
       <bpmn:extensionElements>
         <cam:taskListener event="create" class="org.X"/>
         <cam:inputOutput><cam:inputParameter name="a">b</cam:inputParameter></cam:inputOutput>
         <cam:properties><cam:property name="k" value="v"/></cam:properties>
       </bpmn:extensionElements>
     </bpmn:userTask>
     <bpmn:userTask id="both" cam:formRef="f"><bpmn:extensionElements><cam:formData><cam:formField id="a" type="string"/></cam:formData></bpmn:extensionElements></bpmn:userTask>`,
    'cam:historyTimeToLive="P30D" cam:isStartableInTasklist="false"',
  );
  const warnings = messages(r.warnings);
  for (const expected of [
    /^u: camunda:formKey is read but not honoured: forms on another page/,
    /^u: camunda:priority is read but not honoured: tasks are ordered by due date/,
    /^u: camunda:candidateGroup is read but not honoured: it is not an attribute Camunda defines here/,
    /^u: camunda:asyncBefore is read but not honoured/,
    /^u: camunda:TaskListener is read but not honoured: listeners are not run/,
    /^u: camunda:InputOutput is read but not honoured: input\/output mappings/,
    /^u: camunda:Properties is read but not honoured/,
    /^u: camunda:formRefBinding 'version' is read as the form's latest version/,
    /^p: camunda:historyTimeToLive is read but not honoured/,
    /^p: camunda:isStartableInTasklist is read but not honoured/,
  ]) {
    t.ok(warnings.some((w) => expected.test(w)), String(expected));
  }
  t.equal(r.tasks.get('u')?.formId, 'f', 'camunda:formRef links a deployed form like formId');
  t.same(messages(r.problems), ['both: a task has one Camunda form: camunda:formData or a form-js form, not both']);
});

t.test('vendor attributes are read typed or raw, by namespace', async (t) => {
  const parsed = await parseBpmn(wrap('<bpmn:userTask id="u" cam:assignee="x" cam:unknownThing="y"/>'));
  const task = parsed.elementsById.u as ModdleElement;
  t.equal(vendorAttr(task, CAMUNDA_NS, 'assignee'), 'x');
  t.equal(vendorAttr(task, CAMUNDA_NS, 'unknownThing'), 'y');
  t.equal(vendorAttr(task, CAMUNDA_NS, 'none'), undefined);
  t.match(vendorAttributes(task), [{ qname: 'camunda:assignee', known: true }, { qname: 'camunda:unknownThing', known: false, uri: CAMUNDA_NS }]);
});
