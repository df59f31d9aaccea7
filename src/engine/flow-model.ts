// The executable process of a locked-down diagram as a plain graph: the nodes the flow interpreter runs and
// the sequence flows between them, in document order, with conditions parsed once per version.
import type { ModdleElement } from 'bpmn-moddle';
import { expressionBody, parseExpression, type Expr } from './safe-expression.js';

export type NodeKind = 'start' | 'end' | 'terminate' | 'pass' | 'wait' | 'exclusive' | 'inclusive' | 'parallel';

export interface FlowEdge {
  id: string;
  sourceId: string;
  targetId: string;
  isDefault: boolean;
  /** The parsed `${…}` of a conditional flow; null when the flow is unconditional. */
  condition: Expr | null;
}

export interface FlowNode {
  id: string;
  type: string;
  kind: NodeKind;
  /** Outgoing flows in document order, the default flow last (as bpmn-elements evaluates them). */
  outgoing: FlowEdge[];
  /** A parallel gateway with more than one incoming flow waits for one arrival from each distinct source. */
  joinSources: string[] | null;
}

export interface FlowModel {
  nodes: Map<string, FlowNode>;
  /** Nodes with no incoming flow, run when an instance starts, in document order. */
  startIds: string[];
}

const KIND: Record<string, NodeKind> = {
  'bpmn:StartEvent': 'start',
  'bpmn:EndEvent': 'end',
  'bpmn:IntermediateThrowEvent': 'pass',
  'bpmn:UserTask': 'wait',
  'bpmn:ManualTask': 'wait',
  'bpmn:ExclusiveGateway': 'exclusive',
  'bpmn:InclusiveGateway': 'inclusive',
  'bpmn:ParallelGateway': 'parallel',
};

/** Element types that carry no token (data, not flow). */
const NOT_FLOW_NODES = new Set(['bpmn:SequenceFlow', 'bpmn:DataObject', 'bpmn:DataObjectReference', 'bpmn:DataStoreReference']);

function conditionOf(flow: ModdleElement): Expr | null {
  const body = (flow.conditionExpression as ModdleElement | undefined)?.body;
  if (body === undefined) return null;
  // The lockdown refused any other form before a model is built.
  return parseExpression(expressionBody(String(body)) ?? String(body));
}

/** Why the interpreter cannot run a node the lockdown of an earlier release admitted, or undefined. */
export function unsupportedByInterpreter(el: ModdleElement): string | undefined {
  if (el.loopCharacteristics) return 'multi-instance and loop tasks are not supported';
  return undefined;
}

/**
 * Builds the graph of a process the lockdown accepted. Returns null for a version stored before the lockdown
 * refused something the interpreter does not run (a multi-instance task): bpmn-engine runs its cases.
 */
export function compileFlowModel(process: ModdleElement): FlowModel | null {
  const elements = (process.flowElements as ModdleElement[] | undefined) ?? [];
  const nodes = new Map<string, FlowNode>();
  for (const el of elements) {
    if (NOT_FLOW_NODES.has(el.$type)) continue;
    const kind = KIND[el.$type];
    if (!kind || unsupportedByInterpreter(el)) return null;
    const definitions = (el.eventDefinitions as ModdleElement[] | undefined) ?? [];
    // bpmn-elements runs a terminate definition on whichever event carries it.
    const terminates = definitions.some((d) => d.$type === 'bpmn:TerminateEventDefinition');
    nodes.set(String(el.id), { id: String(el.id), type: el.$type, kind: terminates ? 'terminate' : kind, outgoing: [], joinSources: null });
  }
  const incoming = new Map<string, FlowEdge[]>();
  for (const el of elements) {
    if (el.$type !== 'bpmn:SequenceFlow') continue;
    const source = nodes.get(String((el.sourceRef as ModdleElement | undefined)?.id));
    const target = nodes.get(String((el.targetRef as ModdleElement | undefined)?.id));
    if (!source || !target) continue;
    const edge: FlowEdge = {
      id: String(el.id),
      sourceId: source.id,
      targetId: target.id,
      isDefault: false,
      condition: conditionOf(el),
    };
    source.outgoing.push(edge);
    incoming.set(target.id, [...(incoming.get(target.id) ?? []), edge]);
  }
  for (const el of elements) {
    const node = nodes.get(String(el.id));
    const defaultFlow = el.default as ModdleElement | undefined;
    if (!node || !defaultFlow) continue;
    const edge = node.outgoing.find((e) => e.id === defaultFlow.id);
    if (!edge) continue;
    edge.isDefault = true;
    node.outgoing = [...node.outgoing.filter((e) => e !== edge), edge];
  }
  const startIds: string[] = [];
  for (const node of nodes.values()) {
    const inbound = incoming.get(node.id) ?? [];
    if (inbound.length === 0) startIds.push(node.id);
    if (node.kind === 'parallel' && inbound.length > 1) node.joinSources = [...new Set(inbound.map((e) => e.sourceId))];
  }
  return { nodes, startIds };
}
