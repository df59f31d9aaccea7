// Expressions through the API: deploy refuses a condition reading a misspelt field and warns about type mismatches
// and decisions some values leave without a flow; JUEL compares with EL's coercion and FEEL conditions route, both as
// Camunda would; a FEEL expression cannot leave its sandbox; a diagram the same but for layout makes no new version.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { ADMIN_TOKEN, REPO_PROCESSES, startApp, tempDir, testDatabases, type TestApp } from '../helpers/app.js';

const xmlHeaders = { 'content-type': 'application/xml' };

interface Decision {
  key: string;
  fields: string;
  /** The condition of flow `ya` (to task `diterima`), as XML text. */
  yes: string;
  /** The condition of flow `tidak` (to task `ditolak`); without one, `tidak` is the gateway's default. */
  no?: string;
}

/** Start → task `isi` with a form → decision `putuskan` → `ya` to `diterima` or `tidak` to `ditolak`. */
function decision({ key, fields, yes, no }: Decision): string {
  const condition = (text: string) => `<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${text}</bpmn:conditionExpression>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:sop="urn:sop-bpmn:1.0" id="d" targetNamespace="urn:x">
<bpmn:process id="${key}" isExecutable="true">
<bpmn:startEvent id="mulai"/><bpmn:sequenceFlow id="f0" sourceRef="mulai" targetRef="isi"/>
<bpmn:userTask id="isi"><bpmn:extensionElements><sop:form>${fields}</sop:form></bpmn:extensionElements></bpmn:userTask>
<bpmn:sequenceFlow id="f1" sourceRef="isi" targetRef="putuskan"/>
<bpmn:exclusiveGateway id="putuskan"${no === undefined ? ' default="tidak"' : ''}/>
<bpmn:sequenceFlow id="ya" sourceRef="putuskan" targetRef="diterima">${condition(yes)}</bpmn:sequenceFlow>
<bpmn:sequenceFlow id="tidak" sourceRef="putuskan" targetRef="ditolak">${no === undefined ? '' : condition(no)}</bpmn:sequenceFlow>
<bpmn:userTask id="diterima"/><bpmn:userTask id="ditolak"/>
<bpmn:sequenceFlow id="f2" sourceRef="diterima" targetRef="selesai"/><bpmn:sequenceFlow id="f3" sourceRef="ditolak" targetRef="selesai"/>
<bpmn:endEvent id="selesai"/>
</bpmn:process></bpmn:definitions>`;
}

const field = (name: string, type: string, options: string[] = []) =>
  `<sop:field name="${name}" type="${type}" label="${name}" required="true">${options.map((o) => `<sop:option value="${o}"/>`).join('')}</sop:field>`;

/** The warnings of a deploy less those about the missing SOP identity and lanes, which these diagrams leave out. */
function expressionWarnings(res: { json(): { warnings: Array<{ elementId: string; message: string }> } }) {
  return res.json().warnings.filter((w) => !/sop:document|sop:actor/.test(w.message));
}

async function deploy(app: TestApp, xml: string) {
  return app.call('POST', '/definitions', ADMIN_TOKEN, xml, xmlHeaders);
}

/** Starts a case, completes `isi` with `values` and answers the element id of the task the decision opened. */
async function route(app: TestApp, key: string, values: Record<string, unknown>): Promise<string> {
  const started = await app.call('POST', `/definitions/${key}/instances`, ADMIN_TOKEN, {});
  const instanceId = started.json().id as string;
  const [task] = (await app.call('GET', `/tasks?instanceId=${instanceId}`, ADMIN_TOKEN)).json().items;
  const done = await app.call('POST', `/tasks/${task.id}/complete`, ADMIN_TOKEN, { documents: [], output: [], variables: values });
  if (done.statusCode !== 200) throw new Error(`complete → ${done.statusCode} ${done.body}`);
  const open = (await app.call('GET', `/tasks?instanceId=${instanceId}`, ADMIN_TOKEN)).json().items;
  return open.map((o: { elementId: string }) => o.elementId).join(',');
}

for (const database of await testDatabases()) {
  t.test(`[${database}] a condition reading a misspelt field is refused, naming the flow, the variable and the field`, async (t) => {
    const app = await startApp(t, { database, processesDir: tempDir(t) });
    const res = await deploy(app, decision({ key: 'salah-ketik', fields: field('keputusan', 'enum', ['setuju', 'tolak']), yes: "${keputusn == 'setuju'}" }));
    t.equal(res.statusCode, 400, res.body);
    t.match(res.json(), {
      code: 'SOP_ERR_INVALID_BPMN',
      details: { problems: [{ elementId: 'ya', message: "condition reads 'keputusn', which nothing in the diagram sets: did you mean 'keputusan' (set by isi)?" }] },
    });
    t.equal((await app.call('GET', '/definitions/salah-ketik', ADMIN_TOKEN)).statusCode, 404, 'nothing was deployed');
    const fixed = await deploy(app, decision({ key: 'salah-ketik', fields: field('keputusan', 'enum', ['setuju', 'tolak']), yes: "${keputusan == 'setuju'}" }));
    t.equal(fixed.statusCode, 201, fixed.body);
    t.same(expressionWarnings(fixed), [], 'the corrected diagram deploys without a word');
  });

  t.test(`[${database}] the same diagram but for namespace and attribute order and blanks is the same version; a moved shape is not`, async (t) => {
    const app = await startApp(t, { database, processesDir: tempDir(t) });
    const xml = fs.readFileSync(path.join(REPO_PROCESSES, 'ipdn-terapi.bpmn'), 'utf8');
    const first = await deploy(app, xml);
    t.equal(first.statusCode, 201, first.body);
    const reordered = xml
      .replace(/<bpmn:definitions ([^>]*)>/, (_, attrs: string) => `<bpmn:definitions\n    ${attrs.trim().split(/\s+(?=[\w:]+=)/).reverse().join('\n    ')}>`)
      .replace(/<bpmn:sequenceFlow id="([^"]+)" sourceRef="([^"]+)" targetRef="([^"]+)"/g, '<bpmn:sequenceFlow  targetRef="$3" sourceRef="$2"   id="$1"')
      .replace(/>\s+</g, '>\n\t<');
    t.not(reordered, xml);
    const same = await deploy(app, reordered);
    t.equal(same.statusCode, 200, same.body);
    t.same(same.json().definitions, [{ key: 'ipdn-terapi', version: 1 }]);
    const moved = xml.replace(/(<dc:Bounds x=")(\d+)/, (_, prefix: string, x: string) => `${prefix}${Number(x) + 40}`);
    t.not(moved, xml);
    const next = await deploy(app, moved);
    t.equal(next.statusCode, 201, next.body);
    t.same(next.json().definitions, [{ key: 'ipdn-terapi', version: 2 }]);
    t.equal((await deploy(app, xml)).json().definitions[0].version, 3, 'the first layout again is a change from the latest');
    const versions = (await app.call('GET', '/definitions/ipdn-terapi', ADMIN_TOKEN)).json().versions;
    t.equal(versions.length, 3);
  });
}

t.test('a boolean field compared with the string "true" routes as Camunda does, and the deploy warns', async (t) => {
  const app = await startApp(t, { processesDir: tempDir(t) });
  const res = await deploy(app, decision({ key: 'setuju-teks', fields: field('setuju', 'boolean'), yes: "${setuju == 'true'}" }));
  t.equal(res.statusCode, 201, res.body);
  t.match(expressionWarnings(res), [{ elementId: 'ya', message: /compares boolean field 'setuju' \(set by isi\) with the string 'true': EL converts the string to a boolean/ }]);
  t.equal(await route(app, 'setuju-teks', { setuju: true }), 'diterima');
  t.equal(await route(app, 'setuju-teks', { setuju: false }), 'ditolak');
});

t.test('FEEL conditions route: a comparison, a boolean read, string functions', async (t) => {
  const app = await startApp(t, { processesDir: tempDir(t) });
  const fields = field('amount', 'number') + field('approved', 'boolean') + field('nama', 'string');
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['= amount > 1000', { amount: 1500, approved: false, nama: 'x' }, 'diterima'],
    ['= amount > 1000', { amount: 500, approved: true, nama: 'x' }, 'ditolak'],
    ['= approved', { amount: 0, approved: true, nama: 'x' }, 'diterima'],
    ['= approved', { amount: 0, approved: false, nama: 'x' }, 'ditolak'],
    ['= starts with(upper case(nama), "BU") and string length(nama) &lt; 6', { amount: 0, approved: false, nama: 'budi' }, 'diterima'],
    ['= starts with(upper case(nama), "BU") and string length(nama) &lt; 6', { amount: 0, approved: false, nama: 'ani' }, 'ditolak'],
  ];
  for (const [i, [condition, values, expected]] of cases.entries()) {
    const key = `feel-${i}`;
    const deployed = await deploy(app, decision({ key, fields, yes: condition }));
    t.equal(deployed.statusCode, 201, deployed.body);
    t.same(expressionWarnings(deployed), [], `${condition}: no warning`);
    t.equal(await route(app, key, values), expected, `${condition} with ${JSON.stringify(values)}`);
  }
});

t.test('a FEEL expression cannot leave its sandbox: refused at deploy, or null at run time', async (t) => {
  const app = await startApp(t, { processesDir: tempDir(t) });
  const fields = field('nama', 'string');
  const refused: Array<[string, RegExp]> = [
    ['= {f: function(n) f(n)}.f(1)', /function definitions are not allowed/],
    ['= count(for i in 1..1000000000 return i) > 0', /iteration over a range/],
    ['= some a in [nama] satisfies (some b in [nama] satisfies a = b)', /nested FEEL iterations/],
    ['= matches(nama, "(a+)+$")', /matches\(\) needs a literal pattern/],
    ['= matches(nama, nama)', /matches\(\) needs a literal pattern/],
    ['= amount >', /FEEL syntax error/],
  ];
  for (const [i, [condition, message]] of refused.entries()) {
    const res = await deploy(app, decision({ key: `kabur-${i}`, fields, yes: condition }));
    t.equal(res.statusCode, 400, `${condition}: ${res.body}`);
    t.match(res.json().details.problems, [{ elementId: 'ya', message }], condition);
  }
  for (const [i, condition] of ['= nama.constructor != null', '= nama.__proto__ != null', '= get value({}, "constructor") != null', '= context put({}, "__proto__", {a: 1}).a = 1 and {}.a = 1'].entries()) {
    const key = `aman-${i}`;
    const res = await deploy(app, decision({ key, fields, yes: condition }));
    t.equal(res.statusCode, 201, `${condition}: ${res.body}`);
    t.equal(await route(app, key, { nama: 'budi' }), 'ditolak', `${condition} reaches nothing: the default flow is taken`);
  }
  t.equal(({} as Record<string, unknown>).a, undefined, 'no prototype was polluted');
});

t.test('a decision some field values leave without a flow warns, naming the values', async (t) => {
  const app = await startApp(t, { processesDir: tempDir(t) });
  const fields = field('keputusan', 'enum', ['setuju', 'tolak', 'tunda']);
  const gap = await deploy(app, decision({ key: 'celah', fields, yes: "${keputusan == 'setuju'}", no: "${keputusan == 'tolak'}" }));
  t.equal(gap.statusCode, 201, gap.body);
  t.match(expressionWarnings(gap), [{ elementId: 'putuskan', message: /no flow out of this decision is taken when keputusan = 'tunda'/ }]);
  const whole = await deploy(app, decision({ key: 'utuh', fields, yes: "${keputusan == 'setuju'}", no: "${keputusan != 'setuju'}" }));
  t.same(expressionWarnings(whole), [], 'a decision every value leaves by some flow is not warned about');
});

t.test('FEEL loops: a standard loop repeats while its condition is true; a multi-instance count and completion in FEEL', async (t) => {
  const app = await startApp(t, { processesDir: tempDir(t) });
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:sop="urn:sop-bpmn:1.0" id="d" targetNamespace="urn:x">
<bpmn:process id="putaran" isExecutable="true">
<bpmn:startEvent id="mulai"/><bpmn:sequenceFlow id="f0" sourceRef="mulai" targetRef="ulang"/>
<bpmn:userTask id="ulang"><bpmn:extensionElements><sop:form>${field('lagi', 'boolean')}</sop:form></bpmn:extensionElements>
  <bpmn:standardLoopCharacteristics><bpmn:loopCondition>= lagi</bpmn:loopCondition></bpmn:standardLoopCharacteristics></bpmn:userTask>
<bpmn:sequenceFlow id="f1" sourceRef="ulang" targetRef="nilai"/>
<bpmn:userTask id="nilai"><bpmn:multiInstanceLoopCharacteristics isSequential="true"><bpmn:loopCardinality>= jumlah + 1</bpmn:loopCardinality>
  <bpmn:completionCondition>= nrOfCompletedInstances >= 2</bpmn:completionCondition></bpmn:multiInstanceLoopCharacteristics></bpmn:userTask>
<bpmn:sequenceFlow id="f2" sourceRef="nilai" targetRef="selesai"/><bpmn:endEvent id="selesai"/>
</bpmn:process></bpmn:definitions>`;
  const deployed = await deploy(app, xml);
  t.equal(deployed.statusCode, 201, deployed.body);
  t.match(expressionWarnings(deployed), [{ elementId: 'nilai', message: /loopCardinality reads 'jumlah'.*start variables/ }]);
  const started = await app.call('POST', '/definitions/putaran/instances', ADMIN_TOKEN, { variables: { jumlah: 4 } });
  const instanceId = started.json().id as string;
  const open = async () => (await app.call('GET', `/tasks?instanceId=${instanceId}`, ADMIN_TOKEN)).json().items as Array<{ id: string; elementId: string }>;
  const complete = async (values: Record<string, unknown>) => {
    const [task] = await open();
    const res = await app.call('POST', `/tasks/${task?.id}/complete`, ADMIN_TOKEN, { documents: [], output: [], variables: values });
    t.equal(res.statusCode, 200, res.body);
    return task?.elementId;
  };
  t.equal(await complete({ lagi: true }), 'ulang');
  t.same((await open()).map((o) => o.elementId), ['ulang'], 'the loop repeats while = lagi is true');
  t.equal(await complete({ lagi: false }), 'ulang');
  t.same((await open()).map((o) => o.elementId), ['nilai'], 'and stops when it is not');
  await complete({});
  t.same((await open()).map((o) => o.elementId), ['nilai'], 'a second of five iterations');
  await complete({});
  t.match((await app.call('GET', `/instances/${instanceId}`, ADMIN_TOKEN)).json(), { status: 'completed' }, 'the completion condition ends the loop after two');
});
