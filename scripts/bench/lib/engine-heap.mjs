// Weighs a live engine as the service keeps it (ProcessRuntime's cache) against the estimate the cache is bounded
// by (compileDefinition's engineBytes), per SOP diagram. Needs --expose-gc; run.mjs spawns it:
//   node --expose-gc scripts/bench/lib/engine-heap.mjs [engines=200] [key …]
// Three weights per diagram: after the start (execute to the first wait), after one signal of a kept engine, and an
// engine recovered from stored state and signalled (what a completion keeps when its engine was not cached).
import fs from 'node:fs';
import path from 'node:path';
import { loadDiagram } from './engine-baseline.mjs';
import { root } from './server.mjs';

const dist = (p) => import(path.join(root, 'dist', 'src', p));

function settledHeap() {
  for (let i = 0; i < 4; i++) globalThis.gc();
  return process.memoryUsage().heapUsed;
}

const completes = (r) => r;

async function weigh(key, n, ProcessRuntime) {
  const { compiled } = await loadDiagram(key);
  const elements = (JSON.stringify(compiled.sourceContext).match(/"type":"bpmn:/g) ?? []).length;
  const ids = Array.from({ length: n }, (_, i) => `${key}-${i}`);
  let runtime = new ProcessRuntime({ cacheBytes: Number.MAX_SAFE_INTEGER });
  const before = settledHeap();
  const stored = [];
  for (const id of ids) {
    const result = await runtime.start(id, key, compiled, {}, async (r) => completes(r));
    stored.push({ id, rev: 1, state: JSON.parse(JSON.stringify(result.state)), task: result.waiting[0] });
  }
  const afterStart = settledHeap();
  const signal = async (s) => {
    const r = await runtime.signal({ id: s.id, rev: s.rev, state: s.state }, key, compiled, s.task, {}, async (x) => completes(x));
    return { id: s.id, rev: s.rev + 1, state: JSON.parse(JSON.stringify(r.state)), task: r.waiting[0] };
  };
  const next = [];
  for (const s of stored) next.push(await signal(s));
  const afterSignal = settledHeap();
  const kept = runtime.cached.engines;
  // A fresh runtime: every signal recovers its engine from the stored state and keeps it.
  runtime = new ProcessRuntime({ cacheBytes: Number.MAX_SAFE_INTEGER });
  const base = settledHeap();
  for (const s of next) if (s.task) await signal(s);
  const afterRecovered = settledHeap();
  const recovered = runtime.cached.engines;
  return {
    key,
    elements,
    estimate: compiled.engineBytes,
    engines: n,
    afterStart: (afterStart - before) / n,
    afterSignal: (afterSignal - before) / kept,
    recovered: (afterRecovered - base) / Math.max(1, recovered),
    stateBytes: Math.round(stored.reduce((a, s) => a + JSON.stringify(s.state).length, 0) / n),
  };
}

/** Heap per live engine of each diagram, in bytes, with the runtime's estimate. */
export async function engineHeap({ engines = 200, keys } = {}) {
  if (typeof globalThis.gc !== 'function') throw new Error('engine-heap needs node --expose-gc');
  const { ProcessRuntime } = await dist('engine/process-runtime.js');
  const all = keys ?? fs.readdirSync(path.join(root, 'processes')).filter((f) => f.endsWith('.bpmn')).map((f) => f.slice(0, -5));
  const out = [];
  for (const key of all) out.push(await weigh(key, engines, ProcessRuntime));
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [n, ...keys] = process.argv.slice(2);
  console.log(JSON.stringify(await engineHeap({ engines: Number(n ?? 200), keys: keys.length ? keys : undefined })));
}
