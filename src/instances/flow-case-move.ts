// Moves every running case stored by the retired flow interpreter to bpmn-engine at start: its state rebuilt by
// replaying its history, checked against its open task rows, and written with those rows and an audit event in one
// transaction guarded by the instance's revision, so that of several processes starting at once only one moves a
// case. A case that cannot be moved keeps its state and is reported with the reason; nothing is dropped.
import type { Knex } from 'knex';
import type { Logger } from '../logger.js';
import type { AuditChain } from '../audit/audit-chain.js';
import type { DefinitionsRepository } from '../definitions/definitions-repository.js';
import type { DeployService } from '../definitions/deploy-service.js';
import type { EngineState, WaitingTask } from '../engine/process-runtime.js';
import { FLOW_STATE_FORMAT, isFlowState, replayOnBpmnEngine } from '../engine/flow-case-replay.js';
import type { TaskRecord, TasksRepository } from '../tasks/tasks-repository.js';
import type { EngineMovesRepository } from './engine-moves-repository.js';
import type { InstanceRecord, InstancesRepository } from './instances-repository.js';

export interface FlowCaseMoveDeps {
  knex: Knex;
  definitions: DefinitionsRepository;
  deploy: DeployService;
  instances: InstancesRepository;
  tasks: TasksRepository;
  moves: EngineMovesRepository;
  audit: AuditChain;
  log: Logger;
  clock: () => Date;
}

/** What one run did: cases moved, left unmoved, and left alone because another process changed them first. */
export interface MoveSummary {
  moved: number;
  unmoved: number;
  skipped: number;
}

type CaseOutcome = { outcome: 'moved' } | { outcome: 'unmoved'; reason: string } | { outcome: 'skipped' };

type StoredInstance = InstanceRecord & { state: EngineState };

/**
 * Pairs each open task row with a waiting execution of the same element; the waiting set must equal the rows as a
 * multiset of elements. Gives taskId → executionId, or why they differ.
 */
export function pairWaiting(waiting: WaitingTask[], open: Array<Pick<TaskRecord, 'id' | 'elementId'>>): { ok: true; executionIds: Map<string, string> } | { ok: false; reason: string } {
  const free = [...waiting];
  const executionIds = new Map<string, string>();
  for (const task of open) {
    const i = free.findIndex((w) => w.elementId === task.elementId);
    if (i < 0) break;
    executionIds.set(task.id, (free.splice(i, 1)[0] as WaitingTask).executionId);
  }
  if (executionIds.size === open.length && free.length === 0) return { ok: true, executionIds };
  const names = (ids: string[]) => ids.sort().join(', ') || 'none';
  return { ok: false, reason: `waiting on bpmn-engine: ${names(waiting.map((w) => w.elementId))}; open task rows: ${names(open.map((t) => t.elementId))}` };
}

/** The variables the case started with: its variables less every key a completed step set. */
export function startVariablesOf(variables: Record<string, unknown>, completions: Array<{ variables: Record<string, unknown> }>): Record<string, unknown> {
  const set = new Set(completions.flatMap((c) => Object.keys(c.variables)));
  return Object.fromEntries(Object.entries(variables).filter(([k]) => !set.has(k)));
}

export function flowCaseMove(deps: FlowCaseMoveDeps) {
  const { knex, definitions, deploy, instances, tasks, moves, audit, log, clock } = deps;

  /** The rebuilt state and each open row's new execution, or why the case cannot move. */
  async function rebuild(instance: StoredInstance, open: TaskRecord[]): Promise<{ ok: true; state: EngineState; executionIds: Map<string, string> } | { ok: false; reason: string }> {
    const definition = await definitions.byId(instance.definitionId);
    if (!definition) return { ok: false, reason: `its definition ${instance.definitionId} is missing` };
    const { process } = await deploy.compiled(definition);
    const completions = await tasks.completedInOrder(instance.id);
    const replay = await replayOnBpmnEngine({ name: definition.key, compiled: process, startVariables: startVariablesOf(instance.variables, completions), completions });
    if (!replay.ok) return replay;
    const paired = pairWaiting(replay.waiting, open);
    return paired.ok ? { ok: true, state: replay.state, executionIds: paired.executionIds } : paired;
  }

  /** Writes the new state, the open rows' executions, the report row and the audit event; false if the case changed. */
  async function commitMove(instance: StoredInstance, state: EngineState, executionIds: Map<string, string>): Promise<boolean> {
    const at = clock().toISOString();
    return knex.transaction(async (trx) => {
      if (!(await instances.advance(trx, instance.id, instance.rev, { state }))) return false;
      for (const [taskId, executionId] of executionIds) {
        // Every change of an open row but a claim moves the revision checked above: a row gone from open means a bug.
        if (!(await tasks.setExecutionId(trx, taskId, executionId))) throw new Error(`task ${taskId} of instance ${instance.id} is no longer open`);
      }
      await moves.record({ instanceId: instance.id, outcome: 'moved', reason: null, at }, trx);
      await audit.append(trx, [
        { type: 'instance.moved', at, definitionKey: instance.definitionKey, version: instance.version, instanceId: instance.id, data: { from: FLOW_STATE_FORMAT, to: 'bpmn-engine' } },
      ]);
      return true;
    });
  }

  async function moveCase(id: string): Promise<CaseOutcome> {
    const instance = await instances.withState(id);
    if (!instance || instance.status !== 'running' || !isFlowState(instance.state)) return { outcome: 'skipped' };
    const open = await tasks.openForInstance(id);
    let rebuilt: Awaited<ReturnType<typeof rebuild>>;
    try {
      rebuilt = await rebuild(instance, open);
    } catch (err) {
      rebuilt = { ok: false, reason: `cannot load its definition: ${(err as Error).message}` };
    }
    if (!rebuilt.ok) {
      await moves.record({ instanceId: id, outcome: 'unmoved', reason: rebuilt.reason, at: clock().toISOString() });
      return { outcome: 'unmoved', reason: rebuilt.reason };
    }
    return (await commitMove(instance, rebuilt.state, rebuilt.executionIds)) ? { outcome: 'moved' } : { outcome: 'skipped' };
  }

  return {
    /**
     * Moves every running case stored as 'sop-flow/1'. Idempotent: a moved case is no longer of that format, and an
     * unmoved one is tried again (and reported again only if its reason changed). Logs each case and a summary.
     */
    async run(): Promise<MoveSummary> {
      const summary: MoveSummary = { moved: 0, unmoved: 0, skipped: 0 };
      for (const id of await instances.runningIdsStoredAs(FLOW_STATE_FORMAT)) {
        const result = await moveCase(id);
        summary[result.outcome] += 1;
        if (result.outcome === 'moved') log.info({ instanceId: id, event: 'instance.moved' }, 'case moved to bpmn-engine');
        else if (result.outcome === 'unmoved') log.warn({ instanceId: id, reason: result.reason, event: 'instance.unmoved' }, 'case not moved to bpmn-engine');
        else log.info({ instanceId: id }, 'case changed meanwhile: left to the process that changed it');
      }
      log.info({ ...summary, event: 'engine.moves' }, `cases stored by the flow interpreter: ${summary.moved} moved, ${summary.unmoved} not moved, ${summary.skipped} left to another process`);
      return summary;
    },
  };
}

export type FlowCaseMove = ReturnType<typeof flowCaseMove>;
