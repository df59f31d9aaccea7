// What a diagram says about its case variables: which flow node sets which variable (forms, output mappings, call
// activities' `out`, a start event's initiator) and which expression reads which, for the deploy-time analysis.
import type { ModdleElement } from 'bpmn-moddle';
import { expressionComparisons, expressionKind, expressionReads, type LiteralComparison } from './expressions.js';
import type { DeclaredField, FieldReader } from './form-fields.js';
import { loopSource } from './loop-sources.js';
import type { CallDeclaration } from './call-activity-declarations.js';

/** The variables a flow node sets when it completes; `open` when it may set others the diagram does not name. */
export interface VariableSetter {
  fields: DeclaredField[];
  open: boolean;
}

/** One place a diagram reads variables: an expression (or a plain variable name) evaluated at a flow node. */
export interface ReadSite {
  /** The element named in a problem: the sequence flow of a condition, else the activity or event. */
  elementId: string;
  element: ModdleElement;
  /** What is read there, for messages: `condition`, `completionCondition`, `startsAt` … */
  what: string;
  reads: string[];
  comparisons: LiteralComparison[];
  /** The expression's language, for the wording of a type warning. */
  language: 'juel' | 'feel' | 'name';
  /** Read when the element completes (a completion condition): the element's own variables count as set. */
  atEnd: boolean;
  /** The text of the expression, when it is one. */
  text?: string;
}

const EXTERNAL_TASKS = new Set(['bpmn:ServiceTask', 'bpmn:SendTask', 'bpmn:BusinessRuleTask', 'bpmn:ScriptTask']);
const MESSAGE_WAITS = new Set(['bpmn:ReceiveTask']);

const local = (type: string): string => (type.includes(':') ? type.slice(type.indexOf(':') + 1) : type).toLowerCase();
const extensionValues = (el: ModdleElement): ModdleElement[] => ((el.extensionElements as ModdleElement | undefined)?.values as ModdleElement[] | undefined) ?? [];
const childrenOf = (el: ModdleElement, name: string, typed: string): ModdleElement[] => [
  ...(((el[typed] as ModdleElement[] | undefined) ?? []) as ModdleElement[]),
  ...(((el.$children as ModdleElement[] | undefined) ?? []).filter((c) => local(String(c.$type)) === name)),
];

/** An attribute by its local name, typed (a vendor descriptor loaded) or raw (`$attrs`, any prefix). */
function attribute(el: ModdleElement, name: string): string | undefined {
  if (typeof el[name] === 'string') return el[name] as string;
  const raw = Object.entries(el.$attrs ?? {}).find(([k]) => k.endsWith(`:${name}`));
  return typeof raw?.[1] === 'string' ? raw[1] : undefined;
}

/**
 * The output variables an element declares: Camunda 7's `camunda:inputOutput/camunda:outputParameter name`,
 * Camunda 8's `zeebe:ioMapping/zeebe:output target`; undefined when it declares none.
 */
export function declaredOutputs(el: ModdleElement): string[] | undefined {
  const names: string[] = [];
  let declared = false;
  for (const v of extensionValues(el)) {
    const kind = local(String(v.$type));
    if (kind === 'inputoutput') for (const p of childrenOf(v, 'outputparameter', 'outputParameters')) if (typeof p.name === 'string') names.push(p.name);
    if (kind === 'iomapping') for (const p of childrenOf(v, 'output', 'outputParameters')) if (typeof p.target === 'string') names.push(p.target);
    if ((kind === 'inputoutput' && childrenOf(v, 'outputparameter', 'outputParameters').length > 0) || (kind === 'iomapping' && childrenOf(v, 'output', 'outputParameters').length > 0)) declared = true;
  }
  return declared ? names : undefined;
}

const anyField = (name: string): DeclaredField => ({ name, kind: 'any', required: true });

function isMessageWait(el: ModdleElement): boolean {
  if (MESSAGE_WAITS.has(el.$type)) return true;
  return ((el.eventDefinitions as ModdleElement[] | undefined) ?? []).some((d) => d.$type === 'bpmn:MessageEventDefinition') && /Catch|Start|Boundary/.test(el.$type);
}

/**
 * What `el` sets: its forms' fields (`fieldsOf`), declared outputs, a call activity's `out` mappings, a start event's
 * `camunda:initiator`, a Camunda 8 multi-instance `outputCollection`. Open when it may set variables the diagram
 * does not name: a call activity passing every child variable back, an external task or a message without declared
 * outputs (a worker or a sender sets what it likes).
 */
export function setterOf(el: ModdleElement, fieldsOf: FieldReader, call: CallDeclaration | undefined): VariableSetter {
  const fields = [...fieldsOf(el)];
  const outputs = declaredOutputs(el);
  for (const name of outputs ?? []) fields.push(anyField(name));
  let open = (EXTERNAL_TASKS.has(el.$type) || isMessageWait(el)) && outputs === undefined;
  if (call) {
    for (const m of call.outputs.mappings) fields.push(anyField(m.target));
    open = open || call.outputs.all;
  }
  const initiator = el.$type === 'bpmn:StartEvent' ? attribute(el, 'initiator') : undefined;
  if (initiator) fields.push({ name: initiator, kind: 'string', required: true });
  const loop = el.loopCharacteristics as ModdleElement | undefined;
  const zeebeLoop = loop ? extensionValues(loop).find((v) => local(String(v.$type)) === 'loopcharacteristics') : undefined;
  const outputCollection = zeebeLoop ? attribute(zeebeLoop, 'outputCollection') : undefined;
  if (outputCollection) fields.push(anyField(outputCollection));
  return { fields, open };
}

/** The variables a multi-instance or looping element gives what runs inside it: the element variable and loop counters. */
export function loopVariables(el: ModdleElement): DeclaredField[] {
  const loop = el.loopCharacteristics as ModdleElement | undefined;
  if (!loop) return [];
  const counter: DeclaredField = { name: 'loopCounter', kind: 'number', required: true };
  if (loop.$type !== 'bpmn:MultiInstanceLoopCharacteristics') return [counter];
  const fields = ['nrOfInstances', 'nrOfActiveInstances', 'nrOfCompletedInstances'].map((name): DeclaredField => ({ name, kind: 'number', required: true }));
  const zeebeLoop = extensionValues(loop).find((v) => local(String(v.$type)) === 'loopcharacteristics');
  const element = loopSource(loop).elementVariable ?? (zeebeLoop ? attribute(zeebeLoop, 'inputElement') : undefined);
  if (element) fields.push(anyField(element));
  return [counter, ...fields];
}

function expressionSite(el: ModdleElement, elementId: string, what: string, text: unknown, atEnd = false): ReadSite[] {
  if (typeof text !== 'string') return [];
  const kind = expressionKind(text);
  if (kind === 'literal') return [];
  return [{ elementId, element: el, what, reads: expressionReads(text), comparisons: expressionComparisons(text), language: kind, atEnd, text }];
}

const nameSite = (el: ModdleElement, what: string, names: string[]): ReadSite[] =>
  names.length === 0 ? [] : [{ elementId: String(el.id), element: el, what, reads: names, comparisons: [], language: 'name', atEnd: false }];

const body = (el: unknown): unknown => (el as ModdleElement | undefined)?.body;

function loopSites(el: ModdleElement): ReadSite[] {
  const loop = el.loopCharacteristics as ModdleElement | undefined;
  if (!loop) return [];
  const id = String(el.id);
  const zeebeLoop = extensionValues(loop).find((v) => local(String(v.$type)) === 'loopcharacteristics');
  return [
    ...expressionSite(el, id, 'loopCardinality', body(loop.loopCardinality)),
    ...expressionSite(el, id, 'collection', loopSource(loop).collection ?? (zeebeLoop ? attribute(zeebeLoop, 'inputCollection') : undefined)),
    ...expressionSite(el, id, 'completionCondition', body(loop.completionCondition), true),
    ...expressionSite(el, id, 'loopCondition', body(loop.loopCondition), true),
  ];
}

function eventSites(el: ModdleElement): ReadSite[] {
  const sites: ReadSite[] = [];
  for (const def of (el.eventDefinitions as ModdleElement[] | undefined) ?? []) {
    for (const key of ['timeDuration', 'timeDate', 'timeCycle', 'condition']) sites.push(...expressionSite(el, String(el.id), key, body(def[key])));
  }
  return sites;
}

function formSites(el: ModdleElement): ReadSite[] {
  const sites: ReadSite[] = [];
  for (const v of extensionValues(el)) {
    if (v.$type === 'sop:MutuBaku' && typeof v.startsAt === 'string' && v.startsAt.trim()) sites.push(...nameSite(el, 'startsAt', [v.startsAt.trim()]));
    if (v.$type !== 'sop:Form') continue;
    for (const f of (v.fields as ModdleElement[] | undefined) ?? []) {
      for (const o of (f.options as ModdleElement[] | undefined) ?? []) sites.push(...expressionSite(el, String(el.id), `option '${String(o.value)}' of '${String(f.name)}'`, o.when));
    }
  }
  return sites;
}

function callSites(el: ModdleElement, call: CallDeclaration | undefined): ReadSite[] {
  if (!call) return [];
  const names = call.inputs.mappings.flatMap((m) => ('source' in m ? [m.source] : []));
  const expressions = call.inputs.mappings.flatMap((m) => ('expression' in m ? expressionSite(el, call.elementId, `input of ${m.target}`, m.expression) : []));
  return [...expressionSite(el, call.elementId, 'calledElement', call.calledElement), ...nameSite(el, 'input mapping', names), ...expressions];
}

/** Every place `el` reads variables: its condition (a flow), loop, events, form options and startsAt, call inputs. */
export function readSitesOf(el: ModdleElement, call: CallDeclaration | undefined): ReadSite[] {
  if (el.$type === 'bpmn:SequenceFlow') return expressionSite(el, String(el.id), 'condition', body(el.conditionExpression));
  return [...loopSites(el), ...eventSites(el), ...formSites(el), ...callSites(el, call)];
}
