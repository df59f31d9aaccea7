// Which service, send and business-rule tasks deploy as external tasks (Camunda 7 camunda:type="external" and topic,
// Camunda 8 zeebe:taskDefinition) and why every other one is refused, naming the element.
import t from 'tap';
import { parseBpmn } from '../../src/engine/bpmn-parser.js';
import { lockdown } from '../../src/engine/diagram-lockdown.js';
import { readExternalTasks } from '../../src/engine/external-task-definitions.js';
import { readCamundaAttributes } from '../../src/engine/camunda-attributes.js';
import type { ModdleElement } from 'bpmn-moddle';

const NS = 'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"';
const wrap = (body: string) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" ${NS} id="d" targetNamespace="urn:x">
  <bpmn:process id="p" isExecutable="true"><bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="x"/>${body}<bpmn:sequenceFlow id="f2" sourceRef="x" targetRef="e"/><bpmn:endEvent id="e"/></bpmn:process>
</bpmn:definitions>`;

async function read(body: string) {
  const parsed = await parseBpmn(wrap(body));
  const process = (parsed.definitions.rootElements as ModdleElement[]).find((e) => e.$type === 'bpmn:Process') as ModdleElement;
  return { ...readExternalTasks(parsed.elementsById), lockdown: lockdown(parsed.definitions), camunda: readCamundaAttributes(parsed.definitions, process) };
}

t.test('accepted: Camunda 7 external tasks and Camunda 8 task definitions, with their priority and retries', async (t) => {
  const c7 = await read('<bpmn:serviceTask id="x" name="Kirim" camunda:type="external" camunda:topic="notify.email" camunda:taskPriority="7"><bpmn:extensionElements><camunda:properties><camunda:property name="recipients" value="starter"/></camunda:properties></bpmn:extensionElements></bpmn:serviceTask>');
  t.same(c7.tasks, { x: { elementId: 'x', name: 'Kirim', topic: 'notify.email', priority: 7, retries: null, properties: { recipients: 'starter' } } });
  t.same(c7.lockdown.problems, []);
  t.same(c7.camunda.warnings, [], 'type, topic and taskPriority are honoured, not warned of');
  const send = await read('<bpmn:sendTask id="x" camunda:type="external" camunda:topic="kirim"/>');
  t.same(send.tasks.x, { elementId: 'x', name: 'x', topic: 'kirim', priority: 0, retries: null, properties: {} });
  const c8 = await read('<bpmn:businessRuleTask id="x"><bpmn:extensionElements><zeebe:taskDefinition type="hitung-skor" retries="5"/><zeebe:properties><zeebe:property name="variables" value="a, b"/></zeebe:properties></bpmn:extensionElements></bpmn:businessRuleTask>');
  t.same(c8.tasks.x, { elementId: 'x', name: 'x', topic: 'hitung-skor', priority: 0, retries: 5, properties: { variables: 'a, b' } });
  t.same(c8.lockdown.problems, []);
  t.same(c8.camunda.warnings, [], 'zeebe:taskDefinition is honoured');
});

t.test('refused, naming the element and why', async (t) => {
  const cases: Array<[string, string, RegExp]> = [
    ['no implementation', '<bpmn:serviceTask id="x"/>', /a service task runs here only as an external task/],
    ['a Java class', '<bpmn:serviceTask id="x" camunda:class="org.Evil"/>', /camunda:class is not allowed|runs here only as an external task/],
    ['an expression', '<bpmn:sendTask id="x" camunda:expression="${bean.send()}"/>', /runs here only as an external task|not allowed/],
    ['a delegate expression', '<bpmn:serviceTask id="x" camunda:delegateExpression="${bean}"/>', /not allowed/],
    ['a connector', '<bpmn:serviceTask id="x"><bpmn:extensionElements><camunda:connector><camunda:connectorId>http-connector</camunda:connectorId></camunda:connector></bpmn:extensionElements></bpmn:serviceTask>', /connectors \(camunda:connector\) are not run here/],
    ['a DMN decision', '<bpmn:businessRuleTask id="x" camunda:decisionRef="skor"/>', /DMN decisions \(camunda:decisionRef\) are not evaluated here/],
    ['a Camunda 8 DMN decision', '<bpmn:businessRuleTask id="x"><bpmn:extensionElements><zeebe:calledDecision decisionId="skor" resultVariable="r"/></bpmn:extensionElements></bpmn:businessRuleTask>', /zeebe:calledDecision/],
    ['an empty topic', '<bpmn:serviceTask id="x" camunda:type="external" camunda:topic=" "/>', /camunda:topic is empty/],
    ['a computed topic', '<bpmn:serviceTask id="x" camunda:type="external" camunda:topic="${t}"/>', /must be a literal topic name/],
    ['a long topic', `<bpmn:serviceTask id="x" camunda:type="external" camunda:topic="${'t'.repeat(201)}"/>`, /longer than 200 characters/],
    ['a bad priority', '<bpmn:serviceTask id="x" camunda:type="external" camunda:topic="a" camunda:taskPriority="${p}"/>', /camunda:taskPriority must be a whole number/],
    ['an empty job type', '<bpmn:serviceTask id="x"><bpmn:extensionElements><zeebe:taskDefinition type=""/></bpmn:extensionElements></bpmn:serviceTask>', /zeebe:taskDefinition type is empty/],
    ['bad retries', '<bpmn:serviceTask id="x"><bpmn:extensionElements><zeebe:taskDefinition type="a" retries="tiga"/></bpmn:extensionElements></bpmn:serviceTask>', /retries must be a whole number/],
    ['a loop', '<bpmn:serviceTask id="x" camunda:type="external" camunda:topic="a"><bpmn:multiInstanceLoopCharacteristics><bpmn:loopCardinality>2</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics></bpmn:serviceTask>', /only tasks people do and sub-processes may loop/],
  ];
  for (const [what, body, reason] of cases) {
    const { lockdown: result } = await read(body);
    t.ok(result.problems.some((p) => p.elementId === 'x' && reason.test(p.message)), `${what}: ${JSON.stringify(result.problems)}`);
  }
});
