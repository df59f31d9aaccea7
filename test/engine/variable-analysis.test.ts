// The deploy-time variable analysis: what each expression reads against what can be set before it on some path.
import t from 'tap';
import type { ModdleElement } from 'bpmn-moddle';
import { parseBpmn } from '../../src/engine/bpmn-parser.js';
import { analyseVariables, type AnalysisOptions } from '../../src/engine/variable-analysis.js';
import { FORM_FIELD_READERS, formFieldsOf, sopFormFields } from '../../src/engine/form-fields.js';
import { MAX_COMBINATIONS } from '../../src/engine/decision-coverage.js';

const NS = [
  'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"',
  'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"',
  'xmlns:sop="urn:sop-bpmn:1.0"',
  'xmlns:camunda="http://camunda.org/schema/1.0/bpmn"',
  'xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"',
].join(' ');

async function analyse(body: string, options?: AnalysisOptions) {
  const parsed = await parseBpmn(`<?xml version="1.0"?><bpmn:definitions ${NS} id="d" targetNamespace="x"><bpmn:process id="p" isExecutable="true">${body}</bpmn:process></bpmn:definitions>`);
  const process = (parsed.definitions.rootElements as ModdleElement[]).find((e) => e.$type === 'bpmn:Process') as ModdleElement;
  return analyseVariables(parsed.definitions, process, options);
}

const form = (...fields: string[]) => `<bpmn:extensionElements><sop:form>${fields.join('')}</sop:form></bpmn:extensionElements>`;
const field = (name: string, type = 'string', extra = '', options: string[] = []) =>
  `<sop:field name="${name}" type="${type}" label="${name}"${extra}>${options.map((o) => `<sop:option value="${o}"/>`).join('')}</sop:field>`;
const cond = (text: string) => `<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${text}</bpmn:conditionExpression>`;
const flow = (id: string, from: string, to: string, condition?: string) => `<bpmn:sequenceFlow id="${id}" sourceRef="${from}" targetRef="${to}">${condition ? cond(condition) : ''}</bpmn:sequenceFlow>`;

/** start → task `isi` with `fields` → gateway `g` (default `lain`) → `ya` with `condition` → end. */
const gated = (fields: string, condition: string, before = '') => `<bpmn:startEvent id="s"/>${before || flow('f0', 's', 'isi')}
<bpmn:userTask id="isi">${form(fields)}</bpmn:userTask>${flow('f1', 'isi', 'g')}
<bpmn:exclusiveGateway id="g" default="lain"/>${flow('ya', 'g', 'e', condition)}${flow('lain', 'g', 'e')}<bpmn:endEvent id="e"/>`;

t.test('a misspelt read is refused naming the flow, the variable and the field; an unknown one is a warning', async (t) => {
  const misspelt = await analyse(gated(field('keputusan', 'enum', ' required="true"', ['setuju', 'tolak']), "${keputusn == 'setuju'}"));
  t.same(misspelt.problems, [{ elementId: 'ya', message: "condition reads 'keputusn', which nothing in the diagram sets: did you mean 'keputusan' (set by isi)?" }]);
  const unknown = await analyse(gated(field('keputusan'), '${jumlah > 3}'));
  t.same(unknown.problems, []);
  t.same(unknown.warnings, [{ elementId: 'ya', message: "condition reads 'jumlah', which nothing in the diagram sets: it must come with the case's start variables" }]);
  const feel = await analyse(gated(field('keputusan'), '= keputusn = "setuju"'));
  t.match(feel.problems, [{ elementId: 'ya', message: /reads 'keputusn'.*did you mean 'keputusan'/ }], 'FEEL reads are checked the same way');
});

t.test('a read of a name set only after it is a warning naming who sets it', async (t) => {
  const result = await analyse(`<bpmn:startEvent id="s"/>${flow('f0', 's', 'g')}<bpmn:exclusiveGateway id="g" default="lain"/>
    ${flow('ya', 'g', 'isi', "${hasil == 'ok'}")}${flow('lain', 'g', 'isi')}<bpmn:userTask id="isi">${form(field('hasil'))}</bpmn:userTask>${flow('f2', 'isi', 'e')}<bpmn:endEvent id="e"/>`);
  t.same(result.problems, []);
  t.same(result.warnings, [{ elementId: 'ya', message: "condition reads 'hasil', which only isi sets, on no path before it" }]);
});

t.test('what sets variables: start forms, initiators, outputs, call activities, loops', async (t) => {
  const start = await analyse(gated(field('x'), "${pemohon != null && jenis == 'a'}", `${flow('f0', 's', 'isi')}`).replace('<bpmn:startEvent id="s"/>', `<bpmn:startEvent id="s" camunda:initiator="pemohon">${form(field('jenis'))}</bpmn:startEvent>`));
  t.same([start.problems, start.warnings], [[], []], "a start event's form and camunda:initiator set variables");

  const outputs = await analyse(`<bpmn:startEvent id="s"/>${flow('f0', 's', 'c7')}
    <bpmn:serviceTask id="c7"><bpmn:extensionElements><camunda:inputOutput><camunda:outputParameter name="skor">\${x}</camunda:outputParameter></camunda:inputOutput></bpmn:extensionElements></bpmn:serviceTask>${flow('f1', 'c7', 'c8')}
    <bpmn:serviceTask id="c8"><bpmn:extensionElements><zeebe:ioMapping><zeebe:output source="=y" target="nilai"/></zeebe:ioMapping></bpmn:extensionElements></bpmn:serviceTask>${flow('f2', 'c8', 'g')}
    <bpmn:exclusiveGateway id="g" default="lain"/>${flow('ya', 'g', 'e', '${skorr > 1 && nilai > 2}')}${flow('lain', 'g', 'e')}<bpmn:endEvent id="e"/>`);
  t.same(outputs.problems, [{ elementId: 'ya', message: "condition reads 'skorr', which nothing in the diagram sets: did you mean 'skor' (set by c7)?" }], 'camunda:outputParameter and zeebe:output declare outputs');
  t.same(outputs.warnings, []);

  const call = await analyse(`<bpmn:startEvent id="s"/>${flow('f0', 's', 'panggil')}
    <bpmn:callActivity id="panggil" calledElement="anak"><bpmn:extensionElements><camunda:in source="nomor" target="n"/><camunda:in sourceExpression="\${jenis}" target="j"/><camunda:out source="hasil" target="hasilAnak"/></bpmn:extensionElements></bpmn:callActivity>
    ${flow('f1', 'panggil', 'g')}<bpmn:exclusiveGateway id="g" default="lain"/>${flow('ya', 'g', 'e', "${hasilAnak == 'ok'}")}${flow('lain', 'g', 'e')}<bpmn:endEvent id="e"/>`);
  t.same(call.problems, []);
  t.same(
    call.warnings.map((w) => w.message),
    [
      "input mapping reads 'nomor', which nothing in the diagram sets: it must come with the case's start variables",
      "input of j reads 'jenis', which nothing in the diagram sets: it must come with the case's start variables",
    ],
    "a call's out mapping sets its target; its inputs are reads",
  );

  const loop = await analyse(`<bpmn:startEvent id="s"/>${flow('f0', 's', 'nilai')}
    <bpmn:userTask id="nilai">${form(field('skor', 'number', '', []), `<sop:field name="pilih" type="enum" label="p"><sop:option value="a" when="\${penilai != null}"/></sop:field>`)}
      <bpmn:multiInstanceLoopCharacteristics camunda:collection="\${daftar}" camunda:elementVariable="penilai"><bpmn:completionCondition>\${nrOfCompletedInstances &gt;= 2 || skor &gt; 90 || loopCounter == 3}</bpmn:completionCondition></bpmn:multiInstanceLoopCharacteristics>
    </bpmn:userTask>${flow('f1', 'nilai', 'ulang')}
    <bpmn:userTask id="ulang">${form(field('lagi', 'boolean'))}<bpmn:standardLoopCharacteristics><bpmn:loopCondition>= lagi</bpmn:loopCondition></bpmn:standardLoopCharacteristics></bpmn:userTask>${flow('f2', 'ulang', 'e')}<bpmn:endEvent id="e"/>`);
  t.same(loop.problems, []);
  t.same(loop.warnings, [{ elementId: 'nilai', message: "collection reads 'daftar', which nothing in the diagram sets: it must come with the case's start variables" }], "loop variables, the element variable and the task's own fields at its end are known");
});

t.test('elements that may set unnamed variables make a misspelling a warning', async (t) => {
  const before = `${flow('f0', 's', 'kerja')}<bpmn:serviceTask id="kerja"/>${flow('f0b', 'kerja', 'isi')}`;
  const result = await analyse(gated(field('keputusan'), "${keputusn == 'setuju'}", before));
  t.same(result.problems, []);
  t.match(result.warnings, [{ elementId: 'ya', message: /did you mean 'keputusan' \(set by isi\)\? \(unless an element before it that sets unnamed variables sets it\)/ }]);
});

t.test('paths through sub-processes, boundary events, links and event sub-processes', async (t) => {
  const result = await analyse(`<bpmn:startEvent id="s"/>${flow('f0', 's', 'sub')}
    <bpmn:subProcess id="sub"><bpmn:startEvent id="ss"/>${flow('sf0', 'ss', 'dalam')}<bpmn:userTask id="dalam">${form(field('catatan'))}</bpmn:userTask>${flow('sf1', 'dalam', 'se')}<bpmn:endEvent id="se"/></bpmn:subProcess>
    ${flow('f1', 'sub', 'g')}<bpmn:exclusiveGateway id="g" default="lain"/>${flow('ya', 'g', 'lempar', "${catatan == 'x'}")}${flow('lain', 'g', 'lempar')}
    <bpmn:intermediateThrowEvent id="lempar"><bpmn:linkEventDefinition name="L"/></bpmn:intermediateThrowEvent>
    <bpmn:intermediateCatchEvent id="tangkap"><bpmn:linkEventDefinition name="L"/></bpmn:intermediateCatchEvent>${flow('f2', 'tangkap', 'tugas')}
    <bpmn:userTask id="tugas">${form(field('pilihan', 'enum', '', ['a']))}</bpmn:userTask>${flow('f3', 'tugas', 'g2')}
    <bpmn:boundaryEvent id="batas" attachedToRef="tugas"><bpmn:errorEventDefinition/></bpmn:boundaryEvent>${flow('f4', 'batas', 'g2', "${pilihan == 'a' &amp;&amp; catatan != ''}")}
    <bpmn:exclusiveGateway id="g2" default="akhir"/>${flow('akhir', 'g2', 'e')}${flow('g2x', 'g2', 'e', "${pilihan == 'a'}")}<bpmn:endEvent id="e"/>
    <bpmn:subProcess id="pemicu" triggeredByEvent="true"><bpmn:startEvent id="ps"><bpmn:escalationEventDefinition/></bpmn:startEvent>${flow('pf0', 'ps', 'pe', "${pilihan == 'a'}")}<bpmn:endEvent id="pe"/></bpmn:subProcess>`);
  t.same([result.problems, result.warnings], [[], []], 'every read is set on some path before it');
});

t.test('a comparison with a literal of another type than its field is a warning naming both', async (t) => {
  const cases: Array<[string, string, RegExp | undefined]> = [
    [field('setuju', 'boolean', ' required="true"'), "${setuju == 'true'}", /compares boolean field 'setuju' \(set by isi\) with the string 'true': EL converts the string to a boolean as Camunda does .*; compare with true instead/],
    [field('setuju', 'boolean', ' required="true"'), "${setuju == 'ya'}", /compare with true or false instead/],
    [field('jumlah', 'number'), "${jumlah > '10'}", /compares number field 'jumlah' \(set by isi\) with the string '10': EL converts the string to a number/],
    [field('kode'), '${kode == 7}', /compares string field 'kode' \(set by isi\) with the number 7: EL converts the text to a number/],
    [field('setuju', 'boolean', ' required="true"'), '= setuju = "true"', /FEEL does not convert types, so the comparison is never true/],
    [field('pilihan', 'enum', ' required="true"', ['a', 'b']), "${pilihan == 'c'}", /compares enum field 'pilihan' \(set by isi\) with the string 'c', which is none of its options \(a, b\)/],
    [field('pilihan', 'enum', ' required="true"', ['a', 'b']), "${pilihan == 'a'}", undefined],
    [field('n', 'number'), '${n == null}', undefined],
  ];
  for (const [fields, condition, message] of cases) {
    const { warnings } = await analyse(gated(fields, condition));
    if (message) t.match(warnings, [{ elementId: 'ya', message }], condition);
    else t.same(warnings, [], condition);
  }
  const twoKinds = await analyse(`<bpmn:startEvent id="s">${form(field('x', 'number'))}</bpmn:startEvent>${gated(field('x', 'boolean'), "${x == 'true'}").replace('<bpmn:startEvent id="s"/>', '')}`);
  t.same(twoKinds.warnings, [], 'a name two fields declare with different types has no one type');
});

t.test('a decision some values leave without a flow is a warning naming them', async (t) => {
  const decide = (fields: string, yes: string, no: string) => `<bpmn:startEvent id="s"/>${flow('f0', 's', 'isi')}<bpmn:userTask id="isi">${form(fields)}</bpmn:userTask>${flow('f1', 'isi', 'g')}
    <bpmn:exclusiveGateway id="g"/>${flow('ya', 'g', 'e', yes)}${flow('tidak', 'g', 'e', no)}<bpmn:endEvent id="e"/>`;
  const required = ' required="true"';
  const cases: Array<[string, string, string, string | undefined]> = [
    [field('k', 'enum', required, ['a', 'b', 'c']), "${k == 'a'}", "${k == 'b'}", "k = 'c'"],
    [field('k', 'enum', required, ['a', 'b']), "${k == 'a'}", "${k != 'a'}", undefined],
    [field('k', 'enum', '', ['a', 'b']), "${k == 'a'}", "${k == 'b'}", 'k = null'],
    [field('ok', 'boolean', required), '${ok}', '${!ok}', undefined],
    [field('ok', 'boolean', required), '= ok', '= not(ok)', undefined],
    [field('amount', 'number', required), '= amount > 1000', '= amount &lt; 500', 'amount = 999'],
    [field('amount', 'number', required), '${amount > 1000}', '${amount &lt;= 1000}', undefined],
    [field('catatan', 'string', required), "${catatan == 'x'}", "${catatan == 'y'}", 'catatan = (any other text)'],
    [field('jumlah', 'number', required), '= jumlah != null', '= jumlah = null', undefined],
  ];
  for (const [fields, yes, no, gap] of cases) {
    const { warnings } = await analyse(decide(fields, yes, no));
    if (gap) t.match(warnings, [{ elementId: 'g', message: new RegExp(`no flow out of this decision is taken when ${gap.replace(/[()]/g, '\\$&')}:`) }], `${yes} / ${no}`);
    else t.same(warnings, [], `${yes} / ${no}`);
  }
  const general = 'a decision without a default flow stops the instance when no condition holds';
  t.match((await analyse(decide(field('x'), '${true}', '${false}'))).warnings, [{ elementId: 'g', message: general }], 'conditions that read nothing');
  const many = Array.from({ length: 13 }, (_, i) => `v${i}`);
  const wide = await analyse(decide(many.map((n) => field(n, 'boolean', required)).join(''), `\${${many.join(' &amp;&amp; ')}}`, '${v0}'));
  t.ok(2 ** 13 > MAX_COMBINATIONS);
  t.match(wide.warnings, [{ elementId: 'g', message: general }], 'too many combinations to try');
  const withDefault = decide(field('k', 'enum', required, ['a', 'b']), "${k == 'a'}", "${k == 'b'}").replace('<bpmn:exclusiveGateway id="g"/>', '<bpmn:exclusiveGateway id="g" default="tidak"/>');
  t.same((await analyse(withDefault)).warnings, [], 'a default flow takes what is left');
});

t.test('form fields of any kind feed the analysis: a reader in FORM_FIELD_READERS or the fieldsOf option', async (t) => {
  const diagram = gated('', "${keputusn == 'setuju'}");
  t.same((await analyse(diagram)).problems, [], 'no form declares keputusan');
  const reader = (el: ModdleElement) => (el.id === 'isi' ? [{ name: 'keputusan', kind: 'enum' as const, options: ['setuju'], required: true }] : []);
  t.match((await analyse(diagram, { fieldsOf: reader })).problems, [{ elementId: 'ya', message: /did you mean 'keputusan'/ }], 'a form stored beside the diagram, by option');
  FORM_FIELD_READERS.push(reader);
  t.teardown(() => {
    FORM_FIELD_READERS.pop();
  });
  t.match((await analyse(diagram)).problems, [{ elementId: 'ya', message: /did you mean 'keputusan'/ }], 'a form kind the diagram carries, by registry');
  t.equal(formFieldsOf({ id: 'lain', $type: 'bpmn:UserTask' } as unknown as ModdleElement).length, 0);
});

t.test('reads of form options, startsAt, timers and call targets are checked too', async (t) => {
  const result = await analyse(`<bpmn:startEvent id="s"/>${flow('f0', 's', 'isi')}
    <bpmn:userTask id="isi"><bpmn:extensionElements><sop:mutuBaku step="1" startsAt="jadwall"/><sop:form><sop:field name="jadwal" type="datetime" label="j"/></sop:form></bpmn:extensionElements></bpmn:userTask>
    ${flow('f1', 'isi', 'tunggu')}<bpmn:intermediateCatchEvent id="tunggu"><bpmn:timerEventDefinition><bpmn:timeDate xsi:type="bpmn:tFormalExpression">= jadwal</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
    ${flow('f2', 'tunggu', 'panggil')}<bpmn:callActivity id="panggil" calledElement="\${tujuan}"/>${flow('f3', 'panggil', 'e')}<bpmn:endEvent id="e"/>`);
  t.same(result.problems, [{ elementId: 'isi', message: "startsAt reads 'jadwall', which nothing in the diagram sets: did you mean 'jadwal' (set by isi)?" }]);
  t.match(result.warnings, [{ elementId: 'panggil', message: /calledElement reads 'tujuan'/ }], 'the timer reads jadwal, set before it');
});

t.test("Camunda 8's multi-instance: inputCollection is read, inputElement known inside, outputCollection set after", async (t) => {
  const result = await analyse(`<bpmn:startEvent id="s">${form(field('daftar'))}</bpmn:startEvent>${flow('f0', 's', 'nilai')}
    <bpmn:userTask id="nilai"><bpmn:extensionElements><sop:form><sop:field name="pilih" type="enum" label="p"><sop:option value="a" when="= penilai != null"/></sop:field></sop:form></bpmn:extensionElements>
      <bpmn:multiInstanceLoopCharacteristics><bpmn:extensionElements><zeebe:loopCharacteristics inputCollection="= daftar" inputElement="penilai" outputCollection="hasil" outputElement="= pilih"/></bpmn:extensionElements></bpmn:multiInstanceLoopCharacteristics>
    </bpmn:userTask>${flow('f1', 'nilai', 'g')}<bpmn:exclusiveGateway id="g" default="lain"/>${flow('ya', 'g', 'e', '= count(hasil) > 1 and count(dafftar) > 0')}${flow('lain', 'g', 'e')}<bpmn:endEvent id="e"/>`);
  t.same(result.problems, [{ elementId: 'ya', message: "condition reads 'dafftar', which nothing in the diagram sets: did you mean 'daftar' (set by s)?" }]);
  t.same(result.warnings, []);
});

t.test('sop:form fields as the analysis reads them', async (t) => {
  const parsed = await parseBpmn(`<?xml version="1.0"?><bpmn:definitions ${NS} id="d" targetNamespace="x"><bpmn:process id="p" isExecutable="true">
    <bpmn:userTask id="u">${form('<sop:field name="a"/>', '<sop:field name="b" type="aneh"/>', '<sop:field name="c" type="enum" required="true"><sop:option/></sop:field>', field('d', 'datetime'))}</bpmn:userTask></bpmn:process></bpmn:definitions>`);
  t.same(sopFormFields(parsed.elementsById.u as ModdleElement), [
    { name: 'a', kind: 'string', required: false },
    { name: 'b', kind: 'any', required: false },
    { name: 'c', kind: 'enum', required: true, options: [''] },
    { name: 'd', kind: 'date', required: false },
  ]);
});

t.test('decisions: values of optional and untyped variables, and gateways that are no decision', async (t) => {
  const decide = (fields: string, yes: string, no: string, extra = '') => `<bpmn:startEvent id="s"/>${flow('f0', 's', 'isi')}<bpmn:userTask id="isi">${form(fields)}</bpmn:userTask>${flow('f1', 'isi', 'g')}
    <bpmn:exclusiveGateway id="g"/>${flow('ya', 'g', 'e', yes)}${flow('tidak', 'g', 'e', no)}${extra}<bpmn:endEvent id="e"/>`;
  t.same((await analyse(decide(field('n', 'number', ' required="true"'), '= n = null', '= n != null'))).warnings, [], 'a number field never compared with a number is tried at 0');
  t.match((await analyse(decide(field('x'), '${mulai}', '${!mulai}'))).warnings, [{ elementId: 'ya', message: /reads 'mulai'/ }], 'an untyped read is tried true and false');
  t.same((await analyse(decide(field('x'), '${mulai}', '${!mulai}'))).warnings.filter((w) => w.elementId === 'g'), []);
  t.match((await analyse(decide(field('n', 'number'), '${n > 1}', '${n &lt;= 1}'))).warnings, [{ elementId: 'g', message: /when n = null/ }], 'an optional field may stay unset');
  const third = `<bpmn:sequenceFlow id="ketiga" sourceRef="g" targetRef="e"/>`;
  t.same((await analyse(decide(field('x', 'string', ' required="true"'), "${x == 'a'}", "${x == 'b'}", third))).warnings.filter((w) => w.elementId === 'g'), [], 'a flow without a condition is the lockdown\u2019s to refuse');
  const single = `<bpmn:startEvent id="s"/>${flow('f0', 's', 'g')}<bpmn:exclusiveGateway id="g"/>${flow('ya', 'g', 'e', '${true}')}<bpmn:endEvent id="e"/>`;
  t.same((await analyse(single)).warnings, [], 'a gateway with one way out decides nothing');
});
