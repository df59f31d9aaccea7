// Reads what a call activity declares (the called process, which of its versions, the variables passed in and out)
// from Camunda 7 attributes and Camunda 8 extension elements, typed by the camunda and zeebe descriptors or raw
// (vendor-attributes.ts), a prefix counting by its namespace URI.
import type { ModdleElement } from 'bpmn-moddle';
import type { ElementProblem } from '../errors.js';
import { expressionBody, parseExpression } from './safe-expression.js';
import { CAMUNDA_NS, extensionValues, isVendorElement, vendorAttr, ZEEBE_NS } from './vendor-attributes.js';
import { expressionKind, expressionProblem } from './expressions.js';

export { CAMUNDA_NS, ZEEBE_NS };

/**
 * Which version of the called key a call starts. `deployment` is the latest version of the called key when the
 * caller's version was deployed (`version` resolved then; null when none existed), the closest this service has to
 * Camunda's "deployed together"; `versionTag` the latest version carrying that tag.
 */
export type CallBinding =
  | { type: 'latest' }
  | { type: 'deployment'; version: number | null }
  | { type: 'version'; version: number }
  | { type: 'versionTag'; versionTag: string };

/**
 * A variable set in the receiving case under `target`: copied from the giving case's variable `source`, or the value
 * of `expression` (Camunda 7's `sourceExpression` `${…}`, Camunda 8's FEEL `=…` source) over the giving case's variables.
 */
export type VariableMapping = { source: string; target: string } | { expression: string; target: string };

/** What crosses between the cases: every variable when `all`, then the mappings on top. */
export interface VariablePassing {
  all: boolean;
  mappings: VariableMapping[];
}

/** One call activity as deployed; stored with its version's metadata. */
export interface CallDeclaration {
  elementId: string;
  /** A literal process key, or one `${…}` safe expression resolved when the call is reached. */
  calledElement: string;
  binding: CallBinding;
  inputs: VariablePassing;
  outputs: VariablePassing;
}

const KEY = /^[A-Za-z_][\w.-]{0,199}$/;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Whether a diagram is Camunda 8's (it declares the zeebe namespace): then variables pass both ways by default. */
export function isZeebeDiagram(definitions: ModdleElement): boolean {
  return Object.values(definitions.$attrs ?? {}).some((uri) => uri === ZEEBE_NS);
}

type Reader = {
  attr(el: ModdleElement, ns: string, local: string): string | undefined;
  is(el: ModdleElement, ns: string, local: string): boolean;
};

/** Camunda attributes and extension elements, typed by the descriptors or raw (vendor-attributes.ts). */
function readerFor(_el: ModdleElement): Reader {
  return { attr: vendorAttr, is: isVendorElement };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

/** A called element as written: a literal key or one safe `${…}`; undefined plus a problem otherwise. */
function checkCalledElement(text: string | undefined, id: string, problems: ElementProblem[]): string | undefined {
  if (text === undefined) {
    problems.push({ elementId: id, message: 'a call activity needs calledElement (the key of a deployed process)' });
    return undefined;
  }
  const body = expressionBody(text);
  if (body === undefined) {
    if (KEY.test(text)) return text;
    problems.push({ elementId: id, message: `calledElement '${text}' must be a process key or one \${…} expression` });
    return undefined;
  }
  try {
    parseExpression(body);
    return text;
  } catch (err) {
    problems.push({ elementId: id, message: `calledElement refused: ${(err as Error).message}` });
    return undefined;
  }
}

interface Raw {
  el: ModdleElement;
  id: string;
  read: Reader;
  problems: ElementProblem[];
}

function camundaBinding({ el, id, read, problems }: Raw): CallBinding {
  const type = read.attr(el, CAMUNDA_NS, 'calledElementBinding') ?? 'latest';
  if (type === 'latest') return { type };
  if (type === 'deployment') return { type, version: null };
  if (type === 'version') {
    const text = read.attr(el, CAMUNDA_NS, 'calledElementVersion') ?? '';
    if (/^[1-9]\d{0,8}$/.test(text)) return { type, version: Number(text) };
    problems.push({ elementId: id, message: `camunda:calledElementVersion '${text}' must be a version number` });
    return { type: 'latest' };
  }
  if (type === 'versionTag') {
    const tag = str(read.attr(el, CAMUNDA_NS, 'calledElementVersionTag'));
    if (tag) return { type, versionTag: tag };
    problems.push({ elementId: id, message: 'camunda:calledElementBinding="versionTag" needs camunda:calledElementVersionTag' });
    return { type: 'latest' };
  }
  problems.push({ elementId: id, message: `camunda:calledElementBinding '${type}' must be latest, deployment, version or versionTag` });
  return { type: 'latest' };
}

/** Camunda 7: `camunda:in` / `camunda:out` with `variables="all"`, `source` + `target` variable names, or `sourceExpression` + `target`. */
function camundaPassing({ el, id, read, problems }: Raw, local: 'in' | 'out', warnings: ElementProblem[]): VariablePassing {
  const passing: VariablePassing = { all: false, mappings: [] };
  for (const v of extensionValues(el).filter((x) => read.is(x, CAMUNDA_NS, local))) {
    if (v.variables === 'all') {
      passing.all = true;
    } else if (typeof v.businessKey === 'string') {
      warnings.push({ elementId: id, message: `camunda:${local} businessKey is ignored: a child case always keeps its parent's business key` });
    } else if (typeof v.source === 'string' && typeof v.target === 'string' && IDENTIFIER.test(v.source) && IDENTIFIER.test(v.target)) {
      passing.mappings.push({ source: v.source, target: v.target });
    } else if (typeof v.sourceExpression === 'string' && typeof v.target === 'string' && IDENTIFIER.test(v.target) && expressionKind(v.sourceExpression) === 'juel') {
      const problem = expressionProblem(v.sourceExpression);
      if (problem) problems.push({ elementId: id, message: `camunda:${local} sourceExpression: ${problem}` });
      else passing.mappings.push({ expression: v.sourceExpression, target: v.target });
    } else {
      problems.push({ elementId: id, message: `camunda:${local} must name variables (variables="all", or source and target variable names)` });
    }
  }
  return passing;
}

/** Camunda 8: a FEEL source that is one plain variable name (`=amount`), nothing computed. */
function feelName(text: unknown): string | undefined {
  const m = typeof text === 'string' ? /^=\s*([A-Za-z_][A-Za-z0-9_]*)\s*$/.exec(text) : null;
  return m?.[1];
}

function zeebeMappings({ el, id, read, problems }: Raw, local: 'input' | 'output'): VariableMapping[] {
  const mappings: VariableMapping[] = [];
  for (const io of extensionValues(el).filter((x) => read.is(x, ZEEBE_NS, 'ioMapping'))) {
    // Typed, zeebe:ioMapping keeps its inputs and outputs apart; raw, they are its children in document order.
    const children = (io.$children as ModdleElement[] | undefined) ?? [...((io.inputParameters as ModdleElement[] | undefined) ?? []), ...((io.outputParameters as ModdleElement[] | undefined) ?? [])];
    for (const m of children.filter((x) => read.is(x, ZEEBE_NS, local))) {
      const source = feelName(m.source);
      const target = typeof m.target === 'string' && IDENTIFIER.test(m.target) ? m.target : undefined;
      const problem = typeof m.source === 'string' && expressionKind(m.source) === 'feel' ? expressionProblem(m.source) : 'the source must be =FEEL';
      if (target && source) mappings.push({ source, target });
      else if (target && !problem) mappings.push({ expression: m.source as string, target });
      else problems.push({ elementId: id, message: `zeebe:${local} must map a FEEL source to a variable name (source="=expression" target="name")${problem ? `: ${problem}` : ''}` });
    }
  }
  return mappings;
}

function zeebeDeclaration(raw: Raw, called: ModdleElement): Omit<CallDeclaration, 'elementId'> | undefined {
  const { id, problems } = raw;
  const processId = str(called.processId);
  const name = processId?.startsWith('=') ? feelName(processId) : undefined;
  if (processId?.startsWith('=') && !name) problems.push({ elementId: id, message: 'zeebe:calledElement processId must be a key or one variable name (=name)' });
  const calledElement = checkCalledElement(name ? `\${${name}}` : processId, id, problems);
  const bindingType = str(called.bindingType) ?? 'latest';
  let binding: CallBinding = { type: 'latest' };
  if (bindingType === 'deployment') binding = { type: 'deployment', version: null };
  else if (bindingType === 'versionTag' && str(called.versionTag)) binding = { type: 'versionTag', versionTag: str(called.versionTag) as string };
  else if (bindingType !== 'latest') problems.push({ elementId: id, message: `zeebe:calledElement bindingType '${bindingType}' must be latest, deployment or versionTag (with versionTag)` });
  const outputs = zeebeMappings(raw, 'output');
  // Zeebe copies every variable both ways unless told not to; output mappings replace the copy of all.
  // Typed, the two flags are booleans; raw, the attribute's text.
  const off = (v: unknown) => v === false || v === 'false';
  const inputs = { all: !off(called.propagateAllParentVariables), mappings: zeebeMappings(raw, 'input') };
  const out = { all: outputs.length === 0 && !off(called.propagateAllChildVariables), mappings: outputs };
  return calledElement === undefined ? undefined : { calledElement, binding, inputs, outputs: out };
}

function readOne(el: ModdleElement, zeebeDefaults: boolean, problems: ElementProblem[], warnings: ElementProblem[]): CallDeclaration | undefined {
  const raw: Raw = { el, id: String(el.id ?? 'callActivity'), read: readerFor(el), problems };
  const zeebe = extensionValues(el).find((x) => raw.read.is(x, ZEEBE_NS, 'calledElement'));
  if (zeebe) {
    const declared = zeebeDeclaration(raw, zeebe);
    return declared && { elementId: raw.id, ...declared };
  }
  const calledElement = checkCalledElement(str(el.calledElement), raw.id, problems);
  const binding = camundaBinding(raw);
  const inputs = camundaPassing(raw, 'in', warnings);
  const outputs = camundaPassing(raw, 'out', warnings);
  // A diagram of Camunda 8 without zeebe:calledElement still gets Camunda 8's default: everything passes.
  if (zeebeDefaults && inputs.mappings.length === 0 && outputs.mappings.length === 0) {
    inputs.all = true;
    outputs.all = true;
  }
  return calledElement === undefined ? undefined : { elementId: raw.id, calledElement, binding, inputs, outputs };
}

/**
 * The call activities of an executable process (those of its sub-processes too), with the problems that refuse the
 * diagram (each naming the call activity) and warnings (what is read but not honoured).
 * Defaults follow the diagram's flavour: Camunda 7 (a `camunda` namespace or none) passes nothing undeclared,
 * Camunda 8 (a `zeebe` namespace) passes every variable in and out.
 */
export function readCallActivities(definitions: ModdleElement, process: ModdleElement): { calls: CallDeclaration[]; problems: ElementProblem[]; warnings: ElementProblem[] } {
  const problems: ElementProblem[] = [];
  const warnings: ElementProblem[] = [];
  const calls: CallDeclaration[] = [];
  const zeebeDefaults = isZeebeDiagram(definitions);
  const visit = (container: ModdleElement) => {
    for (const el of (container.flowElements as ModdleElement[] | undefined) ?? []) {
      if (el.$type === 'bpmn:CallActivity') {
        const call = readOne(el, zeebeDefaults, problems, warnings);
        if (call) calls.push(call);
      }
      if (el.flowElements) visit(el);
    }
  };
  visit(process);
  return { calls, problems, warnings };
}

/** The process's version tag: Camunda 7's `camunda:versionTag` attribute or Camunda 8's `zeebe:versionTag value`. */
export function readVersionTag(process: ModdleElement): string | null {
  const read = readerFor(process);
  const camunda = str(read.attr(process, CAMUNDA_NS, 'versionTag'));
  if (camunda) return camunda;
  const zeebe = extensionValues(process).find((x) => read.is(x, ZEEBE_NS, 'versionTag'));
  return str(zeebe?.value) ?? null;
}
