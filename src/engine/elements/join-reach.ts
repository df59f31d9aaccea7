// Which elements can still send a token to an inclusive join: computed once per join and definition, never per message.

/** The part of moddle-context-serializer's definition context (shared by every engine of a version) read here. */
export interface DefinitionGraph {
  getSequenceFlows(): ReadonlyArray<{ sourceId: string; targetId: string }>;
  getActivities(): ReadonlyArray<{ id: string; behaviour?: { attachedTo?: { id: string } } }>;
}

/** Per definition: element id → the ids a token moves from to reach it (flow sources; a boundary event's host). */
const predecessorsByGraph = new WeakMap<DefinitionGraph, Map<string, string[]>>();
/** Per definition: join id → the elements that can reach it. */
const reachByGraph = new WeakMap<DefinitionGraph, Map<string, ReadonlySet<string>>>();

function predecessorsOf(graph: DefinitionGraph): Map<string, string[]> {
  let predecessors = predecessorsByGraph.get(graph);
  if (predecessors) return predecessors;
  predecessors = new Map();
  const add = (to: string, from: string) => {
    const list = predecessors!.get(to);
    if (list) list.push(from);
    else predecessors!.set(to, [from]);
  };
  for (const flow of graph.getSequenceFlows()) add(flow.targetId, flow.sourceId);
  // A token in a task can leave through an event attached to it, so the host precedes its boundary events.
  for (const activity of graph.getActivities()) {
    const host = activity.behaviour?.attachedTo?.id;
    if (host) add(activity.id, host);
  }
  predecessorsByGraph.set(graph, predecessors);
  return predecessors;
}

/**
 * The ids of every element from which a token can reach `joinId` along sequence flows without passing through the
 * join itself: Camunda 7's InclusiveGatewayActivityBehavior waits while a token sits in one of them (BPMN 2.0 §13.3.3
 * states the same rule over paths). Flows never cross a (sub)process boundary, so the set stays in the join's scope.
 * Cached per definition object, which bpmn-engine shares between all engines built from one source context.
 */
export function elementsReaching(graph: DefinitionGraph, joinId: string): ReadonlySet<string> {
  let byJoin = reachByGraph.get(graph);
  if (!byJoin) reachByGraph.set(graph, (byJoin = new Map()));
  const cached = byJoin.get(joinId);
  if (cached) return cached;
  const predecessors = predecessorsOf(graph);
  const reach = new Set<string>();
  const pending = [joinId];
  for (let id = pending.pop(); id !== undefined; id = pending.pop()) {
    for (const from of predecessors.get(id) ?? []) {
      if (from === joinId || reach.has(from)) continue;
      reach.add(from);
      pending.push(from);
    }
  }
  byJoin.set(joinId, reach);
  return reach;
}
