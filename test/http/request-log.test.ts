// A refused request's log line carries its error code and the field or element it names, never a token or what
// the user sent.
import { Writable } from 'node:stream';
import t from 'tap';
import { ADMIN_TOKEN, startApp } from '../helpers/app.js';

interface Line {
  msg: string;
  url?: string;
  statusCode?: number;
  code?: string;
  fields?: string[];
  elements?: string[];
  missing?: string[];
}

t.test('4xx request lines name the code and the field, element or missing document', async (t) => {
  const chunks: string[] = [];
  const stream = new Writable({ write: (chunk, _enc, done) => (chunks.push(String(chunk)), done()) });
  const app = await startApp(t, { logLevel: 'info', app: { logStream: stream } });
  const lines = () => chunks.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Line).filter((l) => l.msg === 'request');
  const lineFor = (url: string) => lines().filter((l) => l.url === url).at(-1);

  const bogusToken = 'tok-SECRET-0123456789abcdef';
  await app.call('GET', '/tasks', bogusToken);
  t.match(lineFor('/tasks'), { statusCode: 401, code: 'SOP_ERR_UNAUTHENTICATED' });

  await app.call('GET', '/instances?businessKey=', ADMIN_TOKEN);
  t.match(lineFor('/instances?businessKey='), { statusCode: 400, code: 'SOP_ERR_VALIDATION', fields: ['query.businessKey'] });

  await app.call('POST', '/definitions', ADMIN_TOKEN, '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="urn:x"><bpmn:process id="p" isExecutable="true"><bpmn:scriptTask id="skrip"/></bpmn:process></bpmn:definitions>', { 'content-type': 'application/xml' });
  t.match(lineFor('/definitions'), { statusCode: 400, code: 'SOP_ERR_INVALID_BPMN', elements: ['skrip'] });

  const started = await app.call('POST', '/definitions/bkd-kalteng-konsultasi-ekinerja/instances', ADMIN_TOKEN, {});
  const task = (await app.call('GET', `/tasks?instanceId=${started.json().id}`, ADMIN_TOKEN)).json().items[0];
  await app.call('POST', `/tasks/${task.id}/complete`, ADMIN_TOKEN, { documents: [], output: [], variables: {} });
  t.match(lineFor(`/tasks/${task.id}/complete`), { statusCode: 422, code: 'SOP_ERR_MISSING_DOCUMENTS', missing: ['Lembar Konsultasi'] });

  await app.call('POST', `/tasks/${task.id}/complete`, ADMIN_TOKEN, '{"documents": "RAHASIA-isi-catatan', { 'content-type': 'application/json' });
  t.match(lineFor(`/tasks/${task.id}/complete`), { statusCode: 400, code: 'SOP_ERR_VALIDATION', fields: ['body'] });

  await app.call('GET', '/health', ADMIN_TOKEN);
  t.notOk(lineFor('/health')?.code, 'a success has no refusal');
  const text = chunks.join('');
  t.notMatch(text, bogusToken, 'no token in the log');
  t.notMatch(text, ADMIN_TOKEN);
  t.notMatch(text, 'RAHASIA', 'nothing the user sent');
});
