// Moves running cases from one version of a SOP to another, as Camunda's migration API does: a plan (mapping of the
// old version's elements to the new one's, equal ids by default) is checked per case, and each case that passes
// moves in its own transaction: the bpmn-engine state rebuilt on the new version by replaying the case's history
// (flow-case-replay.ts, as the start-up move of flow cases does), the open task rows with their SOP row and due
// date from the new version's standard, what the carriers carry, and an `instance.migrated` audit event naming both
// versions and the old standards. A case that fails a check stays where it was, and the report says why.
import type { Knex } from 'knex';
import type { Logger } from '../logger.js';
import type { AuditChain } from '../audit/audit-chain.js';
import type { User } from '../auth/users-repository.js';
import type { DefinitionsRepository, DefinitionVersion } from '../definitions/definitions-repository.js';
import type { DeployService } from '../definitions/deploy-service.js';
import type { VersionStates } from '../definitions/version-states.js';
import { NotFoundError, ValidationError, type FieldProblem } from '../errors.js';
import { readFlowGraph, type FlowGraph } from '../engine/flow-graph.js';
import { isFlowState, replayOnBpmnEngine } from '../engine/flow-case-replay.js';
import type { CompiledProcess, EngineState } from '../engine/process-runtime.js';
import type { CalendarStore } from '../sop/calendar-store.js';
import type { TasksRepository } from '../tasks/tasks-repository.js';
import type { InstanceRecord, InstancesRepository } from './instances-repository.js';
import { pairWaiting, startVariablesOf } from './flow-case-move.js';
import type { MigratingCase, MigrationCarrier, MigrationProblem } from './migration-carriers.js';
import { planTaskMoves, unsetReads, type PlannedMove, type TaskMove } from './migration-checks.js';

/** A migration as `POST /migrations` takes it. */
export interface MigrationRequest {
  definitionKey: string;
  fromVersion: number;
  toVersion: number;
  /** fromElementId → toElementId; an element left out maps to the element of the same id, if the new version has one. */
  mapping?: Record<string, string> | undefined;
  /** The cases to move; without them (and without `filter`), every running case of `fromVersion`. */
  instanceIds?: string[] | undefined;
  filter?: { businessKey?: string | undefined; startedAfter?: string | undefined; startedBefore?: string | undefined } | undefined;
  /** Only check and report; nothing changes. */
  dryRun: boolean;
}

/** What happened (or, in a dry run, would happen) to one case. */
export interface CaseReport {
  instanceId: string;
  businessKey: string | null;
  /** `movable`: a dry run found nothing against it; `moved`: it moved; `refused`: it stays where it was. */
  outcome: 'movable' | 'moved' | 'refused';
  moves: TaskMove[];
  problems: MigrationProblem[];
}

export interface MigrationReport {
  definitionKey: string;
  fromVersion: number;
  toVersion: number;
  dryRun: boolean;
  summary: { cases: number; movable: number; moved: number; refused: number };
  cases: CaseReport[];
}

/** The most cases one request looks at; a filter that matches more is narrowed (or the request repeated). */
export const MAX_MIGRATION_CASES = 1000;

interface Plan {
  from: DefinitionVersion;
  to: DefinitionVersion;
  process: CompiledProcess;
  /** The graphs of the old and the new version. */
  fromGraph: FlowGraph;
  graph: FlowGraph;
  target(elementId: string): string | undefined;
  kindOf(elementId: string): string | undefined;
}

export interface CaseMigrationDeps {
  knex: Knex;
  definitions: DefinitionsRepository;
  deploy: DeployService;
  instances: InstancesRepository;
  tasks: TasksRepository;
  audit: AuditChain;
  calendars: CalendarStore;
  versionStates: VersionStates;
  carriers: readonly MigrationCarrier[];
  log: Logger;
  clock: () => Date;
}

type Examined = { ok: false; problems: MigrationProblem[] } | { ok: true; state: EngineState; moves: PlannedMove[]; rev: number };

/** A planned move as reported, without the row's columns. */
const reported = ({ row: _row, ...move }: PlannedMove): TaskMove => move;

export function caseMigration(deps: CaseMigrationDeps) {
  const { knex, definitions, deploy, instances, tasks, audit, calendars, versionStates, carriers, log, clock } = deps;

  async function version(key: string, v: number, field: string): Promise<DefinitionVersion> {
    const d = await definitions.byVersion(key, v);
    if (!d) throw new NotFoundError(`definition ${key} version ${v} not found (${field})`);
    return d;
  }

  /** Checks the mapping against both versions. @throws ValidationError naming `mapping.<id>` for an id a version lacks. */
  async function planOf(request: MigrationRequest): Promise<Plan> {
    const from = await version(request.definitionKey, request.fromVersion, 'fromVersion');
    const to = await version(request.definitionKey, request.toVersion, 'toVersion');
    const [fromGraph, graph] = await Promise.all([readFlowGraph((await definitions.xml(from.id)) as string), readFlowGraph((await definitions.xml(to.id)) as string)]);
    const mapping = request.mapping ?? {};
    const fields: FieldProblem[] = [];
    for (const [source, target] of Object.entries(mapping)) {
      if (!fromGraph.types.has(source)) fields.push({ name: `mapping.${source}`, message: `version ${from.version} has no element ${source}` });
      else if (!graph.types.has(target)) fields.push({ name: `mapping.${source}`, message: `version ${to.version} has no element ${target}` });
    }
    if (fields.length > 0) throw new ValidationError(`the mapping names elements the versions do not have: ${fields.map((f) => f.name).join(', ')}`, fields);
    const { process } = await deploy.compiled(to);
    const target = (id: string) => mapping[id] ?? (graph.types.has(id) ? id : undefined);
    return { from, to, process, fromGraph, graph, target, kindOf: (id) => graph.types.get(id) };
  }

  /** The checks that need no replay: every open task has a target of its kind, what the carriers cannot carry, reads ahead. */
  async function staticProblems(plan: Plan, c: MigratingCase, open: Array<{ elementId: string }>): Promise<MigrationProblem[]> {
    const problems: MigrationProblem[] = [];
    for (const { elementId } of open) {
      const target = plan.target(elementId);
      if (target === undefined) {
        problems.push({ code: 'no-target', elementId, message: `${elementId} waits here and version ${plan.to.version} has no element ${elementId}: map it to one in \`mapping\`` });
        continue;
      }
      const kind = plan.fromGraph.types.get(elementId);
      if (kind !== plan.kindOf(target)) {
        problems.push({ code: 'kind-mismatch', elementId, message: `${elementId} (${kind ?? '?'}) would move to ${target}, a ${plan.kindOf(target) ?? '?'} of version ${plan.to.version}: a wait moves to an element of its own kind` });
        continue;
      }
      for (const read of unsetReads(plan.graph, plan.to.metadata, target, c.instance.variables)) {
        problems.push({ code: 'variable-unset', elementId: read.elementId, variable: read.variable, message: `${read.elementId} of version ${plan.to.version} reads ${read.variable}, which this case has not set and no step between ${target} and it sets` });
      }
    }
    for (const carrier of carriers) problems.push(...(await carrier.check(c)));
    return problems;
  }

  /** Everything the move of one case needs, or why it cannot move. */
  async function examine(plan: Plan, instance: InstanceRecord & { state: EngineState }): Promise<Examined> {
    if (isFlowState(instance.state)) return { ok: false, problems: [{ code: 'not-applicable', message: 'its state was never moved to bpmn-engine (GET /engine-moves)' }] };
    // Read with the instance: if the case moves on after this, the revision check at the commit refuses the move.
    const open = await tasks.openForInstance(instance.id);
    const completions = await tasks.completedInOrder(instance.id);
    const c: MigratingCase = { instance, from: plan.from, to: plan.to, target: plan.target };
    const problems = await staticProblems(plan, c, open);
    const replayed = completions.map((done) => ({ elementId: plan.target(done.elementId), variables: done.variables, from: done.elementId }));
    for (const done of replayed) {
      if (done.elementId === undefined) problems.push({ code: 'history', elementId: done.from, message: `the case completed ${done.from}, which version ${plan.to.version} has no target for: its history cannot be replayed there` });
    }
    if (problems.length > 0) return { ok: false, problems };
    const replay = await replayOnBpmnEngine({
      name: plan.to.key,
      compiled: plan.process,
      startVariables: startVariablesOf(instance.variables, completions),
      completions: replayed.map((d) => ({ elementId: d.elementId as string, variables: d.variables })),
    });
    if (!replay.ok) return { ok: false, problems: [{ code: 'replay', message: `the case's history does not run on version ${plan.to.version}: ${replay.reason}` }] };
    const paired = pairWaiting(replay.waiting, open.map((t) => ({ id: t.id, elementId: plan.target(t.elementId) as string })));
    if (!paired.ok) return { ok: false, problems: [{ code: 'replay', message: `after the case's history, version ${plan.to.version} does not wait where the mapping puts the case: ${paired.reason}` }] };
    const calendar = await calendars.get(plan.to.metadata.calendar);
    const moves = planTaskMoves(open, plan.from, plan.to, { startedBy: instance.startedBy, target: plan.target, executionIds: paired.executionIds, calendar, now: clock() });
    return { ok: true, state: replay.state, moves, rev: instance.rev };
  }

  /** Writes one case's move in its own transaction; false when the case changed since it was examined. */
  async function commit(plan: Plan, c: MigratingCase, examined: Extract<Examined, { ok: true }>, user: User): Promise<boolean> {
    const at = clock().toISOString();
    return knex.transaction(async (trx) => {
      if (!(await instances.migrate(trx, c.instance.id, examined.rev, { definitionId: plan.to.id, version: plan.to.version, state: examined.state }))) return false;
      for (const move of examined.moves) {
        if (!(await tasks.migrate(trx, move.taskId, move.row))) throw new Error(`task ${move.taskId} of instance ${c.instance.id} is no longer open`);
      }
      for (const carrier of carriers) await carrier.move?.(trx, c);
      await audit.append(trx, [
        {
          type: 'instance.migrated',
          at,
          definitionKey: plan.to.key,
          version: plan.to.version,
          instanceId: c.instance.id,
          userId: user.id,
          data: { fromVersion: plan.from.version, toVersion: plan.to.version, tasks: examined.moves.map(reported) },
        },
      ]);
      return true;
    });
  }

  async function migrateCase(plan: Plan, id: string, request: MigrationRequest, user: User): Promise<CaseReport> {
    const instance = await instances.withState(id);
    const report = (outcome: CaseReport['outcome'], problems: MigrationProblem[], moves: TaskMove[] = []): CaseReport => ({ instanceId: id, businessKey: instance?.businessKey ?? null, outcome, moves, problems });
    if (!instance || instance.definitionId !== plan.from.id || instance.status !== 'running') {
      return report('refused', [{ code: 'not-applicable', message: `instance ${id} is no running case of ${plan.from.key} version ${plan.from.version}` }]);
    }
    const examined = await examine(plan, instance);
    if (!examined.ok) return report('refused', examined.problems);
    const strip = examined.moves.map(reported);
    if (request.dryRun) return report('movable', [], strip);
    const c: MigratingCase = { instance, from: plan.from, to: plan.to, target: plan.target };
    if (!(await commit(plan, c, examined, user))) return report('refused', [{ code: 'changed', message: 'the case moved on while it was checked: run the migration again' }]);
    log.info({ instanceId: id, definitionKey: plan.to.key, fromVersion: plan.from.version, toVersion: plan.to.version, event: 'instance.migrated' }, 'case migrated');
    return report('moved', [], strip);
  }

  return {
    /**
     * Checks (and unless `dryRun`, performs) a migration, case by case; one case's failure never stops the others.
     * @throws ForbiddenError unless `user` owns the key's unit (or is an admin), NotFoundError for an unknown key or
     * version, ValidationError for equal versions or a mapping naming elements a version lacks.
     */
    async migrate(user: User, request: MigrationRequest): Promise<MigrationReport> {
      await versionStates.ownedLatest(user, request.definitionKey, 'migrating cases');
      if (request.fromVersion === request.toVersion) throw new ValidationError('fromVersion and toVersion are the same version', [{ name: 'toVersion', message: 'must differ from fromVersion' }]);
      const plan = await planOf(request);
      const ids = request.instanceIds ?? (await instances.runningIdsOf(plan.from.id, request.filter ?? {}, MAX_MIGRATION_CASES));
      const cases: CaseReport[] = [];
      for (const id of ids) {
        try {
          cases.push(await migrateCase(plan, id, request, user));
        } catch (err) {
          // Its transaction rolled back: the case stays where it was, and the others still move.
          log.error({ err, instanceId: id, event: 'instance.migration-failed' }, 'case migration failed');
          cases.push({ instanceId: id, businessKey: null, outcome: 'refused', moves: [], problems: [{ code: 'changed', message: `the move failed and was rolled back: ${(err as Error).message}` }] });
        }
      }
      const count = (outcome: CaseReport['outcome']) => cases.filter((c) => c.outcome === outcome).length;
      return {
        definitionKey: plan.from.key,
        fromVersion: plan.from.version,
        toVersion: plan.to.version,
        dryRun: request.dryRun,
        summary: { cases: cases.length, movable: count('movable'), moved: count('moved'), refused: count('refused') },
        cases,
      };
    },
  };
}

export type CaseMigration = ReturnType<typeof caseMigration>;
