// The flow interpreter against bpmn-engine: on every SOP and fixture diagram, and on small diagrams built for the
// cases the SOPs do not have (parallel and inclusive gateways, a join after a decision, two tokens at one task,
// loops, terminate), random walks must give the same waiting tasks, the same end and the same errors.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import type { ModdleElement } from 'bpmn-moddle';
import { parseBpmn } from '../../src/engine/bpmn-parser.js';
import { compileFlowModel, type FlowModel } from '../../src/engine/flow-model.js';
import { FLOW_STATE_FORMAT, signalFlow, startFlow } from '../../src/engine/flow-interpreter.js';
import { compileDefinition, ProcessRuntime, type CompiledProcess, type EngineState, type RunResult } from '../../src/engine/process-runtime.js';
import { EngineRunError } from '../../src/errors.js';
import { parseExpression, type Expr } from '../../src/engine/safe-expression.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

function diagram(body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="definitions_uji" targetNamespace="http://example.org/uji">
  <process id="uji" isExecutable="true">${body}</process>
</definitions>`;
}

const flow = (id: string, from: string, to: string, condition?: string) =>
  condition === undefined
    ? `<sequenceFlow id="${id}" sourceRef="${from}" targetRef="${to}" />`
    : `<sequenceFlow id="${id}" sourceRef="${from}" targetRef="${to}"><conditionExpression>\${${condition}}</conditionExpression></sequenceFlow>`;

/** Small diagrams for the semantics the SOPs do not exercise. */
const CRAFTED: Record<string, string> = {
  'parallel split and join': diagram(`
    <startEvent id="s" /><parallelGateway id="fork" /><userTask id="a" /><userTask id="b" /><userTask id="c" />
    <parallelGateway id="join" /><userTask id="after" /><endEvent id="e" />
    ${flow('f1', 's', 'fork')}${flow('f2', 'fork', 'a')}${flow('f3', 'fork', 'b')}${flow('f3c', 'fork', 'c')}
    ${flow('f4', 'a', 'join')}${flow('f5', 'b', 'join')}${flow('f5c', 'c', 'join')}${flow('f6', 'join', 'after')}${flow('f7', 'after', 'e')}`),
  'parallel join after a decision': diagram(`
    <startEvent id="s" /><userTask id="pilih" /><exclusiveGateway id="x" default="fb" /><userTask id="a" /><userTask id="b" />
    <parallelGateway id="join" /><userTask id="akhir" /><endEvent id="e" />
    ${flow('f1', 's', 'pilih')}${flow('f2', 'pilih', 'x')}${flow('fa', 'x', 'a', "jalur == 'a'")}${flow('fb', 'x', 'b')}
    ${flow('f3', 'a', 'join')}${flow('f4', 'b', 'join')}${flow('f5', 'join', 'akhir')}${flow('f6', 'akhir', 'e')}`),
  'inclusive split with default and merge': diagram(`
    <startEvent id="s" /><userTask id="isi" /><inclusiveGateway id="or" default="fd" /><userTask id="a" /><userTask id="b" /><userTask id="d" />
    <inclusiveGateway id="merge" /><userTask id="tutup" /><endEvent id="e" />
    ${flow('f1', 's', 'isi')}${flow('f2', 'isi', 'or')}${flow('fa', 'or', 'a', 'perluA == true')}${flow('fb', 'or', 'b', 'nilai > 5')}${flow('fd', 'or', 'd')}
    ${flow('f3', 'a', 'merge')}${flow('f4', 'b', 'merge')}${flow('f5', 'd', 'merge')}${flow('f6', 'merge', 'tutup')}${flow('f7', 'tutup', 'e')}`),
  'two tokens reach one task': diagram(`
    <startEvent id="s" /><parallelGateway id="fork" /><intermediateThrowEvent id="t1" /><manualTask id="m" />
    <userTask id="sama" /><endEvent id="e" />
    ${flow('f1', 's', 'fork')}${flow('f2', 'fork', 't1')}${flow('f3', 'fork', 'm')}${flow('f4', 't1', 'sama')}${flow('f5', 'm', 'sama')}${flow('f6', 'sama', 'e')}`),
  'a loop back to an earlier task': diagram(`
    <startEvent id="s" /><userTask id="ajukan" /><userTask id="periksa" /><exclusiveGateway id="ok" />
    <endEvent id="e" />
    ${flow('f1', 's', 'ajukan')}${flow('f2', 'ajukan', 'periksa')}${flow('f3', 'periksa', 'ok')}
    ${flow('fy', 'ok', 'e', "lengkap == 'ya'")}${flow('fn', 'ok', 'ajukan', "lengkap != 'ya'")}`),
  'terminate withdraws the other branch': diagram(`
    <startEvent id="s" /><parallelGateway id="fork" /><userTask id="lama" /><userTask id="cepat" /><exclusiveGateway id="x" default="fl" />
    <endEvent id="stop"><terminateEventDefinition /></endEvent><endEvent id="e" /><endEvent id="e2" />
    ${flow('f1', 's', 'fork')}${flow('f2', 'fork', 'lama')}${flow('f3', 'fork', 'cepat')}${flow('f4', 'lama', 'e')}
    ${flow('f5', 'cepat', 'x')}${flow('ft', 'x', 'stop', 'batal == true')}${flow('fl', 'x', 'e2')}`),
  'terminate on a throw event': diagram(`
    <startEvent id="s" /><parallelGateway id="fork" /><userTask id="a" /><userTask id="b" /><intermediateThrowEvent id="henti"><terminateEventDefinition /></intermediateThrowEvent>
    <endEvent id="e" />
    ${flow('f1', 's', 'fork')}${flow('f2', 'fork', 'a')}${flow('f3', 'fork', 'b')}${flow('f4', 'a', 'henti')}${flow('f5', 'henti', 'e')}${flow('f6', 'b', 'e')}`),
  'conditional flows out of a task and two starts': diagram(`
    <startEvent id="s1" /><startEvent id="s2" /><userTask id="a" /><userTask id="b" /><userTask id="c" /><userTask id="lepas" /><endEvent id="e" />
    ${flow('f1', 's1', 'a')}${flow('f2', 's2', 'lepas')}${flow('f3', 'a', 'b', "arah == 'b'")}${flow('f4', 'a', 'c', 'cepat == true')}
    ${flow('f5', 'b', 'e')}${flow('f6', 'c', 'e')}${flow('f7', 'lepas', 'e')}`),
  'a decision with no default can stop': diagram(`
    <startEvent id="s" /><userTask id="a" /><exclusiveGateway id="x" /><userTask id="y" /><endEvent id="e" />
    ${flow('f1', 's', 'a')}${flow('f2', 'a', 'x')}${flow('f3', 'x', 'y', "keputusan == 'terima'")}${flow('f4', 'x', 'e', "keputusan == 'tolak'")}${flow('f5', 'y', 'e')}`),
  'nested decisions merging into a join': diagram(`
    <startEvent id="s" /><parallelGateway id="fork" /><userTask id="a" /><exclusiveGateway id="x" default="f5" /><userTask id="b" /><userTask id="c" />
    <exclusiveGateway id="m" /><parallelGateway id="join" /><userTask id="akhir" /><endEvent id="e" />
    ${flow('f1', 's', 'fork')}${flow('f2', 'fork', 'a')}${flow('f3', 'fork', 'x')}${flow('f4', 'x', 'b', 'n >= 3')}${flow('f5', 'x', 'c')}
    ${flow('f6', 'b', 'm')}${flow('f7', 'c', 'm')}${flow('f8', 'm', 'join')}${flow('f9', 'a', 'join')}${flow('f10', 'join', 'akhir')}${flow('f11', 'akhir', 'e')}`),
};

async function compile(xml: string): Promise<{ compiled: CompiledProcess & { flow: FlowModel }; process: ModdleElement }> {
  const parsed = await parseBpmn(xml);
  const process = (parsed.definitions.rootElements as ModdleElement[]).find((e) => e.$type === 'bpmn:Process' && e.isExecutable) as ModdleElement;
  const flow = compileFlowModel(process);
  if (!flow) throw new Error('the interpreter cannot run this diagram');
  return { process, compiled: { flow, sourceContext: await compileDefinition(String(process.id), parsed.moddleContext) } };
}

/** Every literal each variable is compared with in the diagram's conditions, plus values that match none. */
function variableChoices(process: ModdleElement): Map<string, unknown[]> {
  const choices = new Map<string, unknown[]>();
  const visit = (e: Expr, paths: string[][]): void => {
    if (e.kind === 'path') paths.push(e.path);
    if (e.kind === 'not') visit(e.operand, paths);
    if (e.kind === 'logical') {
      visit(e.left, paths);
      visit(e.right, paths);
    }
    if (e.kind === 'compare') {
      const sides = [e.left, e.right];
      const p = sides.find((s) => s.kind === 'path');
      const lit = sides.find((s) => s.kind === 'literal');
      if (p?.kind === 'path' && lit?.kind === 'literal') {
        const name = p.path.join('.');
        const list = choices.get(name) ?? [];
        list.push(lit.value);
        if (typeof lit.value === 'number') list.push(lit.value - 1, lit.value + 1);
        choices.set(name, list);
      }
    }
  };
  for (const el of (process.flowElements as ModdleElement[]) ?? []) {
    const body = (el.conditionExpression as ModdleElement | undefined)?.body;
    if (body === undefined) continue;
    const paths: string[][] = [];
    visit(parseExpression(String(body).trim().slice(2, -1)), paths);
    for (const p of paths) if (!choices.has(p.join('.'))) choices.set(p.join('.'), []);
  }
  for (const list of choices.values()) list.push(true, false, 'lainnya');
  return choices;
}

/** A small seeded generator, so that a failing walk can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return s / 2 ** 32;
  };
}

type Outcome = { ok: true; result: RunResult } | { ok: false; error: string };

async function attempt(run: () => Promise<{ result: RunResult }>): Promise<Outcome> {
  try {
    return { ok: true, result: (await run()).result };
  } catch (err) {
    if (!(err instanceof EngineRunError)) throw err;
    return { ok: false, error: err.message };
  }
}

const waitingIds = (r: RunResult) => r.waiting.map((w) => w.elementId).sort();

/** Walks one instance on both executors with the same choices; returns the first difference, or null. */
async function walk(compiled: CompiledProcess, choices: Map<string, unknown[]>, seed: number): Promise<{ difference: string | null; steps: number; ended: string }> {
  const next = random(seed);
  const engine = new ProcessRuntime(0, 'bpmn-engine');
  const flowRuntime = new ProcessRuntime(0, 'flow');
  const pick = <T>(list: T[]): T => list[Math.floor(next() * list.length)] as T;
  const startVars: Record<string, unknown> = {};
  for (const [name, list] of choices) if (next() < 0.5) startVars[name] = pick(list);
  let a = await attempt(() => engine.start('uji', compiled, startVars));
  let b = await attempt(() => flowRuntime.start('uji', compiled, startVars));
  let variables = { ...startVars };
  for (let steps = 0; steps < 40; steps++) {
    if (a.ok !== b.ok) return { difference: `step ${steps}: bpmn-engine ${a.ok ? 'ran' : `failed (${(a as { error: string }).error})`}, flow ${b.ok ? 'ran' : `failed (${(b as { error: string }).error})`}`, steps, ended: 'differs' };
    if (!a.ok || !b.ok) return { difference: null, steps, ended: 'error' };
    const ra = a.result;
    const rb = b.result;
    if (JSON.stringify(waitingIds(ra)) !== JSON.stringify(waitingIds(rb))) return { difference: `step ${steps}: waiting ${waitingIds(ra)} vs ${waitingIds(rb)}`, steps, ended: 'differs' };
    // bpmn-engine can leave an instance running with nothing left to do (after an inclusive merge, or a join that
    // a discard reached last); the service could never end such a case. The interpreter ends it.
    if (!ra.completed && rb.completed && ra.waiting.length === 0) return { difference: null, steps, ended: 'completed (bpmn-engine stalls)' };
    if (ra.completed !== rb.completed) return { difference: `step ${steps}: completed ${ra.completed} vs ${rb.completed}`, steps, ended: 'differs' };
    if (rb.completed || rb.waiting.length === 0) return { difference: null, steps, ended: rb.completed ? 'completed' : 'stuck' };
    const task = pick(rb.waiting);
    const taskA = ra.waiting.find((w) => w.elementId === task.elementId);
    if (!taskA) return { difference: `no bpmn-engine task for ${task.elementId}`, steps, ended: 'differs' };
    const routing: Record<string, unknown> = {};
    for (const [name, list] of choices) if (next() < 0.6) routing[name] = pick(list);
    variables = { ...variables, ...routing };
    const stateA = JSON.parse(JSON.stringify(ra.state)) as EngineState;
    const stateB = JSON.parse(JSON.stringify(rb.state)) as EngineState;
    a = await attempt(() => engine.signal('i', 'uji', compiled, { state: stateA, rev: steps + 1 }, taskA, { routing, variables }));
    b = await attempt(() => flowRuntime.signal('i', 'uji', compiled, { state: stateB, rev: steps + 1 }, task, { routing, variables }));
  }
  return { difference: null, steps: 40, ended: 'long' };
}

const files = [
  ...fs.readdirSync(path.join(ROOT, 'processes')).filter((f) => f.endsWith('.bpmn')).map((f) => path.join('processes', f)),
  ...['two-step.bpmn', 'three-lane.bpmn'].map((f) => path.join('test', 'fixtures', f)),
];
const cases: Array<[string, string]> = [...files.map((f): [string, string] => [f, fs.readFileSync(path.join(ROOT, f), 'utf8')]), ...Object.entries(CRAFTED)];

/** Walks per diagram; each runs bpmn-engine from stored state at every step, which is what makes them slow. */
const WALKS = 24;

/**
 * Diagrams on which the interpreter, which joins by bpmn-elements 17's dead-path elimination, no longer agrees with
 * bpmn-engine, whose joins now wait for taken tokens (src/engine/elements/join-activity.ts). Reported as todo.
 */
const JOINS_BY_DEAD_PATH = new Set(['parallel join after a decision', 'inclusive split with default and merge', 'nested decisions merging into a join']);

t.test('the flow interpreter walks every diagram as bpmn-engine does', async (t) => {
  for (const [name, xml] of cases) {
    const { compiled, process } = await compile(xml);
    const choices = variableChoices(process);
    const endings = new Map<string, number>();
    let differences = 0;
    for (let seed = 1; seed <= WALKS; seed++) {
      const { difference, ended } = await walk(compiled, choices, seed * 7919 + name.length);
      if (difference) {
        differences++;
        const todo = JOINS_BY_DEAD_PATH.has(name) ? { todo: 'the interpreter joins by dead-path elimination' } : {};
        t.fail(`${name}, seed ${seed * 7919 + name.length}: ${difference}`, todo);
        break;
      }
      endings.set(ended, (endings.get(ended) ?? 0) + 1);
    }
    if (differences === 0) t.pass(`${name}: ${WALKS} walks agree (${[...endings].map(([k, v]) => `${v} ${k}`).join(', ')})`);
  }
});

t.test('semantics the walks rely on, spelled out', async (t) => {
  const model = async (name: string) => (await compile(CRAFTED[name] as string)).compiled.flow;

  const join = await model('parallel join after a decision');
  let run = startFlow(join, {});
  run = signalFlow(join, run.state, run.waiting[0]!, { jalur: 'a' });
  t.same(run.waiting.map((w) => w.elementId), ['a'], 'the decision took one branch');
  run = signalFlow(join, run.state, run.waiting[0]!, { jalur: 'a' });
  t.same(run.waiting.map((w) => w.elementId), ['akhir'], 'the join fired: the untaken branch was discarded up to it');

  const two = await model('two tokens reach one task');
  run = startFlow(two, {});
  t.same(run.waiting.map((w) => w.elementId).sort(), ['m', 'sama'], 'the throw event passed its token on');
  const first = run.waiting.find((w) => w.elementId === 'sama')!;
  run = signalFlow(two, run.state, run.waiting.find((w) => w.elementId === 'm')!, {});
  t.same(run.waiting, [first], 'the second token waits in the queue while the task is open');
  t.same(Object.keys(run.state.queued), ['sama']);
  run = signalFlow(two, run.state, first, {});
  t.equal(run.waiting.length, 1);
  t.not(run.waiting[0]!.executionId, first.executionId, 'the queued token opened a new execution');
  run = signalFlow(two, run.state, run.waiting[0]!, {});
  t.ok(run.completed);

  const term = await model('terminate withdraws the other branch');
  run = startFlow(term, {});
  const stopped = signalFlow(term, run.state, run.waiting.find((w) => w.elementId === 'cepat')!, { batal: true });
  t.ok(stopped.completed, 'terminated');
  t.same(stopped.waiting, [], 'the other task is withdrawn');
  t.equal(stopped.state.status, 'terminated');
  t.throws(() => signalFlow(term, stopped.state, run.waiting[0]!, {}), EngineRunError, 'an ended instance cannot be signalled');

  const stop = await model('a decision with no default can stop');
  run = startFlow(stop, {});
  t.throws(() => signalFlow(stop, run.state, run.waiting[0]!, { keputusan: 'tunda' }), /no conditional flow taken/);
  t.throws(() => signalFlow(stop, run.state, { elementId: 'y', executionId: 'y_9' }, {}), /is not waiting/);
  t.same(startFlow(stop, {}).state, { format: FLOW_STATE_FORMAT, seq: 1, status: 'running', waiting: [{ elementId: 'a', executionId: 'a_1' }], queued: {}, arrivals: {} }, 'the stored state is small and plain');

  const kept = signalFlow(stop, run.state, run.waiting[0]!, { keputusan: 'terima' });
  t.same(run.waiting.map((w) => w.elementId), ['a'], 'signalling does not change the state it was given');
  t.same(kept.waiting.map((w) => w.elementId), ['y']);

  const loop = await compile(diagram(`<startEvent id="s" /><exclusiveGateway id="x" default="f2" /><intermediateThrowEvent id="i" />${flow('f1', 's', 'x')}${flow('f2', 'x', 'i')}${flow('f3', 'i', 'x')}`));
  t.throws(() => startFlow(loop.compiled.flow, {}), /loop without waiting/, 'a loop with no task is stopped, not run for ever');
});

t.test('an instance stored by bpmn-engine stays on bpmn-engine', async (t) => {
  const { compiled } = await compile(fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'two-step.bpmn'), 'utf8'));
  const { result: legacy } = await new ProcessRuntime(0, 'bpmn-engine').start('uji', compiled, {});
  t.notOk('format' in legacy.state, 'bpmn-engine state');
  const runtime = new ProcessRuntime(0, 'flow');
  const { result: next } = await runtime.signal('i', 'uji', compiled, { state: JSON.parse(JSON.stringify(legacy.state)), rev: 1 }, legacy.waiting[0]!, { routing: {}, variables: {} });
  t.same(next.waiting.map((w) => w.elementId), ['putuskan']);
  t.notOk('format' in next.state, 'still bpmn-engine state');
  const { result: fresh } = await runtime.start('uji', compiled, {});
  t.equal(fresh.state.format, FLOW_STATE_FORMAT, 'new instances run on the flow interpreter');
});

t.test('a version with a multi-instance task, stored before the lockdown refused it, starts on bpmn-engine', async (t) => {
  const xml = diagram(`<startEvent id="s" /><userTask id="banyak"><multiInstanceLoopCharacteristics isSequential="true"><loopCardinality>2</loopCardinality></multiInstanceLoopCharacteristics></userTask><endEvent id="e" />${flow('f1', 's', 'banyak')}${flow('f2', 'banyak', 'e')}`);
  const parsed = await parseBpmn(xml);
  const process = (parsed.definitions.rootElements as ModdleElement[]).find((e) => e.$type === 'bpmn:Process') as ModdleElement;
  t.equal(compileFlowModel(process), null, 'the interpreter does not take it');
  const compiled: CompiledProcess = { flow: null, sourceContext: await compileDefinition('uji', parsed.moddleContext) };
  const runtime = new ProcessRuntime(0, 'flow');
  const { result } = await runtime.start('uji', compiled, {});
  t.notOk('format' in result.state, 'bpmn-engine runs it');
  t.same(result.waiting.map((w) => w.elementId), ['banyak']);
  const stored = startFlow((await compile(CRAFTED['parallel split and join'] as string)).compiled.flow, {}).state as unknown as EngineState;
  await t.rejects(runtime.signal('i', 'uji', compiled, { state: stored, rev: 1 }, { elementId: 'a', executionId: 'a_1' }, { routing: {}, variables: {} }), EngineRunError, 'a flow state cannot be run without a flow model');
});
