// The Task JSON's formSchema renders every field the server checks: a task with sop:form fields beside a Camunda form
// gets the form as deployed with those fields put first; a Camunda form alone comes as deployed.
import t from 'tap';
import { ADMIN_TOKEN, startApp, tempDir } from '../helpers/app.js';

const XML = { 'content-type': 'application/xml' };
const FORM = {
  type: 'default',
  id: 'f.jumlah',
  schemaVersion: 19,
  components: [{ type: 'number', id: 'Field_jumlah', key: 'jumlah', label: 'Jumlah', validate: { required: true } }],
};

/** start → t1 (sop:form `catatan` and the Camunda form) → t2 (the Camunda form only) → end. */
const DIAGRAM = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:sop="urn:sop-bpmn:1.0" id="d" targetNamespace="urn:x">
  <bpmn:process id="mixed-form" isExecutable="true">
    <bpmn:startEvent id="s"/>
    <bpmn:userTask id="t1" camunda:formRef="f.jumlah" camunda:formRefBinding="latest">
      <bpmn:extensionElements><sop:form><sop:field name="catatan" type="string" label="Catatan" required="true"/></sop:form></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:userTask id="t2" camunda:formRef="f.jumlah" camunda:formRefBinding="latest"/>
    <bpmn:endEvent id="e"/>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="t1"/><bpmn:sequenceFlow id="f2" sourceRef="t1" targetRef="t2"/><bpmn:sequenceFlow id="f3" sourceRef="t2" targetRef="e"/>
  </bpmn:process>
</bpmn:definitions>`;

t.test('sop:form fields beside a Camunda form are part of the task formSchema', async (t) => {
  const app = await startApp(t, { processesDir: tempDir(t) });
  t.equal((await app.call('POST', '/forms', ADMIN_TOKEN, FORM)).statusCode, 201);
  const deployed = await app.call('POST', '/definitions', ADMIN_TOKEN, DIAGRAM, XML);
  t.equal(deployed.statusCode, 201, deployed.body);
  const instance = (await app.call('POST', '/definitions/mixed-form/instances', ADMIN_TOKEN, {})).json();
  const first = (await app.call('GET', `/tasks?instanceId=${instance.id}`, ADMIN_TOKEN)).json().items[0];
  t.same(
    first.form.map((f: { name: string }) => f.name),
    ['catatan', 'jumlah'],
    'the server checks both forms',
  );
  t.same(
    first.formSchema.components.map((c: { key: string; type: string }) => [c.key, c.type]),
    [
      ['catatan', 'textfield'],
      ['jumlah', 'number'],
    ],
    'and the viewer renders both',
  );
  t.equal(first.formSchema.id, 'f.jumlah', 'the Camunda form keeps its id');

  const refused = await app.call('POST', `/tasks/${first.id}/complete`, ADMIN_TOKEN, { documents: [], output: [], variables: { jumlah: 2 } });
  t.equal(refused.statusCode, 422);
  t.same(refused.json().details.fields, [{ name: 'catatan', message: 'wajib diisi' }], 'the sop:form field is required as its schema says');
  const done = await app.call('POST', `/tasks/${first.id}/complete`, ADMIN_TOKEN, { documents: [], output: [], variables: { jumlah: 2, catatan: 'lengkap' } });
  t.equal(done.statusCode, 200, done.body);

  const second = (await app.call('GET', `/tasks?instanceId=${instance.id}`, ADMIN_TOKEN)).json().items[0];
  t.equal(second.elementId, 't2');
  t.same(second.formSchema, FORM, 'a Camunda form alone comes as deployed');
});
