// Baseline 1: bare bpmn-engine running the same SOP diagram in memory, with the service's engine options (safe
// expressions, no scripts) and the definition serialized once (compileDefinition), as the service does.
//  - live: one engine per instance, execute, then signal each user task as it waits (no state leaves memory);
//  - recovering: per step, a new engine recovers the previous step's state, resumes, signals and gives its state:
//    what a completion costs when no live engine is cached (the rate counts the steps' time only, not each
//    instance's execute). Two ways: `documented` keeps engine.getState() as it is
//    (it carries the serialized source, which recover parses again), `sourceless` builds the engine with the
//    sourceContext and keeps the state without the source (what the service stores);
//  - execute: a new engine executes to its first wait and gives its state (what a start costs the engine), both ways.
// Besides the rates, the parts of a step: recover, resume, signal, getState, and what storing the state would cost
// (its JSON size, JSON.stringify, JSON.parse, structuredClone), measured on the states the steps produced.
import fs from 'node:fs';
import path from 'node:path';
import { Engine } from 'bpmn-engine';
import { root } from './server.mjs';
import { warmUp } from './warm-up.mjs';

const dist = (p) => import(path.join(root, 'dist', 'src', p));

/** The diagram compiled as the service compiles it, and the engine options it runs with. */
export async function loadDiagram(key) {
  const { parseBpmn } = await dist('engine/bpmn-parser.js');
  const { compileDefinition } = await dist('engine/process-runtime.js');
  const { baseEngineOptions } = await dist('engine/engine-options.js');
  const xml = fs.readFileSync(path.join(root, 'processes', `${key}.bpmn`), 'utf8');
  const parsed = await parseBpmn(xml);
  const compiled = await compileDefinition(key, parsed.moddleContext);
  return { xml, compiled, sourceContext: compiled.sourceContext, baseEngineOptions };
}

function waitingTasks(engine) {
  return engine.execution.getPostponed().filter((a) => a.type === 'bpmn:UserTask');
}

function assign(engine, variables) {
  for (const d of engine.execution.definitions) for (const p of d.getRunningProcesses()) p.environment.assignVariables(variables);
}

/** The execution's state without the per-version source: bpmn-engine's Execution.getState() minus `source`. */
export function sourcelessState(engine) {
  const execution = engine.execution;
  return {
    name: engine.name,
    state: execution.state,
    stopped: execution.stopped,
    environment: execution.environment.getState(),
    definitions: execution.definitions.map((d) => d.getState()),
  };
}

const stateOf = (engine, way) => (way === 'documented' ? engine.getState() : sourcelessState(engine));

/** Runs one instance to its end, signalling every task. Returns the steps done. */
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

/** One instance from stored state at every step; `phases` sums ms per part, `states` collects some states. */
async function runRecovering(key, sourceContext, options, variables, way, phases, states) {
  let engine = new Engine({ ...options, name: key, sourceContext });
  await engine.execute({ variables: {} });
  let state = await stateOf(engine, way);
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
    state = await stateOf(engine, way);
    phases.getState += performance.now() - t;
    if (states.length < 60) states.push(state);
    steps++;
  }
  return steps;
}

/** Runs `fn` (one instance; returns its steps) for `seconds`; `timed()` is the ms to count, all of it by default. */
async function measure(fn, seconds, timed = null) {
  const warmed = await warmUp(fn);
  const from = timed?.() ?? 0;
  let steps = 0;
  let instances = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    steps += await fn();
    instances++;
  }
  const ms = timed ? timed() - from : performance.now() - t0;
  return { steps, instances, warmed, ms, stepsPerSecond: (steps / ms) * 1000 };
}

/** Mean ms of `fn` over every state, repeated until 200 ms have passed. */
function timePer(states, fn) {
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < 200) {
    for (const s of states) fn(s);
    n += states.length;
  }
  return (performance.now() - t0) / n;
}

function storageCosts(states) {
  const texts = states.map((s) => JSON.stringify(s));
  return {
    bytes: Math.round(texts.reduce((a, t) => a + Buffer.byteLength(t), 0) / texts.length),
    stringifyMs: timePer(states, (s) => JSON.stringify(s)),
    parseMs: timePer(texts, (t) => JSON.parse(t)),
    structuredCloneMs: timePer(states, (s) => structuredClone(s)),
  };
}

async function recoveringWay(key, sourceContext, options, variables, way, seconds) {
  const phases = { recover: 0, resume: 0, signal: 0, getState: 0 };
  const states = [];
  // Only the steps count: each instance's execute to its first wait is not a completion.
  const stepMs = () => phases.recover + phases.resume + phases.signal + phases.getState;
  const rate = await measure(() => runRecovering(key, sourceContext, options, variables, way, phases, states), seconds, stepMs);
  // The warm-up's phases are in the sums too; per step they are the same, so divide by every step measured.
  const allSteps = rate.steps + rate.warmed * (rate.steps / rate.instances);
  const perStepMs = Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, v / allSteps]));
  return { ...rate, perStepMs, state: storageCosts(states) };
}

/** Execute to the first wait and take the state, for one second; `way` as above. */
async function executeWay(key, sourceContext, options, way, seconds) {
  const one = async () => {
    const engine = new Engine({ ...options, name: key, sourceContext });
    await engine.execute({ variables: {} });
    await stateOf(engine, way);
  };
  await warmUp(one);
  let starts = 0;
  let executeMs = 0;
  let getStateMs = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    const engine = new Engine({ ...options, name: key, sourceContext });
    const t = performance.now();
    await engine.execute({ variables: {} });
    const u = performance.now();
    await stateOf(engine, way);
    executeMs += u - t;
    getStateMs += performance.now() - u;
    starts++;
  }
  return { startsPerSecond: (starts / (performance.now() - t0)) * 1000, executeMs: executeMs / starts, getStateMs: getStateMs / starts };
}

/**
 * Steps/s for `seconds` each way. The decision is answered "tidak" so an instance runs all of its user tasks
 * (six in the Kalteng SOP). `recovering` and `execute` are the faster of the two ways: the targets compare with them.
 */
export async function engineBaseline({ key = 'bkd-kalteng-konsultasi-ekinerja', seconds = 5, variables = { penjelasanCukup: 'tidak' }, ways = ['documented', 'sourceless'] } = {}) {
  const { sourceContext, baseEngineOptions } = await loadDiagram(key);
  const live = await measure(() => runLive(key, sourceContext, baseEngineOptions, variables), seconds);
  const recoveringWays = {};
  const executeWays = {};
  for (const way of ways) {
    recoveringWays[way] = await recoveringWay(key, sourceContext, baseEngineOptions, variables, way, seconds);
    executeWays[way] = await executeWay(key, sourceContext, baseEngineOptions, way, Math.max(1, seconds / 2));
  }
  const faster = (ways, pick) => Object.entries(ways).reduce((a, b) => (pick(b[1]) > pick(a[1]) ? b : a));
  const [recoveringWayName, recovering] = faster(recoveringWays, (w) => w.stepsPerSecond);
  const [executeWayName, execute] = faster(executeWays, (w) => w.startsPerSecond);
  return {
    key,
    live,
    recovering: { ...recovering, way: recoveringWayName },
    recoveringWays,
    execute: { ...execute, way: executeWayName },
    executeWays,
    startsPerSecond: execute.startsPerSecond,
    stepsPerInstance: live.steps / live.instances,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await engineBaseline({ seconds: Number(process.argv[2] ?? 3) }), null, 1));
}
