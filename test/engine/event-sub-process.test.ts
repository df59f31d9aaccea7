// An interrupting event sub-process cancels the rest of its scope, and only its scope; a non-interrupting one
// cancels nothing. Each step runs from the stored state alone (no live engine is kept).
import t from 'tap';
import { parseBpmn } from '../../src/engine/bpmn-parser.js';
import { interrupts } from '../../src/engine/event-sub-process.js';
import { compileDefinition, ProcessRuntime, type CompiledProcess, type RunResult } from '../../src/engine/process-runtime.js';

const stored = async (result: RunResult): Promise<RunResult> => JSON.parse(JSON.stringify(result)) as RunResult;

async function compile(body: string): Promise<CompiledProcess> {
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="urn:x">
  <bpmn:error id="err" errorCode="E"/>
  <bpmn:process id="p" isExecutable="true">${body}</bpmn:process>
</bpmn:definitions>`;
  return compileDefinition('p', (await parseBpmn(xml)).moddleContext);
}

const HANDLER = `<bpmn:subProcess id="tangani" triggeredByEvent="true">
  <bpmn:startEvent id="e-mulai"><bpmn:errorEventDefinition errorRef="err"/></bpmn:startEvent>
  <bpmn:userTask id="kembalikan"/>
  <bpmn:sequenceFlow id="e1" sourceRef="e-mulai" targetRef="kembalikan"/>
</bpmn:subProcess>`;

/** Completes the waiting task `elementId` of a stored result, recovering the engine from that state. */
async function complete(runtime: ProcessRuntime, source: CompiledProcess, rev: number, from: RunResult, elementId: string): Promise<RunResult> {
  const task = from.waiting.find((w) => w.elementId === elementId);
  if (!task) throw new Error(`${elementId} is not waiting`);
  return runtime.signal({ id: 'i', rev, state: from.state }, 'p', source, task, {}, stored);
}

t.test('given a parallel split whose first branch throws at once, when the error starts the event sub-process, then the branch after it never waits', async (t) => {
  const source = await compile(`<bpmn:startEvent id="mulai"/><bpmn:parallelGateway id="cabang"/>
    <bpmn:endEvent id="gagal"><bpmn:errorEventDefinition errorRef="err"/></bpmn:endEvent><bpmn:userTask id="catat"/>
    <bpmn:sequenceFlow id="f1" sourceRef="mulai" targetRef="cabang"/><bpmn:sequenceFlow id="f2" sourceRef="cabang" targetRef="gagal"/>
    <bpmn:sequenceFlow id="f3" sourceRef="cabang" targetRef="catat"/>${HANDLER}`);
  const runtime = new ProcessRuntime({ cacheBytes: 0 });
  const started = await runtime.start('i', 'p', source, {}, stored);
  t.same(started.waiting.map((w) => w.elementId), ['kembalikan']);
  const done = await complete(runtime, source, 1, started, 'kembalikan');
  t.ok(done.completed);
});

t.test('given an event sub-process inside an embedded sub-process, when it interrupts, then only that sub-process is cancelled and the flow goes on after it', async (t) => {
  const source = await compile(`<bpmn:startEvent id="mulai"/><bpmn:parallelGateway id="cabang"/><bpmn:userTask id="catat"/>
    <bpmn:subProcess id="periksa-sp"><bpmn:startEvent id="s-mulai"/><bpmn:parallelGateway id="s-cabang"/>
      <bpmn:userTask id="periksa"/><bpmn:userTask id="arsip"/><bpmn:endEvent id="gagal"><bpmn:errorEventDefinition errorRef="err"/></bpmn:endEvent>
      <bpmn:sequenceFlow id="s1" sourceRef="s-mulai" targetRef="s-cabang"/><bpmn:sequenceFlow id="s2" sourceRef="s-cabang" targetRef="periksa"/>
      <bpmn:sequenceFlow id="s3" sourceRef="s-cabang" targetRef="arsip"/><bpmn:sequenceFlow id="s4" sourceRef="periksa" targetRef="gagal"/>
      ${HANDLER}</bpmn:subProcess>
    <bpmn:userTask id="terbitkan"/>
    <bpmn:sequenceFlow id="f1" sourceRef="mulai" targetRef="cabang"/><bpmn:sequenceFlow id="f2" sourceRef="cabang" targetRef="periksa-sp"/>
    <bpmn:sequenceFlow id="f3" sourceRef="cabang" targetRef="catat"/><bpmn:sequenceFlow id="f4" sourceRef="periksa-sp" targetRef="terbitkan"/>`);
  const runtime = new ProcessRuntime({ cacheBytes: 0 });
  const started = await runtime.start('i', 'p', source, {}, stored);
  t.same(started.waiting.map((w) => w.elementId).sort(), ['arsip', 'catat', 'periksa']);
  const thrown = await complete(runtime, source, 1, started, 'periksa');
  t.same(thrown.waiting.map((w) => w.elementId).sort(), ['catat', 'kembalikan'], 'arsip, beside the thrower in the sub-process, is cancelled; catat, outside it, is not');
  const handled = await complete(runtime, source, 2, thrown, 'kembalikan');
  t.same(handled.waiting.map((w) => w.elementId).sort(), ['catat', 'terbitkan'], 'the handled sub-process completes and its flow goes on');
});

t.test('an error start always interrupts; another start interrupts unless isInterrupting is false', async (t) => {
  const start = (type: string, isInterrupting?: boolean) => ({ behaviour: { eventDefinitions: [{ type }], ...(isInterrupting === undefined ? {} : { isInterrupting }) } });
  t.ok(interrupts(start('bpmn:ErrorEventDefinition', false)), 'BPMN 2.0: isInterrupting cannot be false on an error start');
  t.ok(interrupts(start('bpmn:EscalationEventDefinition')));
  t.notOk(interrupts(start('bpmn:EscalationEventDefinition', false)));
});
