// Rebuilds on bpmn-engine the state of a case stored by the retired flow interpreter, by running its recorded
// history again: start with the variables it started with, then complete each recorded step with the values
// recorded for it. Pure of the database; src/instances/flow-case-move.ts decides what to do with the outcome.
import { EngineRunError } from '../errors.js';
import { ProcessRuntime, type CompiledProcess, type EngineState, type RunResult, type WaitingTask } from './process-runtime.js';

/** The `format` of the flow interpreter's stored state; named here so nothing depends on the interpreter's module. */
export const FLOW_STATE_FORMAT = 'sop-flow/1';

export function isFlowState(state: unknown): boolean {
  return typeof state === 'object' && state !== null && (state as { format?: unknown }).format === FLOW_STATE_FORMAT;
}

/** A recorded completion: the step's element and the values its form routed with. */
export interface RecordedCompletion {
  elementId: string;
  variables: Record<string, unknown>;
}

export interface ReplayInput {
  /** The definition key (bpmn-engine's engine name). */
  name: string;
  compiled: CompiledProcess;
  startVariables: Record<string, unknown>;
  /** In the order the steps were completed. */
  completions: RecordedCompletion[];
}

export type ReplayOutcome = { ok: true; state: EngineState; waiting: WaitingTask[] } | { ok: false; reason: string };

class Diverged extends Error {}

/**
 * The one use of ProcessRuntime: a runtime of its own that keeps no engine, so that the replay neither uses nor fills
 * the service's cache. Each step is "committed" by keeping its result. Throws Diverged when a recorded step is not
 * waiting when its turn comes.
 */
async function runOnBpmnEngine(input: ReplayInput): Promise<{ state: EngineState; waiting: WaitingTask[]; completed: boolean }> {
  const runtime = new ProcessRuntime({ cacheBytes: 0 });
  const keep = async (run: RunResult): Promise<RunResult> => run;
  let result = await runtime.start('replay', input.name, input.compiled, input.startVariables, keep);
  for (const [i, done] of input.completions.entries()) {
    const task = result.waiting.find((w) => w.elementId === done.elementId);
    if (!task) throw new Diverged(`step ${i + 1} (${done.elementId}) was not waiting on bpmn-engine (waiting: ${result.waiting.map((w) => w.elementId).join(', ') || 'none'})`);
    result = await runtime.signal({ id: 'replay', rev: i + 1, state: result.state }, input.name, input.compiled, task, done.variables, keep);
  }
  return result;
}

/**
 * Replays a case's history on bpmn-engine. Gives the new state and the tasks waiting in it, or why the history
 * cannot be replayed (a step not waiting when its turn comes, an engine error, a case that ended on replay).
 */
export async function replayOnBpmnEngine(input: ReplayInput): Promise<ReplayOutcome> {
  try {
    const result = await runOnBpmnEngine(input);
    if (result.completed) return { ok: false, reason: 'the case ended on replay, yet it is running' };
    return { ok: true, state: result.state, waiting: result.waiting };
  } catch (err) {
    if (err instanceof Diverged) return { ok: false, reason: `replay diverged: ${err.message}` };
    if (err instanceof EngineRunError) return { ok: false, reason: `engine error on replay: ${err.message}` };
    return { ok: false, reason: `replay failed: ${(err as Error).message}` };
  }
}
