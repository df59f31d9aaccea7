// Every BPMN file of ../shared/conformance (OMG MIWG reference models and real-world modeler files) is either
// deployed and run to its end with its tasks completed through the API, or refused with 400 naming the elements it
// cannot run: never a 5xx, a hang or a crash.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { ADMIN_TOKEN, startApp, tempDir } from '../helpers/app.js';
import { finishCase } from '../helpers/drive-case.js';

const CORPUS = path.resolve(import.meta.dirname, '..', '..', '..', 'shared', 'conformance');
const files = ['miwg', 'realworld'].flatMap((d) =>
  fs.existsSync(path.join(CORPUS, d))
    ? fs
        .readdirSync(path.join(CORPUS, d))
        .filter((f) => f.endsWith('.bpmn'))
        .sort()
        .map((f) => path.join(d, f))
    : [],
);

/** The outcome of each file, as the README's table records it. */
const EXPECTED_OUTCOMES_FILE = path.resolve(import.meta.dirname, '..', 'fixtures', 'conformance-outcomes.json');

t.test('each corpus file is deployed and started, or refused naming its elements', { skip: files.length === 0 ? 'shared/conformance not present' : false }, async (t) => {
  const app = await startApp(t, { processesDir: tempDir(t) });
  const worker = await app.user(['worker']);
  const outcomes: Record<string, { status: number; started?: boolean; completed?: string[]; problems?: string[] }> = {};
  for (const file of files) {
    const xml = fs.readFileSync(path.join(CORPUS, file), 'utf8');
    const began = Date.now();
    const res = await app.call('POST', '/definitions', ADMIN_TOKEN, xml, { 'content-type': 'application/xml' });
    t.ok(Date.now() - began < 5000, `${file} answered in bounded time`);
    t.ok([200, 201, 400].includes(res.statusCode), `${file}: ${res.statusCode}`);
    if (res.statusCode === 400) {
      const body = res.json();
      t.equal(body.code, 'SOP_ERR_INVALID_BPMN', `${file} refused as invalid BPMN`);
      t.ok(body.details.problems.length > 0 && body.details.problems.every((p: { elementId: string; message: string }) => p.elementId && p.message), `${file} names the elements`);
      outcomes[file] = { status: 400, problems: body.details.problems.map((p: { elementId: string; message: string }) => `${p.elementId}: ${p.message}`) };
    } else {
      const { key } = res.json().definitions[0];
      const started = await app.call('POST', `/definitions/${key}/instances`, ADMIN_TOKEN, {});
      t.equal(started.statusCode, 201, `${file} starts: ${started.statusCode === 201 ? 'ok' : started.body}`);
      const completed = started.statusCode === 201 ? await finishCase(app, started.json().id as string, ADMIN_TOKEN, 100, worker.token) : [];
      t.equal((await app.call('GET', `/instances/${started.json().id}`, ADMIN_TOKEN)).json().status, 'completed', `${file} runs to its end`);
      outcomes[file] = { status: res.statusCode, started: started.statusCode === 201, completed };
    }
  }
  const v1 = outcomes['realworld/camunda-bpm-platform__invoice.v1.bpmn'];
  const v2 = outcomes['realworld/camunda-bpm-platform__invoice.v2.bpmn'];
  if (v1 && v2) {
    // They share one process id: both refused for the same reasons, or deployed as versions 1 and 2 of one key.
    const reasons = (o: typeof v1) => [...new Set((o.problems ?? []).map((p) => p.replace(/^[^:]+: /, '')))].sort();
    t.equal(v1.status, v2.status, 'both invoice versions share one fate');
    if (v1.status === 400) t.same(reasons(v1), reasons(v2), 'refused for the same reasons');
  }
  if (process.env.WRITE_CONFORMANCE_OUTCOMES) fs.writeFileSync(EXPECTED_OUTCOMES_FILE, JSON.stringify(outcomes, null, 2) + '\n');
  else if (fs.existsSync(EXPECTED_OUTCOMES_FILE)) t.same(outcomes, JSON.parse(fs.readFileSync(EXPECTED_OUTCOMES_FILE, 'utf8')), 'outcomes as recorded in the README');
  t.equal((await app.call('GET', '/health')).statusCode, 200, 'the service is still up');
  t.match((await app.call('GET', '/audit/verify', ADMIN_TOKEN)).json(), { ok: true });
});
