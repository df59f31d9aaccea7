// A timer start event of an event sub-process is refused at deploy with the reason (bpmn-elements 17 never arms it),
// and one of an embedded sub-process as the BPMN error it is; each names its element, in Indonesian on the page.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { ADMIN_TOKEN, FIXTURES, startApp, tempDir } from '../helpers/app.js';
import { knowsText } from '../../web/src/messages-id.js';

const xml = fs.readFileSync(path.join(FIXTURES, 'timers', 'event-sub-process.bpmn'), 'utf8');

t.test('timer start events of sub-processes are refused, naming the event', async (t) => {
  const app = await startApp(t, { processesDir: tempDir(t) });
  const deploy = async (text: string) => {
    const res = await app.call('POST', '/definitions', ADMIN_TOKEN, text, { 'content-type': 'application/xml' });
    t.equal(res.statusCode, 400, res.body);
    return res.json().details.problems as Array<{ elementId: string; message: string }>;
  };
  const eventSub = await deploy(xml);
  t.match(eventSub, [{ elementId: 'ingatkan-mulai', message: /^timer start events of event sub-processes are not supported: bpmn-engine 25 \(bpmn-elements 17\) starts an event sub-process only on a message, signal, error or escalation/ }]);
  const embedded = await deploy(xml.replace(' triggeredByEvent="true"', ''));
  t.match(embedded, [{ elementId: 'ingatkan-mulai', message: 'a timer start event belongs to a process, not to an embedded sub-process' }]);
  for (const p of [...eventSub, ...embedded]) t.ok(knowsText(p.message), `worded in Indonesian: ${p.message}`);
});
