// Conditional start events, as Camunda 7 runs them ("Conditional Start Event"; REST `POST /condition`, which maps to
// ConditionEvaluationBuilder#evaluateStartConditions): the caller's variables are evaluated against the condition of
// each conditional start event of each key's current version, and every one that holds starts a case there, the
// variables as its start variables and the caller as its starter. Each start commits in its own transaction.
import { randomUUID } from 'node:crypto';
import type { NewAuditEvent } from '../audit/audit-chain.js';
import type { User } from '../auth/users-repository.js';
import type { DefinitionsRepository, DefinitionVersion } from '../definitions/definitions-repository.js';
import type { DeployService } from '../definitions/deploy-service.js';
import { startableVersion } from '../definitions/version-lifecycle.js';
import { evaluateExpression } from '../engine/expressions.js';
import type { ProcessRuntime } from '../engine/process-runtime.js';
import { ConflictError, ForbiddenError, NotFoundError, VersionNotStartableError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { CalendarStore } from '../sop/calendar-store.js';
import type { ConditionalStart } from '../sop/sop-metadata.js';
import { checkStartVariables } from '../sop/step-clock.js';
import { caseRun, caseRuns, newInstance, timerRunOptions, type CaseRunsDeps } from './case-runs.js';
import { checkMayStart } from './instance-access.js';

export interface ConditionStartsDeps extends CaseRunsDeps {
  definitions: DefinitionsRepository;
  deploy: DeployService;
  runtime: ProcessRuntime;
  calendars: CalendarStore;
  log: Logger;
}

/** `POST /condition`: the variables to evaluate (and start the cases with), their business key, one version to narrow to. */
export interface ConditionInput {
  variables?: Record<string, unknown>;
  businessKey?: string;
  /** A version's id (`GET /definitions/:key` lists them): only its conditional start events are evaluated. */
  processDefinitionId?: string;
}

/** A case a condition started. */
export interface ConditionStarted {
  id: string;
  definitionId: string;
  definitionKey: string;
  version: number;
  businessKey: string | null;
  /** The conditional start event whose condition held. */
  startEventId: string;
}

/**
 * Whether a condition holds for `variables`: true only for a boolean true, as Camunda's evaluateStartConditions takes
 * a condition's value; a condition that cannot be evaluated with them (a variable it reads is missing) does not hold.
 */
export function conditionHolds(start: ConditionalStart, variables: Record<string, unknown>, now: Date): boolean {
  try {
    return evaluateExpression(start.condition, variables, { now: () => now }) === true;
  } catch {
    return false;
  }
}

export function conditionStarts(deps: ConditionStartsDeps) {
  const { definitions, deploy, instances, runtime, calendars, clock, log, definitionById } = deps;
  const runs = caseRuns(deps);

  /** The current version of `key` (in effect, not suspended), or undefined when none may start. */
  async function currentOf(latest: DefinitionVersion): Promise<DefinitionVersion | undefined> {
    const zone = (await calendars.get(latest.metadata.calendar)).timeZone;
    try {
      const current = startableVersion(latest.key, await definitions.lifecycle(latest.key), zone, clock());
      return current.id === latest.id ? latest : await definitionById(current.id);
    } catch (err) {
      if (err instanceof VersionNotStartableError) return undefined;
      throw err;
    }
  }

  /**
   * The versions to evaluate: the one named (which must be its key's current version), else every key's current
   * version with a conditional start event. Throws NotFoundError, VersionNotStartableError (409: scheduled or
   * suspended), ConflictError (409, `superseded`).
   */
  async function candidates(processDefinitionId: string | undefined): Promise<DefinitionVersion[]> {
    if (processDefinitionId === undefined) {
      const found: DefinitionVersion[] = [];
      for (const latest of await definitions.listLatest()) {
        const current = await currentOf(latest);
        if (current && (current.metadata.conditionalStarts ?? []).length > 0) found.push(current);
      }
      return found;
    }
    const named = await definitions.byId(processDefinitionId);
    if (!named) throw new NotFoundError(`definition ${processDefinitionId} not found`);
    const zone = (await calendars.get(named.metadata.calendar)).timeZone;
    // A scheduled or suspended version is refused by name; a superseded one is not what new cases start on either.
    startableVersion(named.key, await definitions.lifecycle(named.key), zone, clock(), named.version);
    const current = await currentOf(named);
    if (current?.id !== named.id) throw new ConflictError(`version ${named.version} of ${named.key} is superseded: conditions start cases on the current version`, 'superseded');
    return [named];
  }

  /** Starts one case at `start`, in its own transaction, like any start. */
  async function startAt(user: User, definition: DefinitionVersion, start: ConditionalStart, variables: Record<string, unknown>, businessKey: string | null): Promise<ConditionStarted> {
    const { process } = await deploy.compiled(definition);
    const calendar = await calendars.get(definition.metadata.calendar);
    const id = randomUUID();
    await runtime.start(id, definition.key, process, variables, async (result) => {
      const now = clock();
      const at = now.toISOString();
      const instance = newInstance(definition, id, { businessKey, startedBy: user.id, variables }, result, at);
      const started: NewAuditEvent = { type: 'instance.started', at, definitionKey: definition.key, version: definition.version, instanceId: id, userId: user.id, data: { businessKey, startEventId: start.elementId } };
      await runs.settle(caseRun(deps, { calendar, definition, instance, open: [], result, now, userId: user.id, lead: [started] }, { ahead: (trx) => [instances.insert(trx, { ...instance, state: result.state })] }), user.id);
    }, { ...timerRunOptions(process, definition, calendar), startEventId: start.elementId, conditional: true });
    return { id, definitionId: definition.id, definitionKey: definition.key, version: definition.version, businessKey, startEventId: start.elementId };
  }

  return {
    /**
     * Evaluates the conditional start events of the current versions the caller may start (checkMayStart: the start
     * lane's role, candidate starters, else the unit's owners; admins) and starts a case at each one that holds.
     * Returns the cases started, in key order (empty when no condition holds). Throws NotFoundError when no current
     * version has a conditional start event (or the named version is unknown), ForbiddenError when some have but the
     * caller may start none (or not the named one), VersionNotStartableError (409) for a named version scheduled or
     * suspended, ConflictError (409, `superseded`) for an older one, InvalidFormError (422) for start variables a
     * version refuses (checkStartVariables).
     */
    async evaluate(user: User, input: ConditionInput): Promise<ConditionStarted[]> {
      const found = await candidates(input.processDefinitionId);
      if (found.length === 0) throw new NotFoundError(`no version new cases start on has a conditional start event${input.processDefinitionId ? ` (${input.processDefinitionId})` : ''}`);
      const allowed = found.filter((definition) => {
        try {
          checkMayStart(user, definition);
          return true;
        } catch (err) {
          if (input.processDefinitionId !== undefined) throw err;
          return false;
        }
      });
      if (allowed.length === 0) throw new ForbiddenError('evaluating conditions starts cases: the caller may start none of the processes with a conditional start event');
      const variables = { ...(input.variables ?? {}) };
      const now = clock();
      const due = allowed.flatMap((definition) => (definition.metadata.conditionalStarts ?? []).filter((s) => conditionHolds(s, variables, now)).map((start) => ({ definition, start })));
      // Checked for every version about to start before any starts, so a 422 starts nothing.
      for (const { definition } of due) checkStartVariables(definition.metadata, variables, now);
      const started: ConditionStarted[] = [];
      for (const { definition, start } of due) started.push(await startAt(user, definition, start, variables, input.businessKey ?? null));
      log.info({ userId: user.id, evaluated: allowed.length, started: started.map((s) => s.id), event: 'instance.started' }, 'conditions evaluated');
      return started;
    },
  };
}

export type ConditionStarts = ReturnType<typeof conditionStarts>;
