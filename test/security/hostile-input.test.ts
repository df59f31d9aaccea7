// Hostile XML, code smuggled into diagrams, prototype pollution, and fuzzed requests: always a 4xx naming the
// problem, never a 5xx, a hang or a change to what is stored.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import fc from 'fast-check';
import { ADMIN_TOKEN, FIXTURES, startApp, tempDir } from '../helpers/app.js';

const NS = 'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';
const doc = (body: string, prolog = '') => `<?xml version="1.0"?>${prolog}<bpmn:definitions ${NS} id="d" targetNamespace="x"><bpmn:process id="hostile" isExecutable="true">${body}</bpmn:process></bpmn:definitions>`;
const xmlHeaders = { 'content-type': 'application/xml' };
const flowWith = (condition: string) =>
  `<bpmn:startEvent id="s"/><bpmn:exclusiveGateway id="g" default="f2"/><bpmn:userTask id="u"/><bpmn:endEvent id="e"/>
   <bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="g"/>
   <bpmn:sequenceFlow id="f1" sourceRef="g" targetRef="u"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${condition}</bpmn:conditionExpression></bpmn:sequenceFlow>
   <bpmn:sequenceFlow id="f2" sourceRef="g" targetRef="e"/><bpmn:sequenceFlow id="f3" sourceRef="u" targetRef="e"/>`;

t.test('hostile XML is refused in bounded time and memory', async (t) => {
  const app = await startApp(t, { processesDir: tempDir(t) });
  const cases: Array<[string, string, number, RegExp]> = [
    ['XXE', doc('<bpmn:userTask id="u" name="&xxe;"/>', '<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'), 400, /DOCTYPE/],
    ['billion laughs', doc('<bpmn:userTask id="u" name="&lol9;"/>', `<!DOCTYPE d [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join('')}]>`), 400, /DOCTYPE/],
    ['deep nesting', doc(`<bpmn:extensionElements>${'<x:a xmlns:x="urn:x">'.repeat(20000)}${'</x:a>'.repeat(20000)}</bpmn:extensionElements>`), 400, /nest/],
    ['too many elements', doc('<bpmn:textAnnotation id="a"/>'.repeat(31000)), 400, /elements/],
    ['not XML', 'hello', 400, /not a BPMN/],
    ['empty', ' ', 400, /./],
  ];
  for (const [name, xml, status, message] of cases) {
    const began = Date.now();
    const res = await app.call('POST', '/definitions', ADMIN_TOKEN, xml, xmlHeaders);
    t.equal(res.statusCode, status, `${name}: ${res.statusCode}`);
    t.match(res.json().message, message, name);
    t.ok(Date.now() - began < 3000, `${name} answered in ${Date.now() - began} ms`);
  }
  const huge = await app.call('POST', '/definitions', ADMIN_TOKEN, doc(`<bpmn:documentation>${'x'.repeat(6 * 1024 * 1024)}</bpmn:documentation>`), xmlHeaders);
  t.match(huge.json(), { statusCode: 413, code: 'SOP_ERR_TOO_LARGE' });
  const json = await app.call('POST', '/definitions', ADMIN_TOKEN, { xml: doc('') });
  t.match(json.json(), { statusCode: 415, code: 'SOP_ERR_UNSUPPORTED_MEDIA' });
  const bigJson = await app.call('POST', '/users', ADMIN_TOKEN, JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024), roles: [] }), { 'content-type': 'application/json' });
  t.equal(bigJson.statusCode, 413);
  t.equal((await app.call('GET', '/definitions', ADMIN_TOKEN)).json().items.length, 0, 'nothing was deployed');
});

t.test('code in a diagram is refused naming the element, whatever form it takes', async (t) => {
  const app = await startApp(t, { processesDir: tempDir(t) });
  const payloads = [
    "${this.constructor.constructor('return process')()}",
    '${constructor.constructor("return process")().exit()}',
    '${__proto__.polluted == 1}',
    '${x.prototype == 1}',
    '${process.mainModule.require("child_process").execSync("id")}',
    '${require("fs")}',
    '${a[0] == 1}',
    '${`x`}',
    '${a = 1}',
    '${global.process}()',
  ];
  for (const p of payloads) {
    const res = await app.call('POST', '/definitions', ADMIN_TOKEN, doc(flowWith(p)), xmlHeaders);
    t.equal(res.statusCode, 400, p);
    t.match(res.json().details.problems, [{ elementId: 'f1' }], `${p} names the flow`);
  }
  const inName = await app.call('POST', '/definitions', ADMIN_TOKEN, doc(`<bpmn:userTask id="u" name="\${this.constructor}"/>`), xmlHeaders);
  t.match(inName.json().details.problems, [{ elementId: 'u' }]);
  const script = await app.call('POST', '/definitions', ADMIN_TOKEN, doc(flowWith("${a == 'b'}").replace('<bpmn:conditionExpression', '<bpmn:conditionExpression language="javascript"')), xmlHeaders);
  t.match(script.json().details.problems, [{ elementId: 'f1', message: /script condition/ }]);
  const listener = await app.call(
    'POST',
    '/definitions',
    ADMIN_TOKEN,
    doc('<bpmn:userTask id="u"><bpmn:extensionElements><camunda:taskListener event="create"><camunda:script scriptFormat="javascript">process.exit(1)</camunda:script></camunda:taskListener></bpmn:extensionElements></bpmn:userTask>').replace(
      'targetNamespace="x"',
      'targetNamespace="x" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"',
    ),
    xmlHeaders,
  );
  // A listener is never run: the diagram deploys and its warnings name it (its script is not even read).
  t.equal(listener.statusCode, 201, listener.body);
  const warned = (listener.json().warnings as Array<{ elementId: string; message: string }>).filter((w) => /TaskListener/.test(w.message));
  t.match(warned, [{ elementId: 'u', message: /camunda:TaskListener is read but not honoured: listeners are not run/ }]);
  t.same((await app.call('GET', '/definitions', ADMIN_TOKEN)).json().items.map((d: { key: string }) => d.key), ['hostile'], 'nothing else was deployed');
});

t.test('prototype pollution through variables and bodies is refused', async (t) => {
  const dir = tempDir(t);
  fs.copyFileSync(path.join(FIXTURES, 'two-step.bpmn'), path.join(dir, 'two-step.bpmn'));
  const app = await startApp(t, { processesDir: dir });
  const u = await app.user(['uji/staf', 'uji/kepala']);
  for (const body of ['{"variables":{"__proto__":{"polluted":true}}}', '{"variables":{"constructor":{"prototype":{"polluted":true}}}}', '{"__proto__":{"polluted":true}}']) {
    const res = await app.call('POST', '/definitions/uji-dua-langkah/instances', u.token, body, { 'content-type': 'application/json' });
    t.equal(res.statusCode, 400, body);
  }
  t.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype untouched');
  const id = (await app.call('POST', '/definitions/uji-dua-langkah/instances', u.token, {})).json().id as string;
  const task = (await app.call('GET', `/tasks?instanceId=${id}`, u.token)).json().items[0];
  const res = await app.call('POST', `/tasks/${task.id}/complete`, u.token, '{"documents":[],"output":[],"variables":{"__proto__":{"x":1}}}', { 'content-type': 'application/json' });
  t.equal(res.statusCode, 400);
});

t.test('fuzzed requests never get a 5xx and leave the database consistent', async (t) => {
  const dir = tempDir(t);
  fs.copyFileSync(path.join(FIXTURES, 'two-step.bpmn'), path.join(dir, 'two-step.bpmn'));
  const app = await startApp(t, { processesDir: dir });
  const u = await app.user(['uji/staf', 'uji/kepala', 'owner']);
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) ids.push((await app.call('POST', '/definitions/uji-dua-langkah/instances', u.token, {})).json().id);
  const taskIds = async () => ((await app.call('GET', '/tasks?limit=200', u.token)).json().items as Array<{ id: string }>).map((x) => x.id);

  const anyJson = fc.jsonValue({ maxDepth: 3 });
  const bodyish = fc.oneof(
    anyJson,
    fc.record({ documents: fc.array(fc.record({ name: fc.string(), ref: fc.option(fc.string(), { nil: undefined }) })), output: fc.array(fc.record({ name: fc.string(), value: fc.option(fc.string(), { nil: undefined }) })), variables: fc.dictionary(fc.string(), anyJson) }),
    fc.string(),
  );
  const paths = fc.oneof(
    fc.constantFrom('/tasks', '/instances', '/definitions', '/me', '/calendars', '/audit/verify'),
    fc.string().map((s) => `/tasks?${encodeURIComponent(s)}=${encodeURIComponent(s)}`),
    fc.record({ limit: fc.string(), cursor: fc.string(), status: fc.string(), overdue: fc.string() }).map((q) => `/tasks?${new URLSearchParams(q)}`),
    fc.string().map((s) => `/instances/${encodeURIComponent(s)}`),
    fc.string().map((s) => `/definitions/${encodeURIComponent(s)}/sop?format=${encodeURIComponent(s)}`),
  );
  await fc.assert(
    fc.asyncProperty(fc.constantFrom('complete', 'claim', 'unclaim', 'start', 'get', 'cancel'), bodyish, paths, fc.nat(), async (action, body, p, n) => {
      const tasks = await taskIds();
      const taskId = tasks.length ? tasks[n % tasks.length] : 'none';
      const payload = typeof body === 'string' ? body : JSON.stringify(body);
      const headers = { 'content-type': 'application/json' };
      let res;
      if (action === 'complete') res = await app.call('POST', `/tasks/${taskId}/complete`, u.token, payload, headers);
      else if (action === 'claim' || action === 'unclaim') res = await app.call('POST', `/tasks/${taskId}/${action}`, u.token);
      else if (action === 'start') res = await app.call('POST', '/definitions/uji-dua-langkah/instances', u.token, payload, headers);
      else if (action === 'cancel') res = await app.call('POST', `/instances/${ids[n % ids.length]}/cancel`, u.token, payload, headers);
      else res = await app.call('GET', p, u.token);
      if (res.statusCode >= 500) throw new Error(`${action} ${p} ${payload.slice(0, 200)} → ${res.statusCode} ${res.body}`);
    }),
    { numRuns: 300, seed: 20261123 },
  );

  const bpmn = fc.record({
    id: fc.stringMatching(/^[A-Za-z_][\w.-]{0,20}$/),
    names: fc.array(fc.string({ maxLength: 30 }), { minLength: 1, maxLength: 6 }),
    cond: fc.oneof(fc.constant("${x == 'a'}"), fc.string({ maxLength: 20 }).map((s) => `\${${s}}`), fc.string({ maxLength: 20 })),
    extra: fc.boolean(),
  });
  await fc.assert(
    fc.asyncProperty(bpmn, async ({ id, names, cond, extra }) => {
      const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
      const tasks = names.map((name, i) => `<bpmn:userTask id="t${i}" name="${esc(name)}"/>`).join('');
      const flows = names.map((_, i) => `<bpmn:sequenceFlow id="f${i}" sourceRef="${i === 0 ? 's' : `t${i - 1}`}" targetRef="t${i}"/>`).join('');
      const gate = extra ? `<bpmn:exclusiveGateway id="g" default="d"/><bpmn:sequenceFlow id="c" sourceRef="t${names.length - 1}" targetRef="g"/><bpmn:sequenceFlow id="y" sourceRef="g" targetRef="e"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${esc(cond)}</bpmn:conditionExpression></bpmn:sequenceFlow><bpmn:sequenceFlow id="d" sourceRef="g" targetRef="e"/>` : `<bpmn:sequenceFlow id="z" sourceRef="t${names.length - 1}" targetRef="e"/>`;
      const xml = doc(`<bpmn:startEvent id="s"/>${tasks}${flows}${gate}<bpmn:endEvent id="e"/>`).replace('id="hostile"', `id="${id}"`);
      const res = await app.call('POST', '/definitions', ADMIN_TOKEN, xml, xmlHeaders);
      if (![200, 201, 400].includes(res.statusCode)) throw new Error(`deploy → ${res.statusCode} ${res.body}`);
      if (res.statusCode !== 400) {
        const key = res.json().definitions[0].key;
        const started = await app.call('POST', `/definitions/${encodeURIComponent(key)}/instances`, ADMIN_TOKEN, {});
        if (started.statusCode !== 201) throw new Error(`start ${key} → ${started.statusCode} ${started.body}`);
      }
    }),
    { numRuns: 100, seed: 20261123 },
  );

  const knex = app.app.services.db.knex;
  const orphans = await knex('tasks').join('instances', 'tasks.instance_id', 'instances.id').whereIn('tasks.status', ['open', 'claimed']).whereNot('instances.status', 'running').count({ n: '*' });
  t.equal(Number(orphans[0]?.n), 0, 'every open task belongs to a running instance');
  t.match((await app.call('GET', '/audit/verify', ADMIN_TOKEN)).json(), { ok: true });
});
