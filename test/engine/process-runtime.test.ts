// Instances stored by bpmn-engine: the runtime advances them from stored state alone, and a live engine never outlives its revision.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { parseBpmn } from '../../src/engine/bpmn-parser.js';
import { compileDefinition, ProcessRuntime, type CompiledProcess } from '../../src/engine/process-runtime.js';
import { compileFlowModel } from '../../src/engine/flow-model.js';
import type { ModdleElement } from 'bpmn-moddle';
const FIXTURES = path.resolve(import.meta.dirname, '..', 'fixtures');

async function compiled(): Promise<CompiledProcess> {
  const parsed = await parseBpmn(fs.readFileSync(path.join(FIXTURES, 'two-step.bpmn'), 'utf8'));
  const process = (parsed.definitions.rootElements as ModdleElement[]).find((e) => e.$type === 'bpmn:Process') as ModdleElement;
  return { flow: compileFlowModel(process), sourceContext: await compileDefinition('uji-dua-langkah', parsed.moddleContext) };
}

const values = (routing: Record<string, unknown>) => ({ routing, variables: routing });

t.test('stored state alone carries an instance to its end', async (t) => {
  const source = await compiled();
  const runtime = new ProcessRuntime(0, 'bpmn-engine');
  const { result: started } = await runtime.start('uji', source, {});
  t.same(started.waiting.map((w) => w.elementId), ['terima']);
  t.notOk(started.completed);
  t.notOk(JSON.stringify(started.state).includes('"source"'), 'the per-version source is not stored with each instance');

  const state1 = JSON.parse(JSON.stringify(started.state));
  const { result: second } = await runtime.signal('i1', 'uji', source, { state: state1, rev: 1 }, started.waiting[0]!, values({}));
  t.same(second.waiting.map((w) => w.elementId), ['putuskan']);

  const { result: third } = await runtime.signal('i1', 'uji', source, { state: JSON.parse(JSON.stringify(second.state)), rev: 2 }, second.waiting[0]!, values({ setuju: 'ya' }));
  t.same(third.waiting.map((w) => w.elementId), ['tanda-tangan'], 'the condition read the form value');

  const { result: last } = await runtime.signal('i1', 'uji', source, { state: third.state, rev: 3 }, third.waiting[0]!, values({}));
  t.ok(last.completed);
  t.same(last.waiting, []);
});

t.test('a live engine is reused only for the revision it produced', async (t) => {
  const source = await compiled();
  const runtime = new ProcessRuntime(10, 'bpmn-engine');
  const { result, keep } = await runtime.start('uji', source, {});
  keep('i2', 1);
  t.equal(runtime.liveCount, 1);
  const { result: r2, keep: keep2 } = await runtime.signal('i2', 'uji', source, { state: result.state, rev: 1 }, result.waiting[0]!, values({}));
  keep2(2);
  // Another process advanced the instance to rev 3 with 'tidak'; the cached rev-2 engine must not be used.
  const { result: r3 } = await runtime.signal('other', 'uji', source, { state: r2.state, rev: 2 }, r2.waiting[0]!, values({ setuju: 'tidak' }));
  t.ok(r3.completed);
  const { result: fromStored } = await runtime.signal('i2', 'uji', source, { state: r2.state, rev: 7 }, r2.waiting[0]!, values({ setuju: 'ya' }));
  t.same(fromStored.waiting.map((w) => w.elementId), ['tanda-tangan']);
  runtime.forget('i2');
  t.equal(runtime.liveCount, 0);
});

t.test('the cache is bounded', async (t) => {
  const source = await compiled();
  const runtime = new ProcessRuntime(2, 'bpmn-engine');
  for (const id of ['a', 'b', 'c']) (await runtime.start('uji', source, {})).keep(id, 1);
  t.equal(runtime.liveCount, 2);
});
