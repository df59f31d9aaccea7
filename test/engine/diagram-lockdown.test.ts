// A diagram that could run code, or that the service could not persist, is refused naming the element.
import t from 'tap';
import { parseBpmn } from '../../src/engine/bpmn-parser.js';
import { lockdown } from '../../src/engine/diagram-lockdown.js';

const wrap = (body: string, extraNs = '') => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:sop="urn:sop-bpmn:1.0" ${extraNs} id="d" targetNamespace="urn:x">
  <bpmn:process id="p" isExecutable="true">${body}</bpmn:process>
</bpmn:definitions>`;

async function problems(xml: string) {
  return lockdown((await parseBpmn(xml)).definitions);
}

t.test('refuses code in every form it can take', async (t) => {
  const cases: Array<[string, string, string, string?]> = [
    ['script task', '<bpmn:scriptTask id="st" scriptFormat="javascript"><bpmn:script>process.exit()</bpmn:script></bpmn:scriptTask>', 'st'],
    [
      'script condition',
      '<bpmn:exclusiveGateway id="g" default="f2"/><bpmn:userTask id="u"/><bpmn:sequenceFlow id="f1" sourceRef="g" targetRef="u"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression" language="javascript">next(null, true)</bpmn:conditionExpression></bpmn:sequenceFlow><bpmn:sequenceFlow id="f2" sourceRef="g" targetRef="u"/>',
      'f1',
    ],
    [
      'constructor escape in a condition',
      `<bpmn:exclusiveGateway id="g" default="f2"/><bpmn:userTask id="u"/><bpmn:sequenceFlow id="f1" sourceRef="g" targetRef="u"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">\${this.constructor.constructor('return process')()}</bpmn:conditionExpression></bpmn:sequenceFlow><bpmn:sequenceFlow id="f2" sourceRef="g" targetRef="u"/>`,
      'f1',
    ],
    ['expression in a name', `<bpmn:userTask id="u" name="\${x.__proto__}"/>`, 'u'],
    [
      'camunda script in an input mapping',
      '<bpmn:userTask id="u"><bpmn:extensionElements><camunda:inputOutput><camunda:inputParameter name="x"><camunda:script scriptFormat="javascript">x</camunda:script></camunda:inputParameter></camunda:inputOutput></bpmn:extensionElements></bpmn:userTask>',
      'u',
      'xmlns:camunda="http://camunda.org/schema/1.0/bpmn"',
    ],
    ['java delegate', '<bpmn:userTask id="u" camunda:class="org.Evil"/>', 'u', 'xmlns:camunda="http://camunda.org/schema/1.0/bpmn"'],
    ['typed java delegate under another prefix', '<bpmn:sendTask id="snd" cam:delegateExpression="${bean}"/>', 'snd', 'xmlns:cam="http://camunda.org/schema/1.0/bpmn"'],
    ['service task', '<bpmn:serviceTask id="svc"/>', 'svc'],
    ['multi-instance task', '<bpmn:userTask id="mi"><bpmn:multiInstanceLoopCharacteristics isSequential="true"/></bpmn:userTask>', 'mi'],
    ['message event', '<bpmn:intermediateCatchEvent id="m"><bpmn:messageEventDefinition id="md"/></bpmn:intermediateCatchEvent>', 'm'],
    ['bad form field name', '<bpmn:userTask id="u"><bpmn:extensionElements><sop:form><sop:field name="__proto__" type="string"/></sop:form></bpmn:extensionElements></bpmn:userTask>', 'u'],
    ['flow without condition out of a decision', '<bpmn:exclusiveGateway id="g" default="a"/><bpmn:userTask id="u"/><bpmn:sequenceFlow id="a" sourceRef="g" targetRef="u"/><bpmn:sequenceFlow id="b" sourceRef="g" targetRef="u"/>', 'b'],
  ];
  for (const [what, body, elementId, ns] of cases) {
    const { problems: found } = await problems(wrap(body, ns));
    t.ok(found.some((p) => p.elementId === elementId), `${what} names ${elementId}: ${JSON.stringify(found)}`);
  }
});

t.test('a listener of any vendor is ignored with a warning, its content unread: it is never run', async (t) => {
  const flowable = await problems(
    wrap('<bpmn:userTask id="u"><bpmn:extensionElements><flowable:taskListener event="create" class="org.Evil"/></bpmn:extensionElements></bpmn:userTask>', 'xmlns:flowable="http://flowable.org/bpmn"'),
  );
  t.same(flowable.problems, []);
  t.match(flowable.warnings, [{ elementId: 'u', message: /flowable:taskListener is ignored: listeners are not run/ }]);
  const camunda = await problems(
    wrap('<bpmn:userTask id="u"><bpmn:extensionElements><camunda:executionListener event="start"><camunda:script scriptFormat="javascript">x</camunda:script></camunda:executionListener></bpmn:extensionElements></bpmn:userTask>', 'xmlns:camunda="http://camunda.org/schema/1.0/bpmn"'),
  );
  t.same(camunda.problems, [], 'camunda-attributes.ts names it among what is read but not honoured');
});

t.test('accepts reads and comparisons; leaves decisions without a default to the variable analysis', async (t) => {
  const ok = await problems(
    wrap(
      `<bpmn:startEvent id="s"/><bpmn:exclusiveGateway id="g"/><bpmn:userTask id="u"/><bpmn:endEvent id="e"/>
       <bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="g"/>
       <bpmn:sequenceFlow id="f1" sourceRef="g" targetRef="u"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">\${a == 'x'}</bpmn:conditionExpression></bpmn:sequenceFlow>
       <bpmn:sequenceFlow id="f2" sourceRef="g" targetRef="e"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">\${a != 'x'}</bpmn:conditionExpression></bpmn:sequenceFlow>`,
    ),
  );
  t.same(ok.problems, []);
  // a == 'x' and a != 'x' leave no value without a flow: decision-coverage.ts says so, not a general warning.
  t.same(ok.warnings, []);
});

t.test('refuses hostile or broken XML before parsing', async (t) => {
  await t.rejects(parseBpmn('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'), { code: 'SOP_ERR_INVALID_BPMN' });
  await t.rejects(parseBpmn('<not-closed'), { code: 'SOP_ERR_INVALID_BPMN' });
  await t.rejects(parseBpmn('<?xml version="1.0"?><bpmn:process xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="p"/>'), { code: 'SOP_ERR_INVALID_BPMN' });
  const none = await problems(wrap('').replace('isExecutable="true"', 'isExecutable="false"'));
  t.match(none.problems, [{ elementId: 'p', message: /no executable process/ }]);
});

t.test('warns, naming each flow, that conditions out of a parallel gateway are ignored', async (t) => {
  const result = await problems(
    wrap(
      `<bpmn:startEvent id="s"/><bpmn:parallelGateway id="fork"/><bpmn:userTask id="a"/><bpmn:userTask id="b"/><bpmn:userTask id="c"/>
       <bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="fork"/>
       <bpmn:sequenceFlow id="fa" sourceRef="fork" targetRef="a"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">\${x == 1}</bpmn:conditionExpression></bpmn:sequenceFlow>
       <bpmn:sequenceFlow id="fb" sourceRef="fork" targetRef="b"/>
       <bpmn:sequenceFlow id="fc" sourceRef="fork" targetRef="c"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">\${x == 2}</bpmn:conditionExpression></bpmn:sequenceFlow>`,
    ),
  );
  t.same(result.problems, [], 'a warning, not a problem: the diagram still deploys');
  const message = 'condition ignored: a parallel gateway takes every outgoing flow';
  t.same(result.warnings, [
    { elementId: 'fa', message },
    { elementId: 'fc', message },
  ]);
});

t.test('a faulty condition is one problem, not a second one worded as a template', async (t) => {
  const flow = (condition: string) =>
    `<bpmn:exclusiveGateway id="g" default="f2"/><bpmn:userTask id="u"/><bpmn:sequenceFlow id="f1" sourceRef="g" targetRef="u"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${condition}</bpmn:conditionExpression></bpmn:sequenceFlow><bpmn:sequenceFlow id="f2" sourceRef="g" targetRef="u"/>`;
  for (const [condition, message] of [
    ["${ok == 'ya' && foo()}", 'condition refused: function calls are not allowed'],
    ["${ok = 'ya'}", "condition refused: unexpected character '='"],
    ['${constructor}', "condition refused: 'constructor' may not be read"],
  ] as const) {
    const found = (await problems(wrap(flow(condition)))).problems.filter((p) => p.elementId === 'f1');
    t.same(found.map((p) => p.message), [message], condition);
  }
  // A condition's other strings are still read as templates.
  const named = (await problems(wrap(flow("${ok == 'ya'}").replace('<bpmn:sequenceFlow id="f1"', '<bpmn:sequenceFlow id="f1" name="${x.__proto__}"')))).problems;
  t.match(named, [{ elementId: 'f1', message: /expression \$\{x\.__proto__\} refused/ }]);
});

t.test('FEEL: conditions, loops and formal expressions must parse and stay in the sandbox, naming the element', async (t) => {
  const result = await problems(
    wrap(`<bpmn:startEvent id="s"/><bpmn:exclusiveGateway id="g" default="f2"/><bpmn:endEvent id="e"/>
      <bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="g"/>
      <bpmn:sequenceFlow id="f1" sourceRef="g" targetRef="u"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">= a &gt; 1</bpmn:conditionExpression></bpmn:sequenceFlow>
      <bpmn:sequenceFlow id="f2" sourceRef="g" targetRef="e"/>
      <bpmn:userTask id="u"><bpmn:multiInstanceLoopCharacteristics><bpmn:loopCardinality>= for i in 1..9 return i</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics></bpmn:userTask>
      <bpmn:userTask id="v"><bpmn:multiInstanceLoopCharacteristics><bpmn:loopCardinality>tiga</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics></bpmn:userTask>
      <bpmn:intermediateCatchEvent id="tunggu"><bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">= duration(</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>`),
  );
  const about = (id: string) => result.problems.filter((p) => p.elementId === id).map((p) => p.message);
  t.same(about('f1'), [], 'a FEEL condition is accepted');
  t.match(about('u'), [/^loop refused: expression = for i in 1\.\.9 return i refused: FEEL iteration over a range/]);
  t.match(about('v'), [/^loop refused: must be a number, one \$\{…\} or one =FEEL expression$/]);
  t.match(about('tunggu'), [/^expression = duration\( refused: FEEL syntax error/]);
});
