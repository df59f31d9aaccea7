// Runs every instance on bpmn-engine from its stored state; the database is the truth. The runtime owns the live
// engines it keeps between requests: an engine is kept only after its caller's commit succeeded, under the revision
// that commit wrote, and the cache is bounded by an estimate of the engines' heap, not by their count.
import { EventEmitter } from 'node:events';
import { Engine } from 'bpmn-engine';
import type { ParseResult } from 'bpmn-moddle';
import { ActivityFailedError, EngineRunError, NoPathError, TimerNotWaitingError } from '../errors.js';
import { NoPathTaken } from './elements/decision-paths.js';
import { baseEngineOptions } from './engine-options.js';
import { LiveEngineCache } from './live-engine-cache.js';
import { exposeLoopSources } from './loop-sources.js';
import { eventWait, reevaluateConditions, START_EVENT_SETTING, type EventWait } from './event-waits.js';
import { AUDITED_ELEMENT_TYPES, EXTERNAL_TASK_TYPES, HUMAN_TASK_TYPES } from './supported-elements.js';
import { readExternalTasks, type ExternalTaskDefinition } from './external-task-definitions.js';
import { ServiceTimers, type TimerDueFn, type TimerWait } from './service-timers.js';
import { readTimerDefinitions, type TimerDefinition } from './timer-definitions.js';
import { wallClockTimerDue } from '../jobs/timer-forms.js';

export type { TimerDueFn, TimerDueRequest, TimerWait } from './service-timers.js';
export type { TimerDefinition } from './timer-definitions.js';
export type { ExternalTaskDefinition } from './external-task-definitions.js';

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
  /** The version's timer events, as the service schedules them. */
  timers: TimerDefinition[];
  /** The version's external tasks (service, send and business-rule tasks), by element id. */
  externalTasks: Readonly<Record<string, ExternalTaskDefinition>>;
}

/** An external task a case waits on: the execution its worker completes, with the topic and priority it is fetched by. */
export interface ExternalTaskWait {
  elementId: string;
  /** The element's name, or its id. */
  name: string;
  executionId: string;
  topic: string;
  priority: number;
  /** The retries it starts with (Camunda 8's taskDefinition retries), null when the diagram gives none. */
  retries: number | null;
  /** The activity's extension properties (camunda:properties, zeebe:properties), by name. */
  properties: Readonly<Record<string, string>>;
}

/** A BPMN error an external task's worker reports (Camunda 7 REST `POST /external-task/{id}/bpmnError`). */
export interface ReportedBpmnError {
  /** Matched against the errorCode of the bpmn:error an error boundary event references; one without errorRef catches any. */
  errorCode: string;
  errorMessage?: string | undefined;
}

/** A wait a person acts on: a user, manual or untyped task's execution (one per iteration of a loop). */
export interface WaitingTask {
  elementId: string;
  executionId: string;
  /** The iteration's index (0-based) when the task is multi-instance or looped, or runs in a multi-instance sub-process. */
  loopCounter?: number;
  /** The multi-instance item this iteration works on: the element variable's name and its value. */
  elementVariable?: { name: string; value: unknown };
}

/** A call activity reached in a run: it waits until the called process's case completes and signals it. */
export interface WaitingCall {
  elementId: string;
  executionId: string;
  /** The calledElement attribute as the engine resolved it; undefined for Camunda 8's zeebe:calledElement. */
  calledElement: unknown;
}

/**
 * Something the engine did in a run that no task row records: a sub-process or call activity entered, left or
 * interrupted (cancelled by a boundary event or an interrupting event sub-process), a boundary event fired, an error,
 * escalation, link or terminate event passed. In run order.
 */
export interface EngineEvent {
  type: 'element.started' | 'element.ended' | 'element.interrupted';
  elementId: string;
  /** The BPMN type, e.g. `bpmn:BoundaryEvent`. */
  elementType: string;
  executionId: string;
  /** The event definitions' types of an event (`bpmn:ErrorEventDefinition` …), empty for activities. */
  eventDefinitions: string[];
}

/** A signal an intermediate throw or end event of the case threw in a run (BPMN 2.0 §10.4.5: broadcast to every catcher). */
export interface ThrownSignal {
  /** The bpmn:signal's name, which catch events of other cases wait for. */
  name: string;
  /** The throw event. */
  elementId: string;
}

/** The outcome of running an instance to its next wait. */
export interface RunResult {
  state: EngineState;
  /** What the engine did in this run beyond tasks, for the case's audit trail. */
  events: EngineEvent[];
  /** Every task waiting now, old and new. */
  waiting: WaitingTask[];
  /** The call activities this run reached (not those waiting from earlier runs): each needs its child case started. */
  calls: WaitingCall[];
  /** Every message, signal and condition the case waits for now (event-waits.ts), for its stored subscriptions. */
  eventWaits: EventWait[];
  /**
   * Whether the case may have waited for a message, signal or condition before this run: false for a new case and
   * for a signal that found none waiting; true when the run cannot tell, so its stored waits are always reconciled.
   */
  hadEventWaits: boolean;
  /** Every timer waiting now, old and new: each is a job of the case. */
  timers: TimerWait[];
  /** Whether the version has timer events at all: when not, the case has no jobs to follow the run. */
  hasTimers: boolean;
  /**
   * The signals the case threw in this run, in run order. bpmn-engine delivers them to the case's own catchers; the
   * service delivers them to every other case (case-runs.ts).
   */
  signals: ThrownSignal[];
  /** Every external task waiting now, old and new: each is a row of external_tasks. */
  externalTasks: ExternalTaskWait[];
  /** Whether the version has external tasks at all: when not, the case has no external task rows to follow the run. */
  hasExternalTasks: boolean;
  completed: boolean;
}

/** What one run asks of the runtime beyond its cause. */
export interface RunOptions {
  /** Gives each timer that starts waiting in this run its due time; default: wall-clock time in UTC (wallClockTimerDue). */
  timerDue?: TimerDueFn;
  /**
   * false: the engine is not kept after the commit. For a commit that waits for other writers' (the job executor's
   * grouped firings): each engine held until then (~1 MiB) would be copied by the young generation's collections.
   */
  keep?: boolean;
}

/** An instance as stored: its id, revision and engine state. */
export interface StoredInstance {
  id: string;
  rev: number;
  /** Read for this run alone: the engine recovers from it without a copy and may change it. */
  state: EngineState;
}

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
  exposeLoopSources(moddleContext.elementsById);
  const engine: AnyEngine = new Engine({ ...baseEngineOptions, name, moddleContext } as any);
  const [definition] = await engine.getDefinitions();
  const sourceContext = definition.environment.options.source as SourceContext;
  return { sourceContext, engineBytes: estimateEngineBytes(sourceContext), timers: readTimerDefinitions(moddleContext.elementsById).timers, externalTasks: readExternalTasks(moddleContext.elementsById).tasks };
}

/**
 * Every postponed execution of a run, at any depth: bpmn-engine's `getPostponed()` lists a process's direct children
 * only; a sub-process's children and a loop's iterations are the postponed executions of that activity's execution.
 */
function postponedDeep(apis: AnyEngine[], seen = new Set<string>(), into: AnyEngine[] = []): AnyEngine[] {
  for (const api of apis) {
    const executionId = String(api.executionId);
    if (seen.has(executionId)) continue;
    seen.add(executionId);
    into.push(api);
    const nested = api.type === 'bpmn:SubProcess' || api.owner?.behaviour?.loopCharacteristics;
    if (nested) postponedDeep((api.owner?.execution?.getPostponed() ?? []) as AnyEngine[], seen, into);
  }
  return into;
}

/**
 * The iterations of multi-instance sub-processes among `apis`, by execution id: `{executionId → index}`. A task inside
 * such a sub-process is not looped itself; its iteration is its enclosing sub-process execution's.
 */
function subProcessIterations(apis: AnyEngine[]): Map<string, number> {
  const iterations = new Map<string, number>();
  for (const api of apis) {
    if (api.type === 'bpmn:SubProcess' && api.content?.isMultiInstance && typeof api.content.index === 'number') iterations.set(String(api.executionId), api.content.index);
  }
  return iterations;
}

/** The index of the nearest multi-instance sub-process iteration a task runs in (its message's parent path), if any. */
function enclosingIteration(api: AnyEngine, iterations: Map<string, number>): number | undefined {
  const parent = api.content?.parent;
  const scopes = [parent, ...((parent?.path ?? []) as AnyEngine[])];
  for (const scope of scopes) {
    const index = scope?.executionId === undefined ? undefined : iterations.get(String(scope.executionId));
    if (index !== undefined) return index;
  }
  return undefined;
}

/** The wait a postponed human task is, or undefined for other executions and for a loop's own (root) execution. */
function waitingTask(api: AnyEngine, iterations: Map<string, number>): WaitingTask | undefined {
  if (!HUMAN_TASK_TYPES.has(api.type)) return undefined;
  const loop = api.owner?.behaviour?.loopCharacteristics;
  const wait: WaitingTask = { elementId: String(api.id), executionId: String(api.executionId) };
  if (!loop) {
    const counter = enclosingIteration(api, iterations);
    return counter === undefined ? wait : { ...wait, loopCounter: counter };
  }
  // The loop's root execution only counts its iterations; each iteration is the one a person completes.
  if (wait.executionId === String(api.owner?.execution?.executionId)) return undefined;
  const content = api.content ?? {};
  if (typeof content.index === 'number') wait.loopCounter = content.index;
  const name = loop.behaviour?.elementVariable;
  if (typeof name === 'string' && loop.behaviour?.collection) wait.elementVariable = { name, value: content[name] ?? null };
  return wait;
}

/** The external task a postponed execution is, or undefined for others and for a loop's own (root) execution. */
function externalTaskWait(api: AnyEngine, external: LiveEngine['external']): ExternalTaskWait | undefined {
  if (!EXTERNAL_TASK_TYPES.has(api.type)) return undefined;
  const definition = external[String(api.id)];
  if (!definition || (api.owner?.behaviour?.loopCharacteristics && String(api.executionId) === String(api.owner?.execution?.executionId))) return undefined;
  return { elementId: definition.elementId, name: definition.name, executionId: String(api.executionId), topic: definition.topic, priority: definition.priority, retries: definition.retries, properties: definition.properties };
}

function snapshot({ engine, events, called, timers, signals, external }: LiveEngine): RunResult {
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
  const calls: WaitingCall[] = [];
  const eventWaits: EventWait[] = [];
  const externalTasks: ExternalTaskWait[] = [];
  const postponed = postponedDeep(execution.getPostponed() as AnyEngine[]);
  const iterations = subProcessIterations(postponed);
  for (const api of postponed) {
    const wait = waitingTask(api, iterations);
    if (wait) waiting.push(wait);
    const event = eventWait(api);
    if (event) eventWaits.push(event);
    const externalTask = externalTaskWait(api, external);
    if (externalTask) externalTasks.push(externalTask);
    if (api.type === 'bpmn:CallActivity' && called.has(String(api.executionId))) {
      calls.push({ elementId: String(api.id), executionId: String(api.executionId), calledElement: api.content?.calledElement });
    }
  }
  called.clear();
  const completed = execution.state === 'idle' && waiting.length === 0 && calls.length === 0 && externalTasks.length === 0;
  const waits = completed ? [] : timers.waits();
  timers.settle();
  const hasExternalTasks = Object.keys(external).length > 0;
  return { state, events: events.splice(0), waiting, calls, eventWaits, hadEventWaits: true, timers: waits, hasTimers: timers.defined, signals: signals.splice(0), externalTasks, hasExternalTasks, completed };
}

/**
 * Gives a task's form values to every scope that may read them next: the running processes and each sub-process
 * under way (`postponed`: the run's postponed executions at every depth), because bpmn-elements gives a sub-process a
 * copy of the variables when it starts.
 */
function assignRouting(execution: AnyEngine, postponed: AnyEngine[], routing: Record<string, unknown>): void {
  const environments = new Set<AnyEngine>();
  for (const definition of execution.definitions as AnyEngine[]) {
    for (const p of definition.getRunningProcesses() as AnyEngine[]) environments.add(p.environment);
  }
  for (const api of postponed) if (api.environment) environments.add(api.environment);
  for (const environment of environments) environment.assignVariables(routing);
}

interface LiveEngine {
  engine: AnyEngine;
  errors: Error[];
  listener: EventEmitter;
  /** What the current run did, emptied by each snapshot. */
  events: EngineEvent[];
  /** Execution ids of the call activities the current run reached, emptied by each snapshot. */
  called: Set<string>;
  /** The engine's `timers`: the timers it waits on. */
  timers: ServiceTimers;
  /** The signals the current run threw, emptied by each snapshot. */
  signals: ThrownSignal[];
  /** The version's external tasks, by element id. */
  external: CompiledProcess['externalTasks'];
}

/**
 * The element an engine event is about. An event with a definition (error, escalation, link, terminate …) reports
 * through that definition's execution, whose type is the definition's: the element is then the message's parent (an
 * error thrown inside a sub-process even reaches the listener through the sub-process, its api's owner).
 */
function reportedElement(api: AnyEngine): { elementId: string; elementType: string; definitions: string[] } {
  const elementId = String(api.id);
  const type = String(api.type);
  const own = api.owner?.id === api.id ? api.owner : undefined;
  const ownDefinitions = ((own?.behaviour?.eventDefinitions ?? []) as Array<{ type?: string }>).map((d) => String(d.type));
  if (!type.endsWith('EventDefinition')) return { elementId, elementType: type, definitions: ownDefinitions };
  const parent = api.content?.parent;
  const elementType = String(own?.type ?? (parent?.id === api.id ? parent.type : 'bpmn:EndEvent'));
  return { elementId, elementType, definitions: ownDefinitions.length > 0 ? ownDefinitions : [type] };
}

/**
 * Whether an engine message is one iteration of a loop (it has the iteration's `index`), not the element's own: the
 * element's end also carries the last `index`, but as its root scope (`isRootScope`).
 */
function isIteration(api: AnyEngine): boolean {
  const content = api.content ?? {};
  return Boolean(content.isMultiInstance) && typeof content.index === 'number' && content.isRootScope !== true;
}

function recordElement(events: EngineEvent[], type: EngineEvent['type']): (api: AnyEngine) => void {
  return (api) => {
    if (!api) return;
    const { elementId, elementType, definitions } = reportedElement(api);
    // A multi-instance or looped element reports each iteration too; the element's own start and end suffice.
    if (!AUDITED_ELEMENT_TYPES.has(elementType) || isIteration(api)) return;
    // An event happens once (its end is the news), and a plain start or end event is just the flow's edge.
    const isEvent = elementType.endsWith('Event');
    if (isEvent && (type === 'element.started' || (definitions.length === 0 && elementType !== 'bpmn:BoundaryEvent'))) return;
    const executionId = String(api.executionId);
    // A thrown error or escalation is reported at its throw and again at its end, when its scope lives on.
    if (events.some((e) => e.type === type && e.elementId === elementId && e.executionId === executionId)) return;
    events.push({ type, elementId, elementType, executionId, eventDefinitions: definitions });
  };
}

/**
 * Records a sub-process (or call activity) that left without ending: bpmn-elements discards a running activity that
 * a boundary event or an interrupting event sub-process cancels, and reports only its `activity.leave`. The leave
 * of a discarded run carries `isRootScope` (its execution's content); the leave of an activity discarded before it
 * ran (a path not taken) does not. End and leave of one run come in the same engine run, so an end is in `events`.
 */
function recordInterrupted(events: EngineEvent[]): (api: AnyEngine) => void {
  return (api) => {
    const type = String(api?.type);
    if (!AUDITED_ELEMENT_TYPES.has(type) || type.endsWith('Event') || !api.content?.isRootScope || isIteration(api)) return;
    const elementId = String(api.id);
    const executionId = String(api.executionId);
    if (events.some((e) => e.type === 'element.ended' && e.elementId === elementId && e.executionId === executionId)) return;
    events.push({ type: 'element.interrupted', elementId, elementType: type, executionId, eventDefinitions: [] });
  };
}

function createEngine(name: string, compiled: Pick<CompiledProcess, 'sourceContext' | 'externalTasks'>, timers: ServiceTimers): LiveEngine {
  const engine: AnyEngine = new Engine({ ...baseEngineOptions, name, sourceContext: compiled.sourceContext, timers } as any);
  const errors: Error[] = [];
  engine.on('error', (err: Error) => errors.push(err));
  const listener = new EventEmitter();
  listener.on('activity.error', (api: AnyEngine) => errors.push(api?.content?.error ?? new Error('activity error')));
  const events: EngineEvent[] = [];
  listener.on('activity.start', recordElement(events, 'element.started'));
  listener.on('activity.end', recordElement(events, 'element.ended'));
  // An error thrown inside a sub-process that a boundary event interrupts never reports its end: its throw is its end.
  listener.on('activity.throw', recordElement(events, 'element.ended'));
  listener.on('activity.leave', recordInterrupted(events));
  const called = new Set<string>();
  listener.on('activity.call', (api: AnyEngine) => called.add(String(api?.executionId)));
  const signals: ThrownSignal[] = [];
  // bpmn-elements' SignalEventDefinition publishes its throw as `activity.signal` with state `throw` and the signal.
  listener.on('activity.signal', (api: AnyEngine) => {
    const name = api?.content?.message?.name;
    if (api?.content?.state === 'throw' && typeof name === 'string') signals.push({ name, elementId: String(api.id) });
  });
  return { engine, errors, listener, events, called, timers, signals, external: compiled.externalTasks };
}

/**
 * Triggers the start event a case starts at. A conditional start event evaluated its condition when it ran: it went
 * on when the condition held, and still waits when it did not. EngineRunError when a message or signal start is not
 * waiting, or a conditional one's condition does not hold for the start variables.
 */
function triggerStart(live: LiveEngine, startEventId: string, conditional: boolean): void {
  const start = (live.engine.execution.getPostponed() as AnyEngine[]).find((api) => api.id === startEventId);
  if (conditional) {
    if (start) throw new EngineRunError(`the process could not start: the condition of ${startEventId} does not hold for these variables`);
    return;
  }
  if (!start) throw new EngineRunError(`the process could not start: ${startEventId} is not waiting for its message or signal`);
  start.signal({ id: startEventId });
}

/** The element an engine error came from: bpmn-elements' ActivityError carries the message it failed on. */
function failedElement(err: AnyEngine): string | undefined {
  const id = err?.source?.content?.id;
  return typeof id === 'string' && id ? id : undefined;
}

/**
 * Throws NoPathError (422) when a decision had no flow to take, ActivityFailedError (422) when another element failed
 * on the case's data (a multi-instance collection that is no list …), EngineRunError (500) for anything else; the
 * caller stores nothing.
 */
function failIfErrored({ errors, engine }: LiveEngine): void {
  if (errors.length > 0 || engine.execution?.state === 'error') {
    const first = errors[0];
    const noPath = errors.map((e) => (e as AnyEngine)?.inner).find((inner) => inner instanceof NoPathTaken) as NoPathTaken | undefined;
    if (noPath) throw new NoPathError(noPath.elementId, noPath.variables);
    const elementId = failedElement(first);
    if (first && elementId) throw new ActivityFailedError(elementId, String((first as AnyEngine).description ?? first.message));
    throw new EngineRunError(`the process could not advance: ${first ? first.message : 'engine error'}`);
  }
}

/**
 * A run's outcome, returned from the async function that ran the engine. A suspended async function keeps every
 * local of its frame alive, dead or not (V8 saves the whole register file), so an engine held in the frame that
 * awaits the commit survives the young generation's collections while the request waits for the database and is
 * promoted, ~1 MiB per engine: in a frame of its own, only `keep` outlives the run.
 */
interface Settled {
  result: RunResult;
  /** The engine to keep after the commit, if any (keepable). */
  keep: LiveEngine | undefined;
}

/** Options of a runtime. */
export interface RuntimeOptions {
  /**
   * Upper bound of the live engines' estimated heap, in bytes; 0 keeps none. Default 8 MiB: V8 lets the heap grow to
   * a few times what survives a collection, so under a burst RSS follows the cache several times over; at 16 MiB a
   * burst of 3,000 starts left 394 MiB of RSS, over the 400 MB target (docs/BENCHMARKS.md).
   */
  cacheBytes?: number;
  /** The service's clock, which timers count from (default: the system clock). */
  clock?: () => Date;
}

/**
 * Runs instances on bpmn-engine. Each run hands its result to the caller's `commit` (the transaction that stores
 * it); the engine is kept for the next run only when that commit resolves, so a failed or raced commit never
 * leaves an engine that disagrees with the database.
 */
export class ProcessRuntime {
  private readonly cache: LiveEngineCache<LiveEngine>;
  private readonly clock: () => Date;

  constructor(options: RuntimeOptions = {}) {
    this.cache = new LiveEngineCache(options.cacheBytes ?? 8 * 1024 * 1024);
    this.clock = options.clock ?? (() => new Date());
  }

  private timersFor(run: RunOptions, compiled: CompiledProcess): ServiceTimers {
    return new ServiceTimers(run.timerDue ?? wallClockTimerDue(), this.clock, compiled.timers.length > 0);
  }

  /** A live engine for the stored instance: the cached one (given this run's due times) or one recovered from its state. */
  private async live(stored: StoredInstance, name: string, compiled: CompiledProcess, run: RunOptions, cachedOnly = false): Promise<LiveEngine | undefined> {
    const cached = this.cache.take(stored.id, stored.rev);
    if (cached) {
      cached.timers.due = run.timerDue ?? wallClockTimerDue();
      return cached;
    }
    return cachedOnly ? undefined : this.recover(name, compiled, stored.state, this.timersFor(run, compiled));
  }

  /**
   * Starts instance `id` with `variables` and runs it to its first waits; `commit` stores the result as revision 1.
   * `startEventId` names the message, signal or (`conditional`) conditional start event the case starts at
   * (triggered at once); without it the case starts at its none start events. Throws EngineRunError when the engine fails; whatever `commit` throws.
   */
  async start<T>(id: string, name: string, compiled: CompiledProcess, variables: Record<string, unknown>, commit: (result: RunResult) => Promise<T>, run: RunOptions & { startEventId?: string; conditional?: boolean } = {}): Promise<T> {
    const { result, keep } = await this.firstRun(name, compiled, variables, run);
    const committed = await commit(result);
    if (keep) this.cache.set(id, 1, keep, compiled.engineBytes);
    return committed;
  }

  /** A new case's run to its first waits, in a frame of its own (see Settled). */
  private async firstRun(name: string, compiled: CompiledProcess, variables: Record<string, unknown>, run: RunOptions & { startEventId?: string; conditional?: boolean }): Promise<Settled> {
    const { startEventId } = run;
    const live = createEngine(name, compiled, this.timersFor(run, compiled));
    const settings = startEventId === undefined ? {} : { settings: { [START_EVENT_SETTING]: startEventId } };
    await live.engine.execute({ listener: live.listener, variables, ...settings });
    if (startEventId !== undefined) triggerStart(live, startEventId, run.conditional === true);
    failIfErrored(live);
    const result = { ...snapshot(live), hadEventWaits: false };
    return { result, keep: this.keepable(live, result, compiled, run) };
  }

  /**
   * Completes the waiting task (or call activity) of a stored instance: `routing` (the task's form values, or the
   * child case's output) become process variables that later conditions read, then the instance runs to its next
   * waits; `commit` stores the result as revision `stored.rev + 1`. Throws EngineRunError when the task is not
   * waiting or the engine fails.
   */
  async signal<T>(
    stored: StoredInstance,
    name: string,
    compiled: CompiledProcess,
    task: WaitingTask,
    routing: Record<string, unknown>,
    commit: (result: RunResult) => Promise<T>,
    run: RunOptions = {},
  ): Promise<T> {
    // Signalled through its own api, not broadcast with execution.signal(): bpmn-elements 17 loses a compensation
    // boundary event's record of a task completed by the broadcast, and compensation would then never run. The
    // message is the task's output; a multi-instance loop counts completed iterations by it.
    const settled = await this.act(stored, name, compiled, task, routing, (waiting) => waiting.signal({ id: task.elementId, executionId: task.executionId }), run);
    return this.commitNext(stored, compiled, settled, commit);
  }

  /**
   * Throws a BPMN error from a waiting external task (its worker's `bpmnError`): `variables` become process variables
   * first, then the error boundary event whose bpmn:error has `errorCode` (or one without errorRef) catches it and the
   * instance runs to its next waits; `commit` stores the result as revision `stored.rev + 1`. Throws
   * ActivityFailedError (422) when nothing catches it (the engine would fail the case; nothing is stored),
   * EngineRunError when the task is not waiting.
   */
  async throwError<T>(
    stored: StoredInstance,
    name: string,
    compiled: CompiledProcess,
    task: WaitingTask,
    error: ReportedBpmnError,
    variables: Record<string, unknown>,
    commit: (result: RunResult) => Promise<T>,
    run: RunOptions = {},
  ): Promise<T> {
    // bpmn-elements' SignalTask turns an `error` api message into an ActivityError carrying the message's `code`, which
    // ErrorEventDefinition compares with its bpmn:error's errorCode.
    const content = { message: error.errorMessage ?? error.errorCode, code: error.errorCode, name: 'BpmnError' };
    const settled = await this.act(stored, name, compiled, task, variables, (waiting, live) => {
      const before = live.errors.length;
      waiting.sendApiMessage('error', content);
      // bpmn-elements reports the error (activity.error) before a boundary event catches it; caught, it is no failure.
      if (live.engine.execution.state !== 'error' && waiting.owner?.status !== 'error') live.errors.splice(before);
    }, run);
    return this.commitNext(stored, compiled, settled, commit);
  }

  /** Commits a run of a stored instance as revision `stored.rev + 1`, then keeps its engine when the run left one. */
  private async commitNext<T>(stored: StoredInstance, compiled: CompiledProcess, { result, keep }: Settled, commit: (result: RunResult) => Promise<T>): Promise<T> {
    const committed = await commit(result);
    if (keep) this.cache.set(stored.id, stored.rev + 1, keep, compiled.engineBytes);
    return committed;
  }

  /**
   * Recovers or takes the live engine, gives `routing` to the case and acts on the waiting execution, in a frame of
   * its own (see Settled): the run to the next waits, and the engine to keep after the commit.
   */
  private async act(stored: StoredInstance, name: string, compiled: CompiledProcess, task: WaitingTask, routing: Record<string, unknown>, action: (waiting: AnyEngine, live: LiveEngine) => void, run: RunOptions): Promise<Settled> {
    const live = (await this.live(stored, name, compiled, run)) as LiveEngine;
    const execution = live.engine.execution;
    const postponed = postponedDeep(execution.getPostponed() as AnyEngine[]);
    const waiting = postponed.find((api) => api.id === task.elementId && api.executionId === task.executionId);
    if (!waiting) throw new EngineRunError(`the process could not advance: ${task.elementId} (${task.executionId}) is not waiting`);
    const hadEventWaits = postponed.some((api) => eventWait(api) !== undefined);
    assignRouting(execution, postponed, routing);
    action(waiting, live);
    // New variables may make a condition that waited hold (one reached in this run was evaluated when reached).
    if (postponed.some((api) => api.type === 'bpmn:ConditionalEventDefinition')) reevaluateConditions(() => postponedDeep(execution.getPostponed() as AnyEngine[]));
    failIfErrored(live);
    const result = { ...snapshot(live), hadEventWaits };
    return { result, keep: this.keepable(live, result, compiled, run) };
  }

  /**
   * Fires the timer `timer` of a stored instance when it is due at the runtime's clock: at `timer.dueAt` when given
   * (the service's due time, which a calendar change may have moved), else at the engine's stored one; a value that
   * had not resolved is resolved again first, and its new due time wins. Then runs the instance to its next
   * waits; `commit` gets the result and whether the timer fired (a timer not yet due is left waiting, its due time in
   * `result.timers`) and stores it as revision `stored.rev + 1`. Throws TimerNotWaitingError (409) when the timer no
   * longer waits, ActivityFailedError (422) when its value still gives no due time, EngineRunError.
   */
  async fireTimer<T>(
    stored: StoredInstance,
    name: string,
    compiled: CompiledProcess,
    timer: { elementId: string; executionId: string; dueAt?: string },
    commit: (result: RunResult, fired: boolean) => Promise<T>,
    run: RunOptions = {},
  ): Promise<T> {
    const { result, keep, fired } = await this.timerRun(stored, name, compiled, timer, run);
    const committed = await commit(result, fired);
    if (keep) this.cache.set(stored.id, stored.rev + 1, keep, compiled.engineBytes);
    return committed;
  }

  /** The run a timer causes, in a frame of its own (see Settled). */
  private async timerRun(stored: StoredInstance, name: string, compiled: CompiledProcess, timer: { elementId: string; executionId: string; dueAt?: string }, run: RunOptions): Promise<Settled & { fired: boolean }> {
    let live = await this.live(stored, name, compiled, run, true);
    // A value that did not resolve is read again on recovery, with the variables the case has now.
    if (!live || live.timers.find(timer.elementId, timer.executionId)?.problem !== undefined) {
      live = await this.recover(name, compiled, stored.state, this.timersFor(run, compiled));
    }
    const wait = live.timers.find(timer.elementId, timer.executionId);
    if (!wait) throw new TimerNotWaitingError(timer.elementId, timer.executionId);
    if (wait.problem !== undefined) throw new ActivityFailedError(timer.elementId, wait.problem);
    const hadEventWaits = postponedDeep(live.engine.execution.getPostponed() as AnyEngine[]).some((api) => eventWait(api) !== undefined);
    const due = wait.fresh || timer.dueAt === undefined ? wait.expireAt : timer.dueAt;
    const fired = Date.parse(due) <= this.clock().getTime() && live.timers.fire(timer.executionId);
    failIfErrored(live);
    const result = { ...snapshot(live), hadEventWaits };
    return { result, keep: this.keepable(live, result, compiled, run), fired };
  }

  /** The cache's current estimated weight in bytes and its number of engines. */
  get cached(): { engines: number; bytes: number } {
    return this.cache.size;
  }

  /**
   * The engine to keep after the commit, if any. Only this reference outlives the commit's await: an engine that will
   * not be kept becomes garbage before it, instead of surviving young-generation collections while the request
   * waits for the database (each survivor is copied, ~1 MiB per engine).
   */
  private keepable(live: LiveEngine, result: RunResult, compiled: CompiledProcess, run: RunOptions): LiveEngine | undefined {
    return run.keep !== false && !result.completed && this.cache.fits(compiled.engineBytes) ? live : undefined;
  }

  private async recover(name: string, compiled: CompiledProcess, state: EngineState, timers: ServiceTimers): Promise<LiveEngine> {
    if (state.format !== undefined) throw new EngineRunError(`the process could not advance: its state (${state.format}) was not moved to bpmn-engine`);
    const live = createEngine(name, compiled, timers);
    // The stored state is the caller's fresh parse of the column (StoredInstance), so the engine may take it as is.
    live.engine.recover(state);
    await live.engine.resume({ listener: live.listener });
    failIfErrored(live);
    // Resuming re-announces elements (and calls) already under way; only what the coming signal causes is news.
    live.events.length = 0;
    live.called.clear();
    live.signals.length = 0;
    return live;
  }
}
