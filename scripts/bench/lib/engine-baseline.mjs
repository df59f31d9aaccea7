// Baseline 1: the bare bpmn-engine running the same SOP diagram in memory, with the service's own engine options
// (safe expressions, no scripts) and the definition parsed and serialized once, as the service does.
//  - live: one engine per instance, execute, then signal each user task as it waits (no state leaves memory);
//  - recover: per step, a new engine recovers the previous step's state, resumes, signals, and gives its state.
// And the same for the service's own flow interpreter (which runs new instances since issue 9): per step it parses
// the stored JSON state, signals and serializes the new state, as a completion does.
import fs from 'node:fs';
import path from 'node:path';
import { Engine } from 'bpmn-engine';
import { root } from './server.mjs';

const dist = (p) => import(path.join(root, 'dist', 'src', p));

export async function loadDiagram(key) {
  const { parseBpmn } = await dist('engine/bpmn-parser.js');
  const { compileDefinition } = await dist('engine/process-runtime.js');
  const { baseEngineOptions } = await dist('engine/engine-options.js');
  const xml = fs.readFileSync(path.join(root, 'processes', `${key}.bpmn`), 'utf8');
  const { compileFlowModel } = await dist('engine/flow-model.js');
  const parsed = await parseBpmn(xml);
  const sourceContext = await compileDefinition(key, parsed.moddleContext);
  const process = parsed.definitions.rootElements.find((e) => e.$type === 'bpmn:Process' && e.isExecutable);
  return { xml, sourceContext, flow: compileFlowModel(process), baseEngineOptions };
}

/** The flow interpreter from stored JSON at every step: parse, signal, serialize; steps done. */
function runFlow(interpreter, flow, variables) {
  let stored = JSON.stringify(interpreter.startFlow(flow, {}).state);
  let steps = 0;
  for (;;) {
    const state = JSON.parse(stored);
    if (state.waiting.length === 0) return steps;
    stored = JSON.stringify(interpreter.signalFlow(flow, state, state.waiting[0], variables).state);
    steps++;
  }
}

function waitingTasks(engine) {
  return engine.execution.getPostponed().filter((a) => a.type === 'bpmn:UserTask');
}

function assign(engine, variables) {
  for (const d of engine.execution.definitions) for (const p of d.getRunningProcesses()) p.environment.assignVariables(variables);
}

/** Runs one instance to its end, signalling every task; `choice` drives the decision. Returns the steps done. */
async function runLive(key, sourceContext, options, variables) {
  const engine = new Engine({ ...options, name: key, sourceContext });
  await engine.execute({ variables: {} });
  let steps = 0;
  for (let w = waitingTasks(engine); w.length > 0; w = waitingTasks(engine)) {
    assign(engine, variables);
    engine.execution.signal({ id: w[0].id, executionId: w[0].executionId });
    steps++;
  }
  return steps;
}

async function runRecovering(key, sourceContext, options, variables, phases) {
  let engine = new Engine({ ...options, name: key, sourceContext });
  await engine.execute({ variables: {} });
  let state = await engine.getState();
  let steps = 0;
  for (;;) {
    let t = performance.now();
    engine = new Engine({ ...options, name: key, sourceContext });
    engine.recover(state);
    phases.recover += performance.now() - t;
    t = performance.now();
    await engine.resume();
    phases.resume += performance.now() - t;
    const w = waitingTasks(engine);
    if (w.length === 0) break;
    t = performance.now();
    assign(engine, variables);
    engine.execution.signal({ id: w[0].id, executionId: w[0].executionId });
    phases.signal += performance.now() - t;
    t = performance.now();
    state = await engine.getState();
    phases.getState += performance.now() - t;
    steps++;
  }
  return steps;
}

/**
 * Steps/s for `seconds` each way. The decision is answered "tidak" so an instance runs all of its user tasks
 * (six in the Kalteng SOP).
 */
export async function engineBaseline({ key = 'bkd-kalteng-konsultasi-ekinerja', seconds = 5, variables = { penjelasanCukup: 'tidak' } } = {}) {
  const { sourceContext, flow, baseEngineOptions } = await loadDiagram(key);
  const interpreter = await dist('engine/flow-interpreter.js');
  const measure = async (fn) => {
    for (let i = 0; i < 20; i++) await fn(); // warm-up
    let steps = 0;
    let instances = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < seconds * 1000) {
      steps += await fn();
      instances++;
    }
    const ms = performance.now() - t0;
    return { steps, instances, ms, stepsPerSecond: (steps / ms) * 1000 };
  };
  const live = await measure(() => runLive(key, sourceContext, baseEngineOptions, variables));
  const phases = { recover: 0, resume: 0, signal: 0, getState: 0 };
  const recovering = await measure(() => runRecovering(key, sourceContext, baseEngineOptions, variables, phases));
  // The warm-up's phases are in the sums too; per step they are the same, so divide by every step measured.
  const allSteps = recovering.steps + 20 * (recovering.steps / recovering.instances);
  const perStep = Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, v / allSteps]));
  // Execute alone: what a start costs the engine.
  const t0 = performance.now();
  let starts = 0;
  while (performance.now() - t0 < 1000) {
    const engine = new Engine({ ...baseEngineOptions, name: key, sourceContext });
    await engine.execute({ variables: {} });
    starts++;
  }
  const startsPerSecond = (starts / (performance.now() - t0)) * 1000;
  const flowSteps = await measure(async () => runFlow(interpreter, flow, variables));
  const t1 = performance.now();
  let flowStarts = 0;
  while (performance.now() - t1 < 1000) {
    JSON.stringify(interpreter.startFlow(flow, {}).state);
    flowStarts++;
  }
  const flowInterpreter = { steps: flowSteps, startsPerSecond: (flowStarts / (performance.now() - t1)) * 1000 };
  return { key, live, recovering, perStepMs: perStep, startsPerSecond, stepsPerInstance: live.steps / live.instances, flowInterpreter };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await engineBaseline({ seconds: Number(process.argv[2] ?? 3) }), null, 1));
}
