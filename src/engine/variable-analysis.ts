// Checks at deploy what each expression of a diagram reads against what can be set before it on some path: a read of
// a name nothing sets, close to one a field declares, is a misspelling and refuses the diagram; other unset reads,
// comparisons with a literal of another type and decisions some values leave without a flow are warnings.
import type { ModdleElement } from 'bpmn-moddle';
import type { ElementProblem } from '../errors.js';
import { readCallActivities, type CallDeclaration } from './call-activity-declarations.js';
import { decisionWarnings } from './decision-coverage.js';
import { flowElementsDeep } from './flow-elements.js';
import { formFieldsOf, type DeclaredField, type FieldReader } from './form-fields.js';
import { nearestName } from './nearest-name.js';
import { loopVariables, readSitesOf, setterOf, type ReadSite, type VariableSetter } from './variable-sources.js';
import { typeWarnings } from './comparison-types.js';

/** Options of the analysis. */
export interface AnalysisOptions {
  /**
   * The fields a flow node's forms declare (default formFieldsOf: the forms carried in the diagram). A deploy that
   * knows forms stored beside the diagram (a form-js form linked by id) passes a reader that adds theirs.
   */
  fieldsOf?: FieldReader;
}

export interface AnalysisResult {
  problems: ElementProblem[];
  warnings: ElementProblem[];
}

/** The variables known before a read: each name with the fields that declare it, and whether anything set is unnamed. */
export interface KnownVariables {
  fields: Map<string, Array<DeclaredField & { by: string }>>;
  open: boolean;
}

const id = (el: ModdleElement): string => String(el.id);
/** The node a flow element completes at: a sub-process ends after its content, so it has an end node of its own. */
const exitOf = (el: ModdleElement): string => (el.flowElements ? `${id(el)}#end` : id(el));

/** Predecessors of each node: sequence flows, sub-process entry and exit, boundary events, links, event sub-processes. */
function predecessors(elements: ModdleElement[]): Map<string, Set<string>> {
  const before = new Map<string, Set<string>>();
  const edge = (from: string, to: string) => (before.get(to) ?? before.set(to, new Set()).get(to))?.add(from);
  const links = new Map<string, { throws: string[]; catches: string[] }>();
  for (const el of elements) {
    if (el.$type === 'bpmn:SequenceFlow' && el.sourceRef && el.targetRef) {
      edge(exitOf(el.sourceRef as ModdleElement), id(el));
      edge(id(el), id(el.targetRef as ModdleElement));
    }
    if (el.$type === 'bpmn:BoundaryEvent' && el.attachedToRef) edge(exitOf(el.attachedToRef as ModdleElement), id(el));
    if (el.loopCharacteristics) edge(exitOf(el), id(el));
    const inner = (el.flowElements as ModdleElement[] | undefined) ?? [];
    for (const child of inner) {
      if (child.$type === 'bpmn:StartEvent') edge(id(el), id(child));
      if (child.$type !== 'bpmn:SequenceFlow') edge(exitOf(child), exitOf(el));
    }
    if (el.triggeredByEvent === true) {
      // An event sub-process may start at any moment of its container: everything there may have run before it.
      for (const sibling of (el.$parent?.flowElements as ModdleElement[] | undefined) ?? []) if (sibling !== el) edge(exitOf(sibling), id(el));
    }
    const link = ((el.eventDefinitions as ModdleElement[] | undefined) ?? []).find((d) => d.$type === 'bpmn:LinkEventDefinition');
    if (link) {
      const entry = links.get(String(link.name)) ?? { throws: [], catches: [] };
      (el.$type === 'bpmn:IntermediateThrowEvent' ? entry.throws : entry.catches).push(id(el));
      links.set(String(link.name), entry);
    }
  }
  for (const { throws, catches } of links.values()) for (const t of throws) for (const c of catches) edge(t, c);
  return before;
}

/** Every node from which `start` can be reached (itself only when it lies on a cycle). */
function ancestors(before: Map<string, Set<string>>, start: string): Set<string> {
  const seen = new Set<string>();
  const queue = [...(before.get(start) ?? [])];
  while (queue.length > 0) {
    const next = queue.pop() as string;
    if (seen.has(next)) continue;
    seen.add(next);
    queue.push(...(before.get(next) ?? []));
  }
  return seen;
}

function addFields(into: KnownVariables['fields'], fields: DeclaredField[], by: string): void {
  for (const f of fields) (into.get(f.name) ?? into.set(f.name, []).get(f.name))?.push({ ...f, by });
}

/** The variables loops around `el` (and `el` itself) give it. */
function scopeFields(el: ModdleElement): DeclaredField[] {
  const fields: DeclaredField[] = [];
  for (let cur: ModdleElement | undefined = el; cur && cur.$type !== 'bpmn:Process'; cur = cur.$parent) fields.push(...loopVariables(cur));
  return fields;
}

interface Diagram {
  before: Map<string, Set<string>>;
  setters: Map<string, VariableSetter>;
  /** Every variable any element sets, with who sets it. */
  everywhere: KnownVariables['fields'];
}

/** What is known set when `site` is read: the setters of every node before it, its loops' variables, and its own at its end. */
export function knownAt(diagram: Diagram, node: string, el: ModdleElement, atEnd: boolean): KnownVariables {
  const known: KnownVariables = { fields: new Map(), open: false };
  const nodes = ancestors(diagram.before, node);
  if (atEnd) nodes.add(exitOf(el));
  for (const n of nodes) {
    const setter = diagram.setters.get(n);
    if (!setter) continue;
    addFields(known.fields, setter.fields, n.replace(/#end$/, ''));
    known.open ||= setter.open;
  }
  addFields(known.fields, scopeFields(el), id(el));
  return known;
}

function describeSetters(fields: Array<{ by: string }>): string {
  return [...new Set(fields.map((f) => f.by))].join(', ');
}

/** The problems and warnings of one read of `name` at `site`. */
function checkRead(site: ReadSite, name: string, known: KnownVariables, everywhere: KnownVariables['fields'], result: AnalysisResult): void {
  if (known.fields.has(name)) return;
  const where = `${site.what} reads '${name}'`;
  const later = everywhere.get(name);
  if (later) {
    result.warnings.push({ elementId: site.elementId, message: `${where}, which only ${describeSetters(later)} sets, on no path before it` });
    return;
  }
  const near = nearestName(name, everywhere.keys());
  if (near) {
    const message = `${where}, which nothing in the diagram sets: did you mean '${near}' (set by ${describeSetters(everywhere.get(near) ?? [])})?`;
    if (known.open) result.warnings.push({ elementId: site.elementId, message: `${message} (unless an element before it that sets unnamed variables sets it)` });
    else result.problems.push({ elementId: site.elementId, message });
    return;
  }
  result.warnings.push({ elementId: site.elementId, message: `${where}, which nothing in the diagram sets: it must come with the case's start variables` });
}

function diagramOf(process: ModdleElement, elements: ModdleElement[], fieldsOf: FieldReader, calls: Map<string, CallDeclaration>): Diagram {
  const setters = new Map<string, VariableSetter>();
  const everywhere: KnownVariables['fields'] = new Map();
  for (const el of elements) {
    if (el.$type === 'bpmn:SequenceFlow') continue;
    const setter = setterOf(el, fieldsOf, calls.get(id(el)));
    setters.set(exitOf(el), setter);
    addFields(everywhere, setter.fields, id(el));
  }
  return { before: predecessors([process, ...elements]), setters, everywhere };
}

/**
 * Analyses an executable process's variable reads (conditions, loops, timers, form options, startsAt, call inputs).
 * Problems: a read of a name nothing sets while a declared name is within a slip of it (nearest-name.ts), unless an
 * element before it sets variables the diagram does not name. Warnings: other reads nothing sets before them, a
 * comparison with a literal of another type than the field's, a decision some combination of values leaves without
 * a flow. Each names the flow or element and the variable.
 */
export function analyseVariables(definitions: ModdleElement, process: ModdleElement, options: AnalysisOptions = {}): AnalysisResult {
  const fieldsOf = options.fieldsOf ?? formFieldsOf;
  const calls = new Map(readCallActivities(definitions, process).calls.map((c) => [c.elementId, c]));
  const elements = flowElementsDeep(process);
  const diagram = diagramOf(process, elements, fieldsOf, calls);
  const result: AnalysisResult = { problems: [], warnings: [] };
  for (const el of elements) {
    for (const site of readSitesOf(el, calls.get(id(el)))) {
      const known = knownAt(diagram, id(el), el, site.atEnd);
      for (const name of site.reads) checkRead(site, name, known, diagram.everywhere, result);
      result.warnings.push(...typeWarnings(site, known));
    }
  }
  for (const el of elements) {
    if (el.$type === 'bpmn:ExclusiveGateway' || el.$type === 'bpmn:InclusiveGateway') result.warnings.push(...decisionWarnings(el, knownAt(diagram, id(el), el, true)));
  }
  return result;
}
