// Every stored string has one declared limit, checked at the boundary: the same 4xx naming the element on SQLite
// and PostgreSQL, never a deploy that succeeds and starts that answer 500, never a key no route can name.
import t from 'tap';
import { TEXT_LIMITS, charCount, overLimit } from '../../src/db/text-limits.js';
import { oneTaskDiagram, type OneTaskParts } from '../helpers/one-task-diagram.js';
import { ADMIN_TOKEN, startApp, tempDir, testDatabases } from '../helpers/app.js';

const xmlHeaders = { 'content-type': 'application/xml' };
const long = (n: number, c = 'a') => c.repeat(n);

t.test('limits count characters as PostgreSQL does, not UTF-16 units', async (t) => {
  t.equal(charCount('😀é'), 2);
  t.equal(overLimit('😀'.repeat(TEXT_LIMITS.stepLabel), 'stepLabel', 'x'), undefined, '50 emoji are 50 characters');
  t.match(overLimit('😀'.repeat(TEXT_LIMITS.stepLabel + 1), 'stepLabel', 'the label'), /the label has 51 characters; at most 50/);
});

for (const database of await testDatabases()) {
  t.test(`${database}: a value at its limit deploys and starts; one over it is refused at deploy naming the element`, async (t) => {
    const app = await startApp(t, { processesDir: tempDir(t), database });
    const staff = await app.user(['uji/staf']);
    const atLimit: OneTaskParts = {
      key: `k${long(TEXT_LIMITS.definitionKey - 1)}`,
      processName: long(TEXT_LIMITS.definitionName, 'é'),
      taskId: `t${long(TEXT_LIMITS.elementId - 1)}`,
      taskName: long(TEXT_LIMITS.taskName, 'ñ'),
      step: long(TEXT_LIMITS.stepLabel, '😀'),
      requires: long(TEXT_LIMITS.documentName),
      field: `f${long(TEXT_LIMITS.formFieldName - 1)}`,
    };
    const deployed = await app.call('POST', '/definitions', ADMIN_TOKEN, oneTaskDiagram(atLimit), xmlHeaders);
    t.equal(deployed.statusCode, 201, deployed.body.slice(0, 300));
    const started = await app.call('POST', `/definitions/${atLimit.key}/instances`, staff.token, { businessKey: long(TEXT_LIMITS.businessKey) });
    t.equal(started.statusCode, 201, `a start at every limit: ${started.body.slice(0, 300)}`);
    const task = (await app.call('GET', `/tasks?instanceId=${started.json().id}`, staff.token)).json().items[0];
    t.match(task, { step: atLimit.step, name: atLimit.taskName, elementId: atLimit.taskId });
    const done = await app.call('POST', `/tasks/${task.id}/complete`, staff.token, { documents: [{ name: atLimit.requires }] });
    t.equal(done.statusCode, 200, 'a kelengkapan at its limit can be named by a completion');

    const over: Array<[string, OneTaskParts, string, RegExp]> = [
      ['step label', { step: long(TEXT_LIMITS.stepLabel + 1) }, 'u', /step label .* 51 characters; at most 50/],
      ['task name', { taskName: long(TEXT_LIMITS.taskName + 1) }, 'u', /task name has 2001 characters/],
      ['process name', { processName: long(TEXT_LIMITS.definitionName + 1) }, 'uji-satu', /process name/],
      ['element id', { taskId: `t${long(TEXT_LIMITS.elementId)}` }, `t${long(TEXT_LIMITS.elementId)}`, /the id has 151 characters/],
      ['role id', { role: `uji/${long(TEXT_LIMITS.role)}` }, 'l', /role id/],
      ['kelengkapan', { requires: long(TEXT_LIMITS.documentName + 1) }, 'u', /kelengkapan or output/],
      ['form field', { field: `f${long(TEXT_LIMITS.formFieldName)}` }, 'u', /form field name/],
      ['SOP key', { key: `k${long(TEXT_LIMITS.definitionKey)}` }, `k${long(TEXT_LIMITS.definitionKey)}`, /at most 100 characters/],
    ];
    for (const [what, parts, elementId, message] of over) {
      const res = await app.call('POST', '/definitions', ADMIN_TOKEN, oneTaskDiagram(parts), xmlHeaders);
      t.equal(res.statusCode, 400, `${what}: ${res.statusCode}`);
      t.match(res.json(), { code: 'SOP_ERR_INVALID_BPMN', details: { problems: [{ elementId, message }] } }, what);
    }
    const keys = (await app.call('GET', '/definitions', ADMIN_TOKEN)).json().items.map((d: { key: string }) => d.key);
    t.same(keys, [atLimit.key], 'nothing over a limit was stored');
    const tooLong = await app.call('POST', `/definitions/${atLimit.key}/instances`, staff.token, { businessKey: long(TEXT_LIMITS.businessKey + 1) });
    t.match(tooLong.json(), { statusCode: 400, details: { fields: [{ name: 'businessKey' }] } });
    t.match((await app.call('GET', '/audit/verify', ADMIN_TOKEN)).json(), { ok: true });
  });
}
