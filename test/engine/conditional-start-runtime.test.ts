// The runtime's side of a conditional start: the start event named runs its condition on the start variables; the
// case goes on when it holds, and the start is refused when it does not (the service evaluates it first, so this
// is the engine disagreeing, never a silent case stuck at its start).
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { EngineRunError } from '../../src/errors.js';
import { parseBpmn } from '../../src/engine/bpmn-parser.js';
import { compileDefinition, ProcessRuntime, type RunResult } from '../../src/engine/process-runtime.js';

const xml = fs.readFileSync(path.join(import.meta.dirname, '..', 'instances', 'conditions', 'conditional-start.bpmn'), 'utf8');

t.test('a conditional start event starts the case only when its condition holds', async (t) => {
  const compiled = await compileDefinition('uji-kondisi-mulai', (await parseBpmn(xml)).moddleContext);
  const runtime = new ProcessRuntime({ cacheBytes: 0 });
  const run = { startEventId: 'suhu-tinggi', conditional: true };
  const held = await runtime.start('a', 'uji-kondisi-mulai', compiled, { suhu: 120 }, async (r: RunResult) => r, run);
  t.same(held.waiting.map((w) => w.elementId), ['tangani'], 'only the conditional start ran');
  await t.rejects(runtime.start('b', 'uji-kondisi-mulai', compiled, { suhu: 20 }, async (r: RunResult) => r, run), EngineRunError);
  const plain = await runtime.start('c', 'uji-kondisi-mulai', compiled, { suhu: 120 }, async (r: RunResult) => r);
  t.same(plain.waiting.map((w) => w.elementId), ['isi'], 'a plain start runs the none start event only');
});
