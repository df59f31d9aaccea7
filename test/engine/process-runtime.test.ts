// The runtime advances instances from stored state alone; a live engine is kept only after its commit, for the
// revision that commit wrote, and the cache holds engines within a budget of bytes.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { parseBpmn } from '../../src/engine/bpmn-parser.js';
import { compileDefinition, ProcessRuntime, type CompiledProcess, type RunResult } from '../../src/engine/process-runtime.js';
import { LiveEngineCache } from '../../src/engine/live-engine-cache.js';
const FIXTURES = path.resolve(import.meta.dirname, '..', 'fixtures');

async function compiled(): Promise<CompiledProcess> {
  const parsed = await parseBpmn(fs.readFileSync(path.join(FIXTURES, 'two-step.bpmn'), 'utf8'));
  return compileDefinition('uji-dua-langkah', parsed.moddleContext);
}

const stored = async (result: RunResult): Promise<RunResult> => JSON.parse(JSON.stringify(result)) as RunResult;

t.test('stored state alone carries an instance to its end', async (t) => {
  const source = await compiled();
  const runtime = new ProcessRuntime({ cacheBytes: 0 });
  const started = await runtime.start('i1', 'uji', source, {}, stored);
  t.same(started.waiting.map((w) => w.elementId), ['terima']);
  t.notOk(started.completed);
  t.notOk(JSON.stringify(started.state).includes('"source"'), 'the per-version source is not stored with each instance');

  const second = await runtime.signal({ id: 'i1', rev: 1, state: started.state }, 'uji', source, started.waiting[0]!, {}, stored);
  t.same(second.waiting.map((w) => w.elementId), ['putuskan']);
  const third = await runtime.signal({ id: 'i1', rev: 2, state: second.state }, 'uji', source, second.waiting[0]!, { setuju: 'ya' }, stored);
  t.same(third.waiting.map((w) => w.elementId), ['tanda-tangan'], 'the condition read the form value');
  const last = await runtime.signal({ id: 'i1', rev: 3, state: third.state }, 'uji', source, third.waiting[0]!, {}, stored);
  t.ok(last.completed);
  t.same(last.waiting, []);
  t.same(runtime.cached, { engines: 0, bytes: 0 }, 'a zero budget keeps nothing');
});

t.test('a task that is not waiting is refused', async (t) => {
  const source = await compiled();
  const runtime = new ProcessRuntime();
  const started = await runtime.start('i9', 'uji', source, {}, stored);
  await t.rejects(
    runtime.signal({ id: 'i9', rev: 1, state: started.state }, 'uji', source, { elementId: 'putuskan', executionId: 'nope' }, {}, stored),
    { code: 'SOP_ERR_ENGINE', message: /putuskan \(nope\) is not waiting/ },
  );
});

t.test('an engine is kept only after its commit, for the revision it wrote', async (t) => {
  const source = await compiled();
  const runtime = new ProcessRuntime();
  const started = await runtime.start('i2', 'uji', source, {}, stored);
  t.equal(runtime.cached.engines, 1);
  t.equal(runtime.cached.bytes, source.engineBytes);
  const failing = runtime.signal({ id: 'i2', rev: 1, state: started.state }, 'uji', source, started.waiting[0]!, {}, async () => {
    throw new Error('commit failed');
  });
  await t.rejects(failing, /commit failed/);
  t.equal(runtime.cached.engines, 0, 'the engine of a failed commit is dropped');
  // Recovered from the stored rev-1 state, as if nothing had happened.
  const r2 = await runtime.signal({ id: 'i2', rev: 1, state: started.state }, 'uji', source, started.waiting[0]!, {}, stored);
  t.same(r2.waiting.map((w) => w.elementId), ['putuskan']);
  // Another process advanced the instance to rev 3; the cached rev-2 engine must not be used for it.
  const other = await new ProcessRuntime().signal({ id: 'i2', rev: 2, state: r2.state }, 'uji', source, r2.waiting[0]!, { setuju: 'tidak' }, stored);
  t.ok(other.completed);
  const fromStored = await runtime.signal({ id: 'i2', rev: 7, state: r2.state }, 'uji', source, r2.waiting[0]!, { setuju: 'ya' }, stored);
  t.same(fromStored.waiting.map((w) => w.elementId), ['tanda-tangan']);
});

t.test('a state the flow interpreter wrote is refused, not misread', async (t) => {
  const source = await compiled();
  const runtime = new ProcessRuntime();
  await t.rejects(
    runtime.signal({ id: 'old', rev: 4, state: { format: 'sop-flow/1' } }, 'uji', source, { elementId: 'terima', executionId: 'terima_1' }, {}, stored),
    { code: 'SOP_ERR_ENGINE', message: /sop-flow\/1/ },
  );
});

t.test('the cache is bounded in bytes, least recently used out first', async (t) => {
  const cache = new LiveEngineCache<string>(100);
  cache.set('a', 1, 'A', 40);
  cache.set('b', 1, 'B', 40);
  cache.set('c', 1, 'C', 40);
  t.same(cache.size, { engines: 2, bytes: 80 });
  t.equal(cache.take('a', 1), undefined, 'the oldest went first');
  t.equal(cache.take('b', 2), undefined, 'another revision is stale');
  t.same(cache.size, { engines: 1, bytes: 40 }, 'and it was dropped');
  cache.set('d', 1, 'D', 500);
  t.equal(cache.take('d', 1), undefined, 'heavier than the budget: not kept');
  cache.set('c', 2, 'C2', 10);
  t.equal(cache.take('c', 2), 'C2');
  t.same(cache.size, { engines: 0, bytes: 0 });
});
