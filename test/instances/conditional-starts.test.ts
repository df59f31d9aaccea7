// Conditional start events as Camunda 7 runs them: POST /condition evaluates the variables against each current
// version's conditional start events and starts a case at each one that holds, the caller as starter; a plain start
// never runs them. On SQLite and PostgreSQL.
import fs from 'node:fs';
import path from 'node:path';
import t, { type Test } from 'tap';
import { ADMIN_TOKEN, startApp, tempDir, testDatabases, type TestApp } from '../helpers/app.js';

const DIR = path.join(import.meta.dirname, 'conditions');

async function deploy(t: Test, app: TestApp, file: string): Promise<string> {
  const res = await app.call('POST', '/definitions', ADMIN_TOKEN, fs.readFileSync(path.join(DIR, file), 'utf8'), { 'content-type': 'application/xml' });
  t.equal(res.statusCode, 201, `${file}: ${res.body}`);
  const { key } = res.json().definitions[0] as { key: string };
  return (await app.app.services.definitions.latest(key))?.id as string;
}

const caseOf = async (app: TestApp, id: string) => (await app.call('GET', `/instances/${id}`, ADMIN_TOKEN)).json() as { status: string; startedBy: string; businessKey: string | null; variables: Record<string, unknown>; openTasks: Array<{ elementId: string }> };

for (const database of await testDatabases()) {
  t.test(`[${database}] POST /condition starts a case at each conditional start event that holds`, async (t) => {
    const app = await startApp(t, { database, processesDir: tempDir(t), app: { calendarRefreshMs: 0 } });
    const both = await deploy(t, app, 'conditional-start.bpmn');
    const only = await deploy(t, app, 'conditional-only.bpmn');
    const staf = await app.user(['uji/staf'], 'Staf');
    const luar = await app.user(['lain/staf'], 'Unit lain');

    const hot = await app.call('POST', '/condition', staf.token, { variables: { suhu: 120 }, businessKey: 'K-1' });
    t.equal(hot.statusCode, 200, hot.body);
    const started = (hot.json() as Array<{ id: string; definitionKey: string; startEventId: string; businessKey: string }>).sort((a, b) => a.definitionKey.localeCompare(b.definitionKey));
    t.match(started, [
      { definitionKey: 'uji-kondisi-mulai', definitionId: both, startEventId: 'suhu-tinggi', businessKey: 'K-1' },
      { definitionKey: 'uji-kondisi-saja', definitionId: only, startEventId: 'suhu-hangat', businessKey: 'K-1' },
    ]);
    const [first, second] = await Promise.all(started.map((s) => caseOf(app, s.id)));
    t.match(first, { startedBy: staf.id, businessKey: 'K-1', openTasks: [{ elementId: 'tangani' }] });
    t.same((await app.app.services.instances.byId(started[0]?.id as string))?.variables, { suhu: 120 }, 'the variables are the start variables');
    t.equal(first?.openTasks.length, 1, 'the none start event did not run');
    t.match(second, { startedBy: staf.id, openTasks: [{ elementId: 'catat' }] });
    const audit = await app.app.services.audit.forInstance(started[0]?.id as string);
    t.match(audit[0], { type: 'instance.started', userId: staf.id, data: { startEventId: 'suhu-tinggi', businessKey: 'K-1' } });

    const warm = await app.call('POST', '/condition', staf.token, { variables: { suhu: 70 } });
    t.match(warm.json(), [{ definitionKey: 'uji-kondisi-saja' }], 'only the condition that holds starts');
    t.equal(warm.json().length, 1);
    t.same((await app.call('POST', '/condition', staf.token, { variables: { suhu: 10 } })).json(), [], 'none holds: nothing starts');
    t.same((await app.call('POST', '/condition', staf.token, {})).json(), [], 'a condition reading a variable not given does not hold');
    const named = await app.call('POST', '/condition', staf.token, { variables: { suhu: 120 }, processDefinitionId: only });
    t.match(named.json(), [{ definitionKey: 'uji-kondisi-saja' }], 'processDefinitionId narrows to that version');
    t.equal(named.json().length, 1);

    // A plain start runs only the none start event; a process that only starts on a condition refuses it.
    const plain = await app.call('POST', '/definitions/uji-kondisi-mulai/instances', staf.token, { variables: { suhu: 120 } });
    t.equal(plain.statusCode, 201, plain.body);
    t.same((await caseOf(app, plain.json().id)).openTasks.map((x) => x.elementId), ['isi']);
    const refused = await app.call('POST', '/definitions/uji-kondisi-saja/instances', staf.token, {});
    t.equal(refused.statusCode, 409);
    t.match(refused.json().message, /POST \/condition/);

    // Who may start: another unit's user may start none (403), and a version named to them does not exist (404).
    t.equal((await app.call('POST', '/condition', luar.token, { variables: { suhu: 120 } })).statusCode, 403);
    t.equal((await app.call('POST', '/condition', luar.token, { variables: { suhu: 120 }, processDefinitionId: only })).statusCode, 404);
    t.equal((await app.call('POST', '/condition', staf.token, { processDefinitionId: 'tidak-ada' })).statusCode, 404);

    // Only the current, non-suspended version.
    t.equal((await app.call('POST', '/definitions/uji-kondisi-saja/versions/1/suspend', ADMIN_TOKEN, {})).statusCode, 200);
    t.same((await app.call('POST', '/condition', staf.token, { variables: { suhu: 70 } })).json(), [], 'a suspended version is not evaluated');
    t.equal((await app.call('POST', '/condition', staf.token, { variables: { suhu: 70 }, processDefinitionId: only })).statusCode, 409);
    t.equal((await app.call('POST', '/definitions/uji-kondisi-saja/versions/1/resume', ADMIN_TOKEN, {})).statusCode, 200);
    const v2 = fs.readFileSync(path.join(DIR, 'conditional-only.bpmn'), 'utf8').replace('= suhu &gt; 50', '= suhu &gt; 60');
    t.equal((await app.call('POST', '/definitions', ADMIN_TOKEN, v2, { 'content-type': 'application/xml' })).statusCode, 201);
    const superseded = await app.call('POST', '/condition', staf.token, { variables: { suhu: 70 }, processDefinitionId: only });
    t.equal(superseded.statusCode, 409);
    t.match(superseded.json(), { details: { state: 'superseded' } });
    t.match((await app.call('POST', '/condition', staf.token, { variables: { suhu: 55 } })).json(), [], 'the current version\'s condition is the one evaluated');
    t.match((await app.call('GET', '/audit/verify', ADMIN_TOKEN)).json(), { ok: true });
  });
}

t.test('a conditional start event of an event sub-process is refused at deploy, naming it', async (t) => {
  const app = await startApp(t, { processesDir: tempDir(t) });
  const xml = fs.readFileSync(path.join(DIR, 'conditional-start.bpmn'), 'utf8').replace(
    '<bpmn:endEvent id="akhir"/>',
    `<bpmn:endEvent id="akhir"/>
    <bpmn:subProcess id="pantau" triggeredByEvent="true">
      <bpmn:startEvent id="pantau-mulai" isInterrupting="false"><bpmn:conditionalEventDefinition><bpmn:condition xsi:type="bpmn:tFormalExpression">\${suhu &gt; 200}</bpmn:condition></bpmn:conditionalEventDefinition></bpmn:startEvent>
      <bpmn:sequenceFlow id="p1" sourceRef="pantau-mulai" targetRef="pantau-akhir"/>
      <bpmn:endEvent id="pantau-akhir"/>
    </bpmn:subProcess>`,
  );
  const res = await app.call('POST', '/definitions', ADMIN_TOKEN, xml, { 'content-type': 'application/xml' });
  t.equal(res.statusCode, 400, res.body);
  t.match(res.json().details.problems, [{ elementId: 'pantau-mulai', message: /^conditional start events of sub-processes are not supported/ }]);
});
