// Runs every instance on bpmn-engine from its stored state; the database is the truth. The runtime owns the live
// engines it keeps between requests: an engine is kept only after its caller's commit succeeded, under the revision
// that commit wrote, and the cache is bounded by an estimate of the engines' heap, not by their count.
import { EventEmitter } from 'node:events';
import { Engine } from 'bpmn-engine';
import type { ParseResult } from 'bpmn-moddle';
import { EngineRunError } from '../errors.js';
import { baseEngineOptions } from './engine-options.js';
import { LiveEngineCache } from './live-engine-cache.js';

/** The serialized definition bpmn-engine builds from a moddle context; reused by every engine of that version. */
export type SourceContext = unknown;

/**
 * What is stored per instance: bpmn-engine's execution state without the per-version source
 * (`{name, state, stopped, environment, definitions}`, see bpmn-engine's `Execution.getState()`).
 */
export interface EngineState {
  name?: string;
  state?: string;
  stopped?: boolean;
  environment?: unknown;
  definitions?: unknown[];
  /** Set only on states written by the retired flow interpreter (`sop-flow/1`); those must be moved first. */
  format?: string;
}

/** A deployed version in the form the runtime runs. */
export interface CompiledProcess {
  sourceContext: SourceContext;
  /** Estimated heap of one live engine of this version, in bytes (see estimateEngineBytes). */
  engineBytes: number;
}

/** A wait a person acts on: a user, manual or untyped task's execution. */
export interface WaitingTask {
  elementId: string;
  executionId: string;
}

/**
 * Something the engine did in a run that no task row records: a sub-process or call activity entered or left, a
 * boundary event fired, an error, escalation, link or terminate event passed. In run order.
 */
export interface EngineEvent {
  type: 'element.started' | 'element.ended';
  elementId: string;
  /** The BPMN type, e.g. `bpmn:BoundaryEvent`. */
  elementType: string;
  executionId: string;
  /** The event definitions' types of an event (`bpmn:ErrorEventDefinition` …), empty for activities. */
  eventDefinitions: string[];
}

/** The outcome of running an instance to its next wait. */
export interface RunResult {
  state: EngineState;
  /** What the engine did in this run beyond tasks, for the case's audit trail. */
  events: EngineEvent[];
  /** Every task waiting now, old and new. */
  waiting: WaitingTask[];
  completed: boolean;
}

/** An instance as stored: its id, revision and engine state. */
export interface StoredInstance {
  id: string;
  rev: number;
  /** Read for this run alone: the engine recovers from it without a copy and may change it. */
  state: EngineState;
}

/** Element types whose executions wait for a person; everything else runs without one. */
export const HUMAN_TASK_TYPES: ReadonlySet<string> = new Set(['bpmn:UserTask', 'bpmn:ManualTask', 'bpmn:Task']);

/** Element types whose start and end are audit events of the case (tasks have their own, gateways none). */
const AUDITED_ELEMENT_TYPES: ReadonlySet<string> = new Set([
  'bpmn:SubProcess',
  'bpmn:Transaction',
  'bpmn:AdHocSubProcess',
  'bpmn:CallActivity',
  'bpmn:BoundaryEvent',
  'bpmn:IntermediateThrowEvent',
  'bpmn:IntermediateCatchEvent',
  'bpmn:EndEvent',
]);

/* eslint-disable @typescript-eslint/no-explicit-any -- bpmn-engine's runtime objects are untyped. */
type AnyEngine = any;

/**
 * A live engine's heap is mostly per-element brokers and queues, so it grows with the diagram: measured with
 * `--expose-gc` over 200 engines of each SOP in processes/ (`scripts/bench/lib/engine-heap.mjs`), a kept engine
 * after a signal weighs 0.92 MiB for 49 elements (Kalteng) to 1.79 MiB for 96, about 18 KiB per element plus a
 * small base (docs/BENCHMARKS.md).
 */
const ENGINE_BASE_BYTES = 64 * 1024;
const ENGINE_ELEMENT_BYTES = 18 * 1024;

/** Estimates one live engine's heap, in bytes, from the number of elements in its serialized source. */
export function estimateEngineBytes(sourceContext: SourceContext): number {
  const text = JSON.stringify(sourceContext) ?? '';
  const elements = (text.match(/"type":"bpmn:/g) ?? []).length;
  return ENGINE_BASE_BYTES + elements * ENGINE_ELEMENT_BYTES;
}

/** Serializes a parsed diagram once for bpmn-engine; throws what bpmn-engine throws for a diagram it cannot load. */
export async function compileDefinition(name: string, moddleContext: ParseResult): Promise<CompiledProcess> {
  const engine: AnyEngine = new Engine({ ...baseEngineOptions, name, moddleContext } as any);
  const [definition] = await engine.getDefinitions();
  const sourceContext = definition.environment.options.source as SourceContext;
  return { sourceContext, engineBytes: estimateEngineBytes(sourceContext) };
}

function snapshot(engine: AnyEngine, events: EngineEvent[]): RunResult {
  const execution = engine.execution;
  const definitions = execution.definitions as AnyEngine[];
  // Execution.getState() would serialize the whole source again for every step; the source is per version.
  const state: EngineState = {
    name: engine.name,
    state: execution.state,
    stopped: execution.stopped,
    environment: execution.environment.getState(),
    definitions: definitions.map((d) => d.getState()),
  };
  const waiting: WaitingTask[] = [];
  for (const api of execution.getPostponed() as AnyEngine[]) {
    if (HUMAN_TASK_TYPES.has(api.type)) waiting.push({ elementId: String(api.id), executionId: String(api.executionId) });
  }
  return { state, events: events.splice(0), waiting, completed: execution.state === 'idle' && waiting.length === 0 };
}

interface LiveEngine {
  engine: AnyEngine;
  errors: Error[];
  listener: EventEmitter;
  /** What the current run did, emptied by each snapshot. */
  events: EngineEvent[];
}

function recordElement(events: EngineEvent[], type: EngineEvent['type']): (api: AnyEngine) => void {
  return (api) => {
    const content = api?.content ?? {};
    // A multi-instance or looped element reports each iteration too; the element's own start and end suffice.
    if (!AUDITED_ELEMENT_TYPES.has(api?.type) || content.isMultiInstance) return;
    const definitions = ((api.owner?.behaviour?.eventDefinitions ?? []) as Array<{ type?: string }>).map((d) => String(d.type));
    // An event happens once (its end is the news), and a plain start or end event is just the flow's edge.
    const isEvent = String(api.type).endsWith('Event');
    if (isEvent && (type === 'element.started' || (definitions.length === 0 && api.type !== 'bpmn:BoundaryEvent'))) return;
    events.push({ type, elementId: String(api.id), elementType: String(api.type), executionId: String(api.executionId), eventDefinitions: definitions });
  };
}

function createEngine(name: string, sourceContext: SourceContext): LiveEngine {
  const engine: AnyEngine = new Engine({ ...baseEngineOptions, name, sourceContext } as any);
  const errors: Error[] = [];
  engine.on('error', (err: Error) => errors.push(err));
  const listener = new EventEmitter();
  listener.on('activity.error', (api: AnyEngine) => errors.push(api?.content?.error ?? new Error('activity error')));
  const events: EngineEvent[] = [];
  listener.on('activity.start', recordElement(events, 'element.started'));
  listener.on('activity.end', recordElement(events, 'element.ended'));
  return { engine, errors, listener, events };
}

function failIfErrored({ errors, engine }: LiveEngine): void {
  if (errors.length > 0 || engine.execution?.state === 'error') {
    const first = errors[0];
    throw new EngineRunError(`the process could not advance: ${first ? first.message : 'engine error'}`);
  }
}

/** Options of a runtime. */
export interface RuntimeOptions {
  /**
   * Upper bound of the live engines' estimated heap, in bytes; 0 keeps none. Default 16 MiB: V8 lets the heap grow to
   * a few times what survives a collection, so under a burst RSS follows the cache several times over
   * (docs/BENCHMARKS.md).
   */
  cacheBytes?: number;
}

/**
 * Runs instances on bpmn-engine. Each run hands its result to the caller's `commit` (the transaction that stores
 * it); the engine is kept for the next run only when that commit resolves, so a failed or raced commit never
 * leaves an engine that disagrees with the database.
 */
export class ProcessRuntime {
  private readonly cache: LiveEngineCache<LiveEngine>;

  constructor(options: RuntimeOptions = {}) {
    this.cache = new LiveEngineCache(options.cacheBytes ?? 16 * 1024 * 1024);
  }

  /**
   * Starts instance `id` with `variables` and runs it to its first waits; `commit` stores the result as revision 1.
   * Throws EngineRunError when the engine fails; whatever `commit` throws.
   */
  async start<T>(id: string, name: string, compiled: CompiledProcess, variables: Record<string, unknown>, commit: (result: RunResult) => Promise<T>): Promise<T> {
    const live = createEngine(name, compiled.sourceContext);
    await live.engine.execute({ listener: live.listener, variables });
    failIfErrored(live);
    const result = snapshot(live.engine, live.events);
    const committed = await commit(result);
    if (!result.completed) this.cache.set(id, 1, live, compiled.engineBytes);
    return committed;
  }

  /**
   * Completes the waiting task of a stored instance: `routing` (the task's form values) become process variables
   * that later conditions read, then the instance runs to its next waits; `commit` stores the result as
   * revision `stored.rev + 1`. Throws EngineRunError when the task is not waiting or the engine fails.
   */
  async signal<T>(
    stored: StoredInstance,
    name: string,
    compiled: CompiledProcess,
    task: WaitingTask,
    routing: Record<string, unknown>,
    commit: (result: RunResult) => Promise<T>,
  ): Promise<T> {
    const live = this.cache.take(stored.id, stored.rev) ?? (await this.recover(name, compiled.sourceContext, stored.state));
    const execution = live.engine.execution;
    const waiting = (execution.getPostponed() as AnyEngine[]).some((api) => api.id === task.elementId && api.executionId === task.executionId);
    if (!waiting) throw new EngineRunError(`the process could not advance: ${task.elementId} (${task.executionId}) is not waiting`);
    for (const definition of execution.definitions as AnyEngine[]) {
      for (const p of definition.getRunningProcesses() as AnyEngine[]) p.environment.assignVariables(routing);
    }
    execution.signal({ id: task.elementId, executionId: task.executionId });
    failIfErrored(live);
    const result = snapshot(live.engine, live.events);
    const committed = await commit(result);
    if (!result.completed) this.cache.set(stored.id, stored.rev + 1, live, compiled.engineBytes);
    return committed;
  }

  /** The cache's current estimated weight in bytes and its number of engines. */
  get cached(): { engines: number; bytes: number } {
    return this.cache.size;
  }

  private async recover(name: string, sourceContext: SourceContext, state: EngineState): Promise<LiveEngine> {
    if (state.format !== undefined) throw new EngineRunError(`the process could not advance: its state (${state.format}) was not moved to bpmn-engine`);
    const live = createEngine(name, sourceContext);
    // The stored state is the caller's fresh parse of the column (StoredInstance), so the engine may take it as is.
    live.engine.recover(state);
    await live.engine.resume({ listener: live.listener });
    failIfErrored(live);
    // Resuming re-announces elements already under way; only what the coming signal causes is news.
    live.events.length = 0;
    return live;
  }
}
