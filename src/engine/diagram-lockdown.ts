// Decides whether a parsed diagram may run here: nothing in it may execute code, and every element
// must be one the service can persist and resume. Problems name the element they concern.
import type { ModdleElement } from 'bpmn-moddle';
import type { ElementProblem } from '../errors.js';
import { checkTemplate } from './safe-expression.js';
import { conditionProblem, expressionKind, expressionProblem } from './expressions.js';
import { parseSlots } from '../sop/sop-metadata.js';
import { flowElementsDeep } from './flow-elements.js';
import { loopSource } from './loop-sources.js';
import { readExternalTask } from './external-task-definitions.js';
import { EXTERNAL_TASK_TYPES, HUMAN_TASK_TYPES, REFUSED_ELEMENTS, SUPPORTED_EVENT_DEFINITIONS, SUPPORTED_FLOW_ELEMENTS } from './supported-elements.js';
import { readCallActivities, type CallDeclaration } from './call-activity-declarations.js';
import { vendorAttributes } from './vendor-attributes.js';
import { charCount, TEXT_LIMITS } from '../db/text-limits.js';

/** Names the bpmn-engine run message puts into process variables; a form field may not shadow them. */
export const RESERVED_VARIABLE_NAMES = new Set(['fields', 'content', 'properties', 'environment', 'variables', 'constructor', 'prototype', '__proto__', 'this']);
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Vendor extension elements and attributes that carry code in other engines (Camunda, Flowable, Activiti, Zeebe). */
const CODE_EXTENSION_ELEMENTS = new Set(['script']);
const CODE_ATTRIBUTES = new Set(['class', 'delegateexpression', 'expression', 'script', 'scriptformat']);
/**
 * Listeners of any vendor are never run (nothing in a diagram runs as code, and Zeebe's are jobs for workers this
 * service does not have): the deploy warns of each and does not look inside, since none of it is used.
 */
const IGNORED_EXTENSION_ELEMENTS = new Set(['executionlistener', 'tasklistener', 'executionlisteners', 'tasklisteners']);

export interface LockdownResult {
  problems: ElementProblem[];
  warnings: ElementProblem[];
}

function localName(name: string): string {
  const i = name.indexOf(':');
  return (i >= 0 ? name.slice(i + 1) : name).toLowerCase();
}

function nearestId(el: ModdleElement | undefined): string {
  let cur = el;
  while (cur) {
    if (typeof cur.id === 'string' && cur.id) return cur.id;
    cur = cur.$parent;
  }
  return 'definitions';
}

/** Walks every element of the document, including unknown vendor extensions; `visit` false: not its children. */
function walk(el: ModdleElement, visit: (el: ModdleElement) => boolean, seen = new Set<ModdleElement>()): void {
  if (seen.has(el)) return;
  seen.add(el);
  if (!visit(el)) return;
  for (const [key, value] of Object.entries(el)) {
    if (key === '$parent' || key === '$descriptor' || key === '$model') continue;
    const children = Array.isArray(value) ? value : [value];
    for (const child of children) {
      if (child && typeof child === 'object' && typeof (child as ModdleElement).$type === 'string') {
        // References (sourceRef, default, flowNodeRef …) point at elements reached elsewhere; walking them is harmless.
        walk(child as ModdleElement, visit, seen);
      }
    }
  }
}

/** Whether `el` is the condition of its parent: checkExpression reads its body whole, so it is not read again as a template. */
function isCondition(el: ModdleElement): boolean {
  const parent = el.$parent;
  return parent !== undefined && (parent.conditionExpression === el || parent.loopCondition === el || parent.completionCondition === el || parent.condition === el);
}

function checkStrings(el: ModdleElement, id: string, problems: ElementProblem[]): void {
  const texts: string[] = [];
  // One fault of a condition is one problem (checkExpression's), not a second one worded as a template's.
  const condition = isCondition(el);
  for (const [key, value] of Object.entries(el)) {
    if (key.startsWith('$') && key !== '$attrs' && key !== '$body') continue;
    if (condition && key === 'body') continue;
    if (typeof value === 'string') texts.push(value);
  }
  for (const value of Object.values(el.$attrs ?? {})) texts.push(value);
  for (const text of texts) {
    const problem = checkTemplate(text);
    if (problem) problems.push({ elementId: id, message: problem });
  }
  // A formal expression in FEEL (a timer's, say) must parse and stay in the sandbox like a condition.
  if (!condition && el.$type === 'bpmn:FormalExpression' && typeof el.body === 'string' && expressionKind(el.body) === 'feel') {
    const problem = expressionProblem(el.body);
    if (problem) problems.push({ elementId: id, message: problem });
  }
}

function checkCondition(flow: ModdleElement, problems: ElementProblem[]): void {
  checkExpression(flow.conditionExpression as ModdleElement | undefined, flow.id ?? 'sequenceFlow', problems);
}

/** A condition (flow, loop or completion condition) must be one safe `${…}` or FEEL `=…` expression, never a script. */
function checkExpression(condition: ModdleElement | undefined, id: string, problems: ElementProblem[]): void {
  if (!condition) return;
  if (typeof condition.language === 'string' && condition.language) {
    problems.push({ elementId: id, message: `script condition (${condition.language}) is not allowed: conditions may only compare form variables` });
    return;
  }
  const problem = conditionProblem(String(condition.body ?? ''));
  if (problem) problems.push({ elementId: id, message: problem });
}

/** The sequence flows leaving `node`; bpmn-moddle fills `outgoing` only when the XML lists it, sourceRef is the truth. */
function outgoingFlows(node: ModdleElement): ModdleElement[] {
  const siblings = (node.$parent?.flowElements as ModdleElement[] | undefined) ?? [];
  return siblings.filter((f) => f.$type === 'bpmn:SequenceFlow' && f.sourceRef === node);
}

function checkGateway(gateway: ModdleElement, problems: ElementProblem[]): void {
  const outgoing = outgoingFlows(gateway);
  const id = gateway.id ?? 'gateway';
  if (outgoing.length < 2) return;
  // Whether some values leave it without a flow is the variable analysis's (decision-coverage.ts) to say.
  for (const flow of outgoing) {
    if (flow !== gateway.default && !flow.conditionExpression) {
      problems.push({ elementId: flow.id ?? id, message: `flow out of decision ${id} needs a condition or must be the gateway's default` });
    }
  }
}

/** A parallel gateway takes every outgoing flow and never evaluates conditions (BPMN 2.0 §13.3.2, as Camunda 7 runs it). */
function checkParallelGateway(gateway: ModdleElement, warnings: ElementProblem[]): void {
  for (const flow of outgoingFlows(gateway)) {
    if (flow.conditionExpression) {
      warnings.push({ elementId: flow.id ?? 'sequenceFlow', message: 'condition ignored: a parallel gateway takes every outgoing flow' });
    }
  }
}

function checkForm(task: ModdleElement, problems: ElementProblem[]): void {
  const values = ((task.extensionElements as ModdleElement | undefined)?.values as ModdleElement[] | undefined) ?? [];
  for (const form of values.filter((v) => v.$type === 'sop:Form')) checkFields((form.fields as ModdleElement[] | undefined) ?? [], task.id ?? 'task', problems);
}

/** A message's variables are declared as `sop:field` children of its extension elements, checked like a form's. */
function checkMessageFields(message: ModdleElement, problems: ElementProblem[]): void {
  const values = ((message.extensionElements as ModdleElement | undefined)?.values as ModdleElement[] | undefined) ?? [];
  checkFields(values.filter((v) => v.$type === 'sop:Field'), message.id ?? 'message', problems);
}

function checkFields(fields: ModdleElement[], id: string, problems: ElementProblem[]): void {
  const names = new Set<string>();
  for (const field of fields) {
    const name = String(field.name ?? '');
    if (!IDENTIFIER.test(name) || RESERVED_VARIABLE_NAMES.has(name)) {
      problems.push({ elementId: id, message: `form field name '${name}' must be an identifier and not a reserved name` });
    }
    if (names.has(name)) problems.push({ elementId: id, message: `form field '${name}' is declared twice` });
    names.add(name);
    const type = String(field.type ?? 'string');
    if (!['string', 'boolean', 'enum', 'datetime', 'number'].includes(type)) {
      problems.push({ elementId: id, message: `form field '${name}' has unknown type '${type}'` });
    }
    if (typeof field.slots === 'string' && (type !== 'datetime' || !parseSlots(field.slots))) {
      problems.push({ elementId: id, message: `slots of '${name}' must be HH:mm-HH:mm windows on a datetime field` });
    }
    const options = (field.options as ModdleElement[] | undefined) ?? [];
    if (type === 'enum' && options.length === 0) problems.push({ elementId: id, message: `enum field '${name}' has no options` });
    for (const option of options) {
      const when = option.when;
      if (typeof when !== 'string' || !when) continue;
      const problem = conditionProblem(when);
      if (problem) problems.push({ elementId: id, message: `option '${String(option.value)}' of '${name}': ${problem}` });
    }
  }
}

const SENDS_MESSAGE = 'sending a message is not supported: a case receives messages through POST /messages';

/**
 * What a message, signal or conditional event (or a receive task) needs to run here: a named message or signal that
 * `POST /messages` and `POST /signals` can address (a thrown signal names what other cases catch), no message sent
 * (there is no recipient but the API's callers), and a condition that is one safe `${…}` expression. A conditional start event of the process is evaluated by
 * `POST /condition`; one of an event sub-process is refused (nothing here evaluates it while its scope runs).
 */
function eventProblems(el: ModdleElement, id: string): ElementProblem[] {
  const problems: ElementProblem[] = [];
  const owner = el.$parent;
  const throwing = owner?.$type === 'bpmn:IntermediateThrowEvent' || owner?.$type === 'bpmn:EndEvent';
  if (el.$type === 'bpmn:MessageEventDefinition' || el.$type === 'bpmn:ReceiveTask') {
    if (throwing) problems.push({ elementId: id, message: SENDS_MESSAGE });
    else if (!str((el.messageRef as ModdleElement | undefined)?.name)) problems.push({ elementId: id, message: 'a message catch needs a messageRef to a bpmn:message with a name' });
  }
  if (el.$type === 'bpmn:SignalEventDefinition' && !str((el.signalRef as ModdleElement | undefined)?.name)) {
    problems.push({ elementId: id, message: `a signal ${throwing ? 'throw' : 'catch'} needs a signalRef to a bpmn:signal with a name` });
  }
  if (el.$type === 'bpmn:ConditionalEventDefinition') {
    if (owner?.$type === 'bpmn:StartEvent' && owner.$parent?.$type !== 'bpmn:Process') problems.push({ elementId: id, message: 'conditional start events of sub-processes are not supported: use a conditional boundary or intermediate catch event' });
    else if (!el.condition) problems.push({ elementId: id, message: 'a conditional event needs a condition' });
    else checkExpression(el.condition as ModdleElement, id, problems);
  }
  return problems;
}

const str = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value : undefined);

/** Checks a whole diagram against what the service will run. */
export function lockdown(definitions: ModdleElement): LockdownResult {
  const problems: ElementProblem[] = [];
  const warnings: ElementProblem[] = [];
  const processes = ((definitions.rootElements as ModdleElement[] | undefined) ?? []).filter((e) => e.$type === 'bpmn:Process');
  const executable = processes.filter((p) => p.isExecutable === true);
  if (executable.length === 0) {
    problems.push({ elementId: processes[0]?.id ?? 'definitions', message: 'no executable process (isExecutable="true")' });
  } else if (executable.length > 1) {
    for (const p of executable.slice(1)) {
      problems.push({ elementId: p.id ?? 'process', message: 'only one executable process per file is supported: deploy each in its own file' });
    }
  }

  walk(definitions, (el) => {
    // An event definition is reported on its event, which is what a modeler shows.
    const id = el.$type.endsWith('EventDefinition') ? nearestId(el.$parent) : nearestId(el);
    const type = el.$type;
    const refusal = REFUSED_ELEMENTS.get(type);
    if (refusal) problems.push({ elementId: id, message: `${type}: ${refusal}` });
    if (type === 'bpmn:SequenceFlow') checkCondition(el, problems);
    if (HUMAN_TASK_TYPES.has(type)) checkForm(el, problems);
    if (EXTERNAL_TASK_TYPES.has(type)) {
      const { problem } = readExternalTask(el);
      if (problem) problems.push({ elementId: id, message: problem });
    }
    if (type === 'bpmn:Message' || type === 'bpmn:Signal') {
      checkMessageFields(el, problems);
      if (typeof el.name === 'string' && charCount(el.name) > TEXT_LIMITS.messageName) problems.push({ elementId: id, message: `the name is longer than ${TEXT_LIMITS.messageName} characters` });
    }
    problems.push(...eventProblems(el, id));
    if (type === 'bpmn:ExclusiveGateway' || type === 'bpmn:InclusiveGateway') checkGateway(el, problems);
    if (type === 'bpmn:ParallelGateway') checkParallelGateway(el, warnings);
    if (!type.startsWith('bpmn:') && !type.startsWith('bpmndi:') && !type.startsWith('dc:') && !type.startsWith('di:') && !type.startsWith('sop:')) {
      if (CODE_EXTENSION_ELEMENTS.has(localName(type))) problems.push({ elementId: id, message: `${type} is not allowed: nothing in a diagram is run as code` });
      if (IGNORED_EXTENSION_ELEMENTS.has(localName(type))) {
        // Camunda's own are warned of by camunda-attributes.ts with the rest of what is read but not honoured.
        if (!/^(camunda|zeebe):/.test(type)) warnings.push({ elementId: id, message: `${type} is ignored: listeners are not run, nothing in a diagram runs as code` });
        return false;
      }
    }
    // Typed (camunda:class on a service task) or raw, an attribute of another vocabulary that names code is refused.
    for (const attr of vendorAttributes(el)) {
      if (CODE_ATTRIBUTES.has(attr.local.toLowerCase())) {
        problems.push({ elementId: id, message: `attribute ${attr.qname} is not allowed: nothing in a diagram is run as code` });
      }
    }
    checkStrings(el, id, problems);
    return true;
  });

  for (const process of executable) {
    checkFlowElements(process, problems);
    const calls = readCallActivities(definitions, process);
    problems.push(...calls.problems, ...reservedTargets(calls.calls));
    warnings.push(...calls.warnings);
  }
  return { problems: dedupe(problems), warnings };
}

/**
 * Every flow element, at any depth, must be one the service runs (supported-elements.ts); a refused one was named
 * with its reason while walking, anything else unknown is named here.
 */
function checkFlowElements(process: ModdleElement, problems: ElementProblem[]): void {
  for (const el of flowElementsDeep(process)) {
    const id = el.id ?? process.id ?? 'process';
    if (!SUPPORTED_FLOW_ELEMENTS.has(el.$type)) {
      if (!REFUSED_ELEMENTS.has(el.$type)) problems.push({ elementId: id, message: `${el.$type} is not supported by this service` });
      continue;
    }
    if (el.loopCharacteristics) checkLoop(el, problems);
    // A child case reports neither errors nor escalations to its parent's engine, so nothing could trigger these.
    if (el.$type === 'bpmn:BoundaryEvent' && (el.attachedToRef as ModdleElement | undefined)?.$type === 'bpmn:CallActivity') {
      problems.push({ elementId: id, message: 'boundary events on call activities are not supported yet' });
    }
    for (const def of (el.eventDefinitions as ModdleElement[] | undefined) ?? []) {
      if (!SUPPORTED_EVENT_DEFINITIONS.has(def.$type) && !REFUSED_ELEMENTS.has(def.$type)) {
        problems.push({ elementId: id, message: `${def.$type} is not supported by this service` });
      }
    }
  }
}

/**
 * Loops run on tasks people do and on sub-processes. A multi-instance loop needs a collection (one `${…}` read)
 * or a cardinality (a number or `${…}`), as bpmn-elements requires; its completion condition, like a standard loop's
 * condition, is a safe expression (the multi-instance one may read loopCounter and nrOf…Instances).
 */
function checkLoop(el: ModdleElement, problems: ElementProblem[]): void {
  const id = el.id ?? 'activity';
  const loop = el.loopCharacteristics as ModdleElement;
  if (!HUMAN_TASK_TYPES.has(el.$type) && el.$type !== 'bpmn:SubProcess') {
    problems.push({ elementId: id, message: 'only tasks people do and sub-processes may loop' });
    return;
  }
  if (loop.$type === 'bpmn:StandardLoopCharacteristics') {
    checkExpression(loop.loopCondition as ModdleElement | undefined, id, problems);
    if (!loop.loopCondition && loop.loopMaximum === undefined) problems.push({ elementId: id, message: 'a standard loop needs a loopCondition or a loopMaximum' });
    return;
  }
  const { collection } = loopSource(loop);
  const cardinality = (loop.loopCardinality as ModdleElement | undefined)?.body;
  if (!collection && typeof cardinality !== 'string') {
    problems.push({ elementId: id, message: 'a multi-instance activity needs a collection (camunda:collection or loopDataInputRef) or a loopCardinality' });
  }
  for (const text of [collection, cardinality]) {
    if (typeof text !== 'string' || /^\s*\d+\s*$/.test(text)) continue;
    const problem = expressionKind(text) === 'literal' ? 'must be a number, one ${…} or one =FEEL expression' : conditionProblem(text);
    if (problem) problems.push({ elementId: id, message: `loop refused: ${problem}` });
  }
  checkExpression(loop.completionCondition as ModdleElement | undefined, id, problems);
}

/** A call's mapping may not write a name the engine's run message or an object's prototype owns. */
function reservedTargets(calls: CallDeclaration[]): ElementProblem[] {
  return calls.flatMap((c) =>
    [...c.inputs.mappings, ...c.outputs.mappings]
      .filter((m) => RESERVED_VARIABLE_NAMES.has(m.target))
      .map((m) => ({ elementId: c.elementId, message: `variable name '${m.target}' is reserved` })),
  );
}

function dedupe(problems: ElementProblem[]): ElementProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const k = `${p.elementId}\u0000${p.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
