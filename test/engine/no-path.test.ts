// A decision the case's values leave without a flow answers 422 SOP_ERR_NO_PATH naming the gateway and the variables
// its conditions read, and stores nothing: at a start and at a task's completion, for exclusive and inclusive gateways.
import t from 'tap';
import { ADMIN_TOKEN, startApp, tempDir } from '../helpers/app.js';

const TASK = `<bpmn:userTask id="nilai"><bpmn:extensionElements><sop:form><sop:field name="skor" type="number" label="Skor"/></sop:form></bpmn:extensionElements></bpmn:userTask>
<bpmn:sequenceFlow id="f1" sourceRef="nilai" targetRef="putuskan"/>`;

const diagram = (key: string, gateway: 'exclusiveGateway' | 'inclusiveGateway', first: 'gateway' | 'task') => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:sop="urn:sop-bpmn:1.0" id="d" targetNamespace="urn:x">
<bpmn:process id="${key}" isExecutable="true">
<bpmn:startEvent id="mulai"/>
<bpmn:sequenceFlow id="f0" sourceRef="mulai" targetRef="${first === 'task' ? 'nilai' : 'putuskan'}"/>
${first === 'task' ? TASK : ''}
<bpmn:${gateway} id="putuskan"/>
<bpmn:sequenceFlow id="lulus" sourceRef="putuskan" targetRef="selesai"><bpmn:conditionExpression>\${skor &gt;= 70 &amp;&amp; hadir}</bpmn:conditionExpression></bpmn:sequenceFlow>
<bpmn:sequenceFlow id="gagal" sourceRef="putuskan" targetRef="selesai"><bpmn:conditionExpression>\${skor &lt; 50}</bpmn:conditionExpression></bpmn:sequenceFlow>
<bpmn:endEvent id="selesai"/>
</bpmn:process></bpmn:definitions>`;

const xmlHeaders = { 'content-type': 'application/xml' };

for (const gateway of ['exclusiveGateway', 'inclusiveGateway'] as const) {
  t.test(`[${gateway}] a start whose values leave the decision no flow stores nothing`, async (t) => {
    const app = await startApp(t, { processesDir: tempDir(t) });
    const deployed = await app.call('POST', '/definitions', ADMIN_TOKEN, diagram('tanpa-jalur', gateway, 'gateway'), xmlHeaders);
    t.equal(deployed.statusCode, 201, deployed.body);
    const res = await app.call('POST', '/definitions/tanpa-jalur/instances', ADMIN_TOKEN, { variables: { skor: 60, hadir: true } });
    t.equal(res.statusCode, 422, res.body);
    t.match(res.json(), { code: 'SOP_ERR_NO_PATH', message: /putuskan.*skor, hadir/, details: { elementId: 'putuskan', variables: ['skor', 'hadir'] } });
    t.equal((await app.call('GET', '/instances?definitionKey=tanpa-jalur', ADMIN_TOKEN)).json().items.length, 0, 'no case was stored');
    const ok = await app.call('POST', '/definitions/tanpa-jalur/instances', ADMIN_TOKEN, { variables: { skor: 40 } });
    t.equal(ok.statusCode, 201, 'values that leave a flow still run');
    t.equal(ok.json().status, 'completed');
  });

  t.test(`[${gateway}] a completion whose form values leave the decision no flow keeps the task open`, async (t) => {
    const app = await startApp(t, { processesDir: tempDir(t) });
    t.equal((await app.call('POST', '/definitions', ADMIN_TOKEN, diagram('tanpa-jalur', gateway, 'task'), xmlHeaders)).statusCode, 201);
    const started = await app.call('POST', '/definitions/tanpa-jalur/instances', ADMIN_TOKEN, { variables: { hadir: false } });
    t.equal(started.statusCode, 201, started.body);
    const instanceId = started.json().id as string;
    const task = (await app.call('GET', `/tasks?instanceId=${instanceId}`, ADMIN_TOKEN)).json().items[0];
    const eventsBefore = (await app.call('GET', `/audit/instances/${instanceId}`, ADMIN_TOKEN)).json().events.length;

    const refused = await app.call('POST', `/tasks/${task.id}/complete`, ADMIN_TOKEN, { documents: [], output: [], variables: { skor: 80 } });
    t.equal(refused.statusCode, 422, refused.body);
    t.match(refused.json(), { code: 'SOP_ERR_NO_PATH', details: { elementId: 'putuskan', variables: ['skor', 'hadir'] } });
    t.match((await app.call('GET', `/tasks/${task.id}`, ADMIN_TOKEN)).json(), { status: 'open' });
    t.equal((await app.call('GET', `/audit/instances/${instanceId}`, ADMIN_TOKEN)).json().events.length, eventsBefore, 'no audit event');

    const done = await app.call('POST', `/tasks/${task.id}/complete`, ADMIN_TOKEN, { documents: [], output: [], variables: { skor: 10 } });
    t.equal(done.statusCode, 200, done.body);
    t.match((await app.call('GET', `/instances/${instanceId}`, ADMIN_TOKEN)).json(), { status: 'completed' });
  });
}
