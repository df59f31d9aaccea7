// Runs a compiled flow model from a small JSON state: the tokens of the subset the lockdown admits (none, end and
// terminate events, user and manual tasks, exclusive, inclusive and parallel gateways, safe conditions).
// Its semantics are bpmn-elements' (bpmn-engine), which test/engine/flow-interpreter.test.ts checks path by path:
// - outgoing flows are evaluated in document order with the default last; an exclusive gateway takes the first
//   that holds, other nodes every one that holds, the default only when none did; none taken is an error;
// - flows not taken are discarded, and a discard travels on (dead-path elimination) until it meets a node it
//   already passed, so that a parallel join after a decision still fires;
// - a parallel join waits for one arrival from each distinct source and fires when any of them was taken;
// - a task runs one execution at a time: tokens reaching a waiting task queue until it completes;
// - a terminate end event ends the instance and withdraws every waiting task.
// Pure: the same model, state, task and variables always give the same result.
import { EngineRunError } from '../errors.js';
import { evaluate, readerOf, type VariableReader } from './safe-expression.js';
import type { FlowEdge, FlowModel, FlowNode } from './flow-model.js';

export const FLOW_STATE_FORMAT = 'sop-flow/1';

export interface Delivery {
  action: 'take' | 'discard';
  sourceId: string;
  /** The nodes a discard passed through; absent on a taken flow. */
  discardSequence?: string[];
}

export interface WaitingExecution {
  elementId: string;
  executionId: string;
}

export interface FlowState {
  format: typeof FLOW_STATE_FORMAT;
  /** The last execution number handed out; execution ids are `<elementId>_<n>`. */
  seq: number;
  status: 'running' | 'completed' | 'terminated';
  waiting: WaitingExecution[];
  /** Deliveries queued at a task that is waiting, in arrival order. */
  queued: Record<string, Delivery[]>;
  /** Arrivals at a parallel join that has not fired yet. */
  arrivals: Record<string, Delivery[]>;
}

export interface FlowRun {
  state: FlowState;
  waiting: WaitingExecution[];
  completed: boolean;
}

export function isFlowState(state: unknown): state is FlowState {
  return typeof state === 'object' && state !== null && (state as { format?: unknown }).format === FLOW_STATE_FORMAT;
}

/** Guards a diagram whose discards or passes would otherwise circle for ever. */
const MAX_STEPS = 100_000;

class Run {
  private readonly pending: Array<{ targetId: string; delivery: Delivery }> = [];
  private steps = 0;

  constructor(
    private readonly model: FlowModel,
    readonly state: FlowState,
    private readonly read: VariableReader,
  ) {}

  begin(): void {
    for (const id of this.model.startIds) this.runNode(this.node(id));
    this.drain();
  }

  complete(task: WaitingExecution): void {
    const index = this.state.waiting.findIndex((w) => w.executionId === task.executionId && w.elementId === task.elementId);
    if (index < 0) throw new EngineRunError(`the process could not advance: ${task.elementId} (${task.executionId}) is not waiting`);
    this.state.waiting.splice(index, 1);
    const node = this.node(task.elementId);
    this.leave(node, undefined);
    this.dequeue(node.id);
    this.drain();
  }

  private node(id: string): FlowNode {
    const node = this.model.nodes.get(id);
    if (!node) throw new EngineRunError(`the process could not advance: the state names ${id}, which this version does not have`);
    return node;
  }

  private drain(): void {
    while (this.pending.length > 0 && this.state.status === 'running') {
      if (++this.steps > MAX_STEPS) throw new EngineRunError('the process could not advance: its flows loop without waiting');
      const { targetId, delivery } = this.pending.shift() as { targetId: string; delivery: Delivery };
      this.deliver(this.node(targetId), delivery);
    }
    if (this.state.status === 'running' && this.state.waiting.length === 0) this.state.status = 'completed';
  }

  private deliver(node: FlowNode, delivery: Delivery): void {
    if (node.joinSources) return this.arrive(node, node.joinSources, delivery);
    if (this.state.waiting.some((w) => w.elementId === node.id)) {
      (this.state.queued[node.id] ??= []).push(delivery);
      return;
    }
    if (delivery.action === 'take') this.runNode(node);
    else this.discard(node, delivery.discardSequence);
  }

  /** The next delivery queued at a task that just completed. */
  private dequeue(id: string): void {
    const queue = this.state.queued[id];
    const next = queue?.shift();
    if (queue && queue.length === 0) delete this.state.queued[id];
    if (next) this.pending.unshift({ targetId: id, delivery: next });
  }

  private arrive(node: FlowNode, sources: string[], delivery: Delivery): void {
    const arrivals = (this.state.arrivals[node.id] ??= []);
    const seen = new Set(arrivals.map((a) => a.sourceId));
    arrivals.push(delivery);
    if (seen.has(delivery.sourceId) || seen.size + 1 < sources.length) return;
    delete this.state.arrivals[node.id];
    if (arrivals.some((a) => a.action === 'take')) return this.runNode(node);
    const sequence = new Set<string>();
    for (const a of arrivals) for (const id of a.discardSequence ?? []) sequence.add(id);
    this.discard(node, [...sequence]);
  }

  private runNode(node: FlowNode): void {
    switch (node.kind) {
      case 'wait':
        this.state.seq += 1;
        this.state.waiting.push({ elementId: node.id, executionId: `${node.id}_${this.state.seq}` });
        return;
      case 'terminate':
        this.state.status = 'terminated';
        this.state.waiting = [];
        this.state.queued = {};
        this.state.arrivals = {};
        this.pending.length = 0;
        return;
      default:
        return this.leave(node, undefined);
    }
  }

  /** Evaluates a node's outgoing flows and sends a take or a discard along each. */
  private leave(node: FlowNode, discardSequence: string[] | undefined): void {
    if (node.outgoing.length === 0) return;
    const takeOne = node.kind === 'exclusive';
    let met = false;
    const actions: Array<{ edge: FlowEdge; take: boolean }> = [];
    for (const edge of node.outgoing) {
      let take: boolean;
      if (met && (takeOne || edge.isDefault)) take = false;
      else take = this.holds(edge);
      if (take) met = true;
      actions.push({ edge, take });
    }
    if (!met) throw new EngineRunError(`the process could not advance: <${node.id}> no conditional flow taken`);
    this.send(node, actions, discardSequence);
  }

  private discard(node: FlowNode, discardSequence: string[] | undefined): void {
    this.send(
      node,
      node.outgoing.map((edge) => ({ edge, take: false })),
      discardSequence,
    );
  }

  /** One delivery per target: a take wins over a discard to the same node. */
  private send(node: FlowNode, actions: Array<{ edge: FlowEdge; take: boolean }>, discardSequence: string[] | undefined): void {
    const byTarget = new Map<string, { edge: FlowEdge; take: boolean }>();
    for (const a of actions) {
      const prev = byTarget.get(a.edge.targetId);
      if (!prev || (a.take && !prev.take)) byTarget.set(a.edge.targetId, a);
    }
    for (const { edge, take } of byTarget.values()) {
      if (take) {
        this.pending.push({ targetId: edge.targetId, delivery: { action: 'take', sourceId: node.id } });
        continue;
      }
      const sequence = [...(discardSequence ?? [])];
      if (sequence.includes(edge.targetId)) continue;
      sequence.push(node.id);
      this.pending.push({ targetId: edge.targetId, delivery: { action: 'discard', sourceId: node.id, discardSequence: sequence } });
    }
  }

  private holds(edge: FlowEdge): boolean {
    if (edge.isDefault || !edge.condition) return true;
    try {
      return Boolean(evaluate(edge.condition, this.read));
    } catch (err) {
      throw new EngineRunError(`the process could not advance: condition of ${edge.id}: ${(err as Error).message}`);
    }
  }
}

function result(state: FlowState): FlowRun {
  const completed = state.status !== 'running';
  return { state, waiting: state.waiting.map((w) => ({ ...w })), completed };
}

/** Starts an instance: runs every node without an incoming flow until each token waits or ends. */
export function startFlow(model: FlowModel, variables: Record<string, unknown>): FlowRun {
  const state: FlowState = { format: FLOW_STATE_FORMAT, seq: 0, status: 'running', waiting: [], queued: {}, arrivals: {} };
  new Run(model, state, readerOf(variables)).begin();
  return result(state);
}

/** Completes one waiting task and runs on; `variables` are the instance's, the task's form values included. */
export function signalFlow(model: FlowModel, stored: FlowState, task: WaitingExecution, variables: Record<string, unknown>): FlowRun {
  if (stored.status !== 'running') throw new EngineRunError(`the process could not advance: the instance is ${stored.status}`);
  const state = structuredClone(stored);
  new Run(model, state, readerOf(variables)).complete(task);
  return result(state);
}
