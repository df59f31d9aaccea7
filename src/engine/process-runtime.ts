// Starts instances and advances them from their stored state; the database is the truth. New instances run on
// the flow interpreter (a small JSON state, nothing kept in memory). Instances whose stored state is bpmn-engine's
// (started before the interpreter, or with EXECUTOR=bpmn-engine) stay on bpmn-engine until they end; for those,
// live engines are a bounded cache keyed by revision. The only module that drives bpmn-engine.
import { EventEmitter } from 'node:events';
import { Engine } from 'bpmn-engine';
import type { ParseResult } from 'bpmn-moddle';
import { EngineRunError } from '../errors.js';
import { baseEngineOptions } from './engine-options.js';
import type { FlowModel } from './flow-model.js';
import { isFlowState, signalFlow, startFlow } from './flow-interpreter.js';

/** The serialized definition bpmn-engine builds from a moddle context; reused by every engine of that version. */
export type SourceContext = unknown;

/** What is stored per instance: the flow interpreter's state, or bpmn-engine's without the per-version source. */
export type EngineState = Record<string, unknown>;

/** A deployed version in the two forms the runtime runs. */
export interface CompiledProcess {
  /** Null for a version the interpreter cannot run (see compileFlowModel): its cases run on bpmn-engine. */
  flow: FlowModel | null;
  sourceContext: SourceContext;
}

/** What runs new instances; existing ones keep the executor their state was written by. */
export type Executor = 'flow' | 'bpmn-engine';

export interface WaitingTask {
  elementId: string;
  executionId: string;
}

export interface RunResult {
  state: EngineState;
  /** Every user task waiting now, old and new. */
  waiting: WaitingTask[];
  completed: boolean;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- bpmn-engine's runtime objects are untyped. */
type AnyEngine = any;

/** Serializes a parsed diagram once for bpmn-engine. */
export async function compileDefinition(name: string, moddleContext: ParseResult): Promise<SourceContext> {
  const engine: AnyEngine = new Engine({ ...baseEngineOptions, name, moddleContext } as any);
  const [definition] = await engine.getDefinitions();
  return definition.environment.options.source as SourceContext;
}

function snapshot(engine: AnyEngine): RunResult {
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
    if (api.type === 'bpmn:UserTask' || api.type === 'bpmn:ManualTask') {
      waiting.push({ elementId: String(api.id), executionId: String(api.executionId) });
    }
  }
  return { state, waiting, completed: execution.state === 'idle' && waiting.length === 0 };
}

function createEngine(name: string, sourceContext: SourceContext): { engine: AnyEngine; errors: Error[]; listener: EventEmitter } {
  const engine: AnyEngine = new Engine({ ...baseEngineOptions, name, sourceContext } as any);
  const errors: Error[] = [];
  engine.on('error', (err: Error) => errors.push(err));
  const listener = new EventEmitter();
  listener.on('activity.error', (api: AnyEngine) => errors.push(api?.content?.error ?? new Error('activity error')));
  return { engine, errors, listener };
}

function failIfErrored(errors: Error[], engine: AnyEngine): void {
  if (errors.length > 0 || engine.execution?.state === 'error') {
    const first = errors[0];
    throw new EngineRunError(`the process could not advance: ${first ? first.message : 'engine error'}`);
  }
}

interface LiveEngine {
  engine: AnyEngine;
  rev: number;
  listener: EventEmitter;
  errors: Error[];
}

/** Runs instances; keeps up to `maxLive` engines in memory, each valid only for the revision it produced. */
export class ProcessRuntime {
  private readonly live = new Map<string, LiveEngine>();

  constructor(
    private readonly maxLive = 500,
    private readonly executor: Executor = 'flow',
  ) {}

  async start(name: string, compiled: CompiledProcess, variables: Record<string, unknown>): Promise<{ result: RunResult; keep: (instanceId: string, rev: number) => void }> {
    if (this.executor === 'flow' && compiled.flow) {
      const run = startFlow(compiled.flow, variables);
      return { result: { ...run, state: run.state as unknown as EngineState }, keep: () => {} };
    }
    const { engine, errors, listener } = createEngine(name, compiled.sourceContext);
    await engine.execute({ listener, variables });
    failIfErrored(errors, engine);
    const result = snapshot(engine);
    return { result, keep: (instanceId, rev) => this.remember(instanceId, { engine, rev, listener, errors }) };
  }

  /**
   * Completes one waiting user task and runs the process to its next wait. `routing` are the task's form values,
   * `variables` the instance's with them. `rev` is the stored revision of `state`; a live engine of another
   * revision is discarded.
   */
  async signal(
    instanceId: string,
    name: string,
    compiled: CompiledProcess,
    stored: { state: EngineState; rev: number },
    task: WaitingTask,
    values: { routing: Record<string, unknown>; variables: Record<string, unknown> },
  ): Promise<{ result: RunResult; keep: (rev: number) => void }> {
    if (isFlowState(stored.state)) {
      if (!compiled.flow) throw new EngineRunError(`the process could not advance: ${name} cannot run on the flow interpreter`);
      const run = signalFlow(compiled.flow, stored.state, task, values.variables);
      return { result: { ...run, state: run.state as unknown as EngineState }, keep: () => {} };
    }
    const variables = values.routing;
    let live = this.live.get(instanceId);
    this.live.delete(instanceId);
    if (!live || live.rev !== stored.rev) live = await this.recover(name, compiled.sourceContext, stored.state, stored.rev);
    const { engine, errors } = live;
    const execution = engine.execution;
    const processes = (execution.definitions as AnyEngine[]).flatMap((d) => d.getRunningProcesses() as AnyEngine[]);
    // Conditions read the process environment's variables (see safeExpressions), so form values go there.
    for (const p of processes) p.environment.assignVariables(variables);
    execution.signal({ id: task.elementId, executionId: task.executionId });
    failIfErrored(errors, engine);
    const result = snapshot(engine);
    const kept = live;
    return { result, keep: (rev) => this.remember(instanceId, { ...kept, rev }) };
  }

  /** Drops the live engine of an instance (after a failed commit, a cancel, or the end). */
  forget(instanceId: string): void {
    this.live.delete(instanceId);
  }

  get liveCount(): number {
    return this.live.size;
  }

  private async recover(name: string, sourceContext: SourceContext, state: EngineState, rev: number): Promise<LiveEngine> {
    const { engine, errors, listener } = createEngine(name, sourceContext);
    engine.recover(structuredClone(state));
    await engine.resume({ listener });
    failIfErrored(errors, engine);
    return { engine, errors, listener, rev };
  }

  private remember(instanceId: string, live: LiveEngine): void {
    if (live.engine.execution?.state === 'idle') return;
    this.live.delete(instanceId);
    this.live.set(instanceId, live);
    while (this.live.size > this.maxLive) {
      const oldest = this.live.keys().next().value as string;
      this.live.delete(oldest);
    }
  }
}
