// Replaying a recorded history on bpmn-engine: the rebuilt waiting set, and each way a history can fail to replay.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { parseBpmn } from '../../src/engine/bpmn-parser.js';
import { compileDefinition, type CompiledProcess } from '../../src/engine/process-runtime.js';
import { isFlowState, replayOnBpmnEngine } from '../../src/engine/flow-case-replay.js';
import { pairWaiting, startVariablesOf } from '../../src/instances/flow-case-move.js';

const FIXTURES = path.resolve(import.meta.dirname, '..', 'fixtures');

async function compiled(): Promise<CompiledProcess> {
  const parsed = await parseBpmn(fs.readFileSync(path.join(FIXTURES, 'two-step.bpmn'), 'utf8'));
  return compileDefinition('uji-dua-langkah', parsed.moddleContext);
}

t.test('a history replays to the tasks waiting after it', async (t) => {
  const replay = await replayOnBpmnEngine({ name: 'uji', compiled: await compiled(), startVariables: {}, completions: [{ elementId: 'terima', variables: {} }, { elementId: 'putuskan', variables: { setuju: 'ya' } }] });
  t.ok(replay.ok);
  if (replay.ok) t.same(replay.waiting.map((w) => w.elementId), ['tanda-tangan']);
  t.notOk(replay.ok && isFlowState(replay.state), 'the rebuilt state is bpmn-engine\'s');
});

t.test('a history that cannot be replayed says why', async (t) => {
  const source = await compiled();
  const skipped = await replayOnBpmnEngine({ name: 'uji', compiled: source, startVariables: {}, completions: [{ elementId: 'putuskan', variables: {} }] });
  t.match(skipped, { ok: false, reason: /replay diverged: step 1 \(putuskan\) was not waiting on bpmn-engine \(waiting: terima\)/ });
  const ended = await replayOnBpmnEngine({ name: 'uji', compiled: source, startVariables: {}, completions: [{ elementId: 'terima', variables: {} }, { elementId: 'putuskan', variables: { setuju: 'tidak' } }] });
  t.match(ended, { ok: false, reason: /ended on replay/ });
  const unloadable = await replayOnBpmnEngine({ name: 'uji', compiled: { sourceContext: null, engineBytes: 0, timers: [], externalTasks: {} }, startVariables: {}, completions: [] });
  t.match(unloadable, { ok: false, reason: /./ });
});

t.test('open task rows pair with waiting executions of their elements, as a multiset', async (t) => {
  const waiting = [{ elementId: 'a', executionId: 'a_1' }, { elementId: 'b', executionId: 'b_2' }, { elementId: 'a', executionId: 'a_3' }];
  const paired = pairWaiting(waiting, [{ id: 't1', elementId: 'a' }, { id: 't2', elementId: 'a' }, { id: 't3', elementId: 'b' }]);
  t.same(paired.ok && [...paired.executionIds], [['t1', 'a_1'], ['t2', 'a_3'], ['t3', 'b_2']]);
  t.match(pairWaiting(waiting, [{ id: 't1', elementId: 'a' }, { id: 't3', elementId: 'b' }]), { ok: false, reason: 'waiting on bpmn-engine: a, a, b; open task rows: a, b' });
  t.match(pairWaiting(waiting.slice(0, 1), [{ id: 't1', elementId: 'c' }]), { ok: false });
});

t.test('the start variables are the variables no step set', async (t) => {
  t.same(startVariablesOf({ pemohon: 'x', setuju: 'ya', n: 1 }, [{ variables: { setuju: 'tidak' } }, { variables: { n: 2 } }]), { pemohon: 'x' });
});
