// Converging gateways on bpmn-engine with the service's options: joins wait for taken tokens, never for discards,
// and keep waiting across getState → recover → resume.
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import t, { type Test } from 'tap';
import { Engine } from 'bpmn-engine';
import { parseBpmn } from '../../src/engine/bpmn-parser.js';
import { baseEngineOptions } from '../../src/engine/engine-options.js';
import { compileDefinition, ProcessRuntime, type RunResult } from '../../src/engine/process-runtime.js';

const FIXTURES = path.join(import.meta.dirname, 'fixtures', 'joins');

/* eslint-disable @typescript-eslint/no-explicit-any -- bpmn-engine's runtime objects are untyped. */
type AnyEngine = any;

/** One case on a bare bpmn-engine: which user tasks wait, how often each was opened, and whether it ended. */
class CaseRun {
  /** Element id → the execution ids of that user task that have waited; a resumed engine re-announces the same ones. */
  private readonly executions = new Map<string, Set<string>>();
  readonly errors: Error[] = [];
  private engine: AnyEngine;
  private readonly listener = new EventEmitter();

  private constructor(
    private readonly name: string,
    private readonly sourceContext: unknown,
  ) {
    this.listener.on('activity.wait', (api: AnyEngine) => {
      const seen = this.executions.get(api.id) ?? new Set<string>();
      this.executions.set(api.id, seen.add(api.executionId));
    });
    this.listener.on('activity.error', (api: AnyEngine) => this.errors.push(api.content.error));
    this.engine = this.build();
  }

  static async start(fixture: string, variables: Record<string, unknown> = {}): Promise<CaseRun> {
    const parsed = await parseBpmn(fs.readFileSync(path.join(FIXTURES, `${fixture}.bpmn`), 'utf8'));
    const run = new CaseRun(fixture, (await compileDefinition(fixture, parsed.moddleContext)).sourceContext);
    await run.engine.execute({ listener: run.listener, variables });
    return run;
  }

  private build(): AnyEngine {
    const engine: AnyEngine = new Engine({ ...baseEngineOptions, name: this.name, sourceContext: this.sourceContext } as any);
    engine.on('error', (err: Error) => this.errors.push(err));
    return engine;
  }

  /** Every waiting user task's element id, sorted. */
  waiting(): string[] {
    return this.postponedTasks()
      .map((api) => String(api.id))
      .sort();
  }

  /** Completes the one waiting task `elementId` after setting `variables`, as the service does for form values. */
  complete(elementId: string, variables: Record<string, unknown> = {}): void {
    const task = this.postponedTasks().find((api) => api.id === elementId);
    if (!task) throw new Error(`${elementId} is not waiting; waiting: ${this.waiting().join(', ')}`);
    for (const definition of this.engine.execution.definitions) {
      for (const process of definition.getRunningProcesses()) process.environment.assignVariables(variables);
    }
    this.engine.execution.signal({ id: task.id, executionId: task.executionId });
  }

  /** Replaces the engine by one recovered from a JSON round trip of its state, as a restarted service would. */
  async recover(): Promise<void> {
    const state = JSON.parse(JSON.stringify(await this.engine.getState()));
    this.engine.stop();
    this.engine = this.build();
    this.engine.recover(state);
    await this.engine.resume({ listener: this.listener });
  }

  /** How many times a task of `elementId` was created. */
  opened(elementId: string): number {
    return this.executions.get(elementId)?.size ?? 0;
  }

  get completed(): boolean {
    return this.engine.state === 'idle' && this.waiting().length === 0;
  }

  private postponedTasks(): AnyEngine[] {
    if (!this.engine.execution) return [];
    return (this.engine.execution.getPostponed() as AnyEngine[]).filter((api) => api.type === 'bpmn:UserTask');
  }
}

function expectEnd(t: Test, run: CaseRun): void {
  t.same(run.waiting(), [], 'no task is left waiting');
  t.ok(run.completed, 'the case has completed');
  t.same(run.errors, [], 'nothing failed');
}

type Steps = (t: Test, run: CaseRun, midway: () => Promise<void>) => Promise<void>;

/** Runs `steps` twice: in one engine, and with the engine recovered from its state wherever the steps call `midway`. */
function scenario(name: string, fixture: string, variables: Record<string, unknown>, steps: Steps): void {
  t.test(name, async (t) => {
    await t.test('in one engine', async (t) => steps(t, await CaseRun.start(fixture, variables), async () => {}));
    await t.test('recovered midway', async (t) => {
      const run = await CaseRun.start(fixture, variables);
      await steps(t, run, () => run.recover());
    });
  });
}

scenario('(a) a parallel join waits for the branch whose exclusive split skipped nothing', 'parallel-exclusive-merge', { reviewB: true }, async (t, run, midway) => {
  t.same(run.waiting(), ['task-a', 'task-b']);
  run.complete('task-a');
  await midway();
  t.same(run.waiting(), ['task-b'], 'the discarded default flow into the merge does not stand in for branch B');
  run.complete('task-b');
  t.same(run.waiting(), ['after']);
  t.equal(run.opened('after'), 1, 'the join fired once');
  run.complete('after');
  expectEnd(t, run);
});

scenario('(a) with the condition false, the default flow carries branch B to the join', 'parallel-exclusive-merge', { reviewB: false }, async (t, run, midway) => {
  t.same(run.waiting(), ['task-a']);
  await midway();
  run.complete('task-a');
  t.same(run.waiting(), ['after']);
  t.equal(run.opened('after'), 1);
  t.equal(run.opened('task-b'), 0);
  run.complete('after');
  expectEnd(t, run);
});

scenario('(b) an inclusive join waits for both true branches, not for its discarded default', 'inclusive-default', { one: true, two: true }, async (t, run, midway) => {
  t.same(run.waiting(), ['task-1', 'task-2']);
  run.complete('task-1');
  await midway();
  t.same(run.waiting(), ['task-2']);
  run.complete('task-2');
  t.same(run.waiting(), ['after']);
  t.equal(run.opened('after'), 1, 'the join fired once');
  run.complete('after');
  expectEnd(t, run);
});

scenario('(b) with no condition true, the default flow alone fires the inclusive join', 'inclusive-default', { one: false, two: false }, async (t, run, midway) => {
  await midway();
  t.same(run.waiting(), ['after']);
  t.equal(run.opened('after'), 1);
  run.complete('after');
  expectEnd(t, run);
});

scenario('(c) a parallel join does not fire while a loop in one branch goes round', 'parallel-loop', {}, async (t, run, midway) => {
  t.same(run.waiting(), ['check', 'draft']);
  run.complete('check');
  t.same(run.waiting(), ['draft']);
  run.complete('draft', { again: true });
  await midway();
  t.same(run.waiting(), ['draft'], 'the loop reopened the task; the discard toward the join was not counted');
  run.complete('draft', { again: true });
  t.same(run.waiting(), ['draft']);
  run.complete('draft', { again: false });
  t.same(run.waiting(), ['after']);
  t.equal(run.opened('draft'), 3);
  t.equal(run.opened('after'), 1, 'the join fired once');
  run.complete('after');
  expectEnd(t, run);
});

scenario('a condition on a flow out of a parallel gateway is ignored', 'parallel-condition', { open: false }, async (t, run, midway) => {
  t.same(run.waiting(), ['task-a', 'task-b'], 'both branches open although the condition is false');
  run.complete('task-b');
  await midway();
  t.same(run.waiting(), ['task-a']);
  run.complete('task-a');
  t.same(run.waiting(), ['after']);
  run.complete('after');
  expectEnd(t, run);
});

scenario('an inclusive join with one true condition fires on that branch alone', 'inclusive-escape', { one: true, two: false }, async (t, run, midway) => {
  t.same(run.waiting(), ['task-1']);
  await midway();
  run.complete('task-1');
  t.same(run.waiting(), ['after']);
  run.complete('after');
  expectEnd(t, run);
});

scenario('an inclusive join fires when the other branch ends at an end event instead', 'inclusive-escape', { one: true, two: true }, async (t, run, midway) => {
  t.same(run.waiting(), ['task-1', 'task-2']);
  run.complete('task-1');
  t.same(run.waiting(), ['task-2'], 'branch 2 can still reach the join');
  await midway();
  run.complete('task-2', { proceed: false });
  t.same(run.waiting(), ['after'], 'the token that left for the end event released the join');
  t.equal(run.opened('after'), 1);
  run.complete('after');
  expectEnd(t, run);
});

scenario('an inclusive join waits for a branch that goes on to it', 'inclusive-escape', { one: true, two: true }, async (t, run, midway) => {
  run.complete('task-2', { proceed: true });
  await midway();
  t.same(run.waiting(), ['task-1']);
  run.complete('task-1');
  t.same(run.waiting(), ['after']);
  t.equal(run.opened('after'), 1);
  run.complete('after');
  expectEnd(t, run);
});

scenario('nested joins: an inclusive join inside a parallel branch', 'nested-joins', { b: true, c: true }, async (t, run, midway) => {
  t.same(run.waiting(), ['task-a', 'task-b', 'task-c']);
  run.complete('task-b');
  run.complete('task-a');
  await midway();
  t.same(run.waiting(), ['task-c'], 'the token waiting at the outer join does not release the inner one');
  run.complete('task-c');
  t.same(run.waiting(), ['inner-after']);
  run.complete('inner-after');
  t.same(run.waiting(), ['after']);
  t.equal(run.opened('inner-after'), 1);
  t.equal(run.opened('after'), 1);
  run.complete('after');
  expectEnd(t, run);
});

scenario('two tokens on one flow do not stand in for another flow; the surplus waits', 'parallel-surplus', {}, async (t, run, midway) => {
  run.complete('task-p1');
  run.complete('task-p2');
  await midway();
  t.same(run.waiting(), ['task-q']);
  t.equal(run.opened('after'), 0);
  run.complete('task-q');
  t.same(run.waiting(), ['after']);
  t.equal(run.opened('after'), 1, 'one activation for one token on each flow');
  run.complete('after');
  t.same(run.waiting(), []);
  t.notOk(run.completed, 'the surplus token still waits at the join, as in Camunda 7');
});

t.test('(b) through the service runtime, recovering from the stored state at every step', async (t) => {
  const parsed = await parseBpmn(fs.readFileSync(path.join(FIXTURES, 'inclusive-default.bpmn'), 'utf8'));
  const compiled = await compileDefinition('inclusive-default', parsed.moddleContext);
  const runtime = new ProcessRuntime({ cacheBytes: 0 });
  const stored = async (run: RunResult): Promise<RunResult> => JSON.parse(JSON.stringify(run)) as RunResult;
  const started = await runtime.start('i', 'inclusive-default', compiled, { one: true, two: true }, stored);
  const first = started.waiting.find((w) => w.elementId === 'task-1')!;
  const second = await runtime.signal({ id: 'i', rev: 1, state: started.state }, 'inclusive-default', compiled, first, {}, stored);
  t.same(second.waiting.map((w) => w.elementId), ['task-2'], 'the join still waits for branch 2');
  const third = await runtime.signal({ id: 'i', rev: 2, state: second.state }, 'inclusive-default', compiled, second.waiting[0]!, {}, stored);
  t.same(third.waiting.map((w) => w.elementId), ['after']);
  const last = await runtime.signal({ id: 'i', rev: 3, state: third.state }, 'inclusive-default', compiled, third.waiting[0]!, {}, stored);
  t.ok(last.completed);
});
