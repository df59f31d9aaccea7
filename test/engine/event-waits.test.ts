// The waits the runtime reads from bpmn-engine's postponed executions, and the bound on re-evaluating conditions.
import t from 'tap';
import fs from 'node:fs';
import path from 'node:path';
import { eventWait, reevaluateConditions } from '../../src/engine/event-waits.js';
import { parseBpmn } from '../../src/engine/bpmn-parser.js';
import { compileDefinition, ProcessRuntime } from '../../src/engine/process-runtime.js';

t.test('a postponed execution is a message, signal or condition wait, or none', async (t) => {
  t.same(eventWait({ id: 'r', executionId: 'r_1', type: 'bpmn:ReceiveTask', content: { message: { id: 'm', name: 'Hasil' } } }), { kind: 'message', name: 'Hasil', elementId: 'r', executionId: 'r_1' });
  t.same(eventWait({ id: 's', executionId: 's_1', type: 'bpmn:SignalEventDefinition', content: { signal: { name: 'Libur' } } }), { kind: 'signal', name: 'Libur', elementId: 's', executionId: 's_1' });
  t.same(eventWait({ id: 'c', executionId: 'c_1', type: 'bpmn:ConditionalEventDefinition' }), { kind: 'conditional', name: 'c', elementId: 'c', executionId: 'c_1' });
  t.equal(eventWait({ id: 'a', executionId: 'a_1', type: 'bpmn:MessageEventDefinition', content: { message: { id: 'anonymous' } } }), undefined, 'an anonymous message cannot be addressed');
  t.equal(eventWait({ id: 'b', executionId: 'b_1', type: 'bpmn:SignalEventDefinition' }), undefined);
  t.equal(eventWait({ id: 'u', executionId: 'u_1', type: 'bpmn:UserTask' }), undefined);
});

t.test('conditions are asked again while a pass changes what waits, at most maxPasses times', async (t) => {
  let signals = 0;
  const condition = { type: 'bpmn:ConditionalEventDefinition', signal: () => (signals += 1) };
  // A condition that never settles: each pass reports one more postponed execution.
  let extra = 0;
  reevaluateConditions(() => [condition, ...Array.from({ length: extra++ }, () => ({ type: 'bpmn:UserTask' }))], 3);
  t.equal(signals, 3, 'stopped after three passes');
  signals = 0;
  reevaluateConditions(() => [condition]);
  t.equal(signals, 1, 'one pass when nothing changes');
  signals = 0;
  reevaluateConditions(() => []);
  t.equal(signals, 0);
});

t.test('starting at an element that waits for no message or signal is an engine error, and nothing is committed', async (t) => {
  const xml = fs.readFileSync(path.resolve(import.meta.dirname, '..', '..', 'examples', 'message-catch.bpmn'), 'utf8');
  const compiled = await compileDefinition('contoh-pesan-tunggu', (await parseBpmn(xml)).moddleContext);
  let committed = false;
  const started = new ProcessRuntime().start('i-1', 'contoh-pesan-tunggu', compiled, {}, async () => (committed = true), 'periksa');
  await t.rejects(started, { code: 'SOP_ERR_ENGINE', message: /periksa is not waiting/ });
  t.notOk(committed);
});
