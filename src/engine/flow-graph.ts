// The flow of a deployed version as a graph of element ids, for checks that look ahead of a case (a migration):
// each element's type, the elements a token can reach next, and the variables its outgoing conditions read.
import type { ModdleElement } from 'bpmn-moddle';
import { parseBpmn } from './bpmn-parser.js';
import { flowElementsDeep } from './flow-elements.js';
import { templateReads } from './safe-expression.js';

export interface FlowGraph {
  /** Element id → BPMN type (`bpmn:UserTask` …), every flow node at every depth. */
  types: ReadonlyMap<string, string>;
  /** Element id → the ids a token can reach next: along sequence flows, into a sub-process's start, out of its end, onto a boundary event. */
  next: ReadonlyMap<string, readonly string[]>;
  /** Element id → the variable names the `${…}` conditions on its outgoing flows read. */
  reads: ReadonlyMap<string, readonly string[]>;
}

const push = (map: Map<string, string[]>, key: string, value: string) => map.set(key, [...(map.get(key) ?? []), value]);

/** Edges of the sub-processes: in to their start events, out from their end events to where the sub-process leads. */
function subProcessEdges(elements: ModdleElement[], next: Map<string, string[]>): void {
  for (const sub of elements.filter((e) => e.$type === 'bpmn:SubProcess')) {
    const children = (sub.flowElements as ModdleElement[] | undefined) ?? [];
    const after = next.get(String(sub.id)) ?? [];
    for (const child of children) {
      if (child.$type === 'bpmn:StartEvent') push(next, String(sub.id), String(child.id));
      if (child.$type === 'bpmn:EndEvent') for (const target of after) push(next, String(child.id), target);
    }
  }
}

/** Reads the graph of a diagram's executable process. Throws InvalidBpmnError for XML that does not parse. */
export async function readFlowGraph(xml: string): Promise<FlowGraph> {
  const { definitions } = await parseBpmn(xml);
  const process = (definitions.rootElements as ModdleElement[]).find((e) => e.$type === 'bpmn:Process' && e.isExecutable === true) as ModdleElement;
  const elements = flowElementsDeep(process);
  const types = new Map<string, string>();
  const next = new Map<string, string[]>();
  const reads = new Map<string, string[]>();
  for (const el of elements) {
    if (el.$type !== 'bpmn:SequenceFlow') types.set(String(el.id), el.$type);
  }
  for (const el of elements) {
    if (el.$type === 'bpmn:SequenceFlow') {
      const source = String((el.sourceRef as ModdleElement).id);
      push(next, source, String((el.targetRef as ModdleElement).id));
      const body = (el.conditionExpression as ModdleElement | undefined)?.body;
      if (typeof body === 'string') for (const name of templateReads(body)) if (!(reads.get(source) ?? []).includes(name)) push(reads, source, name);
    } else if (el.$type === 'bpmn:BoundaryEvent' && el.attachedToRef) {
      push(next, String((el.attachedToRef as ModdleElement).id), String(el.id));
    }
  }
  subProcessEdges(elements, next);
  return { types, next, reads };
}

/** Every element reachable from `from` (itself included). */
export function reachableFrom(graph: FlowGraph, from: string): Set<string> {
  const seen = new Set<string>([from]);
  const queue = [from];
  for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
    for (const n of graph.next.get(id) ?? []) {
      if (!seen.has(n)) {
        seen.add(n);
        queue.push(n);
      }
    }
  }
  return seen;
}
