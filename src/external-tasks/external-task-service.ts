// External tasks as Camunda 7's REST API serves them to workers (REST reference "External Task"): fetch and lock with
// long polling, complete, failure (retries, then an incident), BPMN error, lock extension and unlock. Who may act: a
// user holding `worker` (every topic) or `worker:<topic>`. A completion or BPMN error runs the case's engine and
// commits its state, task rows, external task rows and audit events in one transaction under the case's lock.
import type { Knex } from 'knex';
import { ActivityFailedError, ExternalTaskLockError, ForbiddenError, NotFoundError, ValidationError } from '../errors.js';
import type { User } from '../auth/users-repository.js';
import type { NewAuditEvent } from '../audit/audit-chain.js';
import type { DefinitionVersion } from '../definitions/definitions-repository.js';
import type { CompiledProcess, RunOptions, RunResult, StoredInstance } from '../engine/process-runtime.js';
import type { IncidentsRepository } from '../incidents/incidents-repository.js';
import type { InstanceLocks } from '../instances/instance-locks.js';
import { advancedCase, caseRun, caseRuns, timerRunOptions } from '../instances/case-runs.js';
import type { CaseRunsDeps } from '../instances/case-runs.js';
import type { Logger } from '../logger.js';
import { externalTaskEvent } from './external-task-audit.js';
import { plainVariables, typedVariables, type TypedValue } from './camunda-variables.js';
import type { ExternalTaskRecord, ExternalTasksRepository } from './external-tasks-repository.js';
import type { ExternalTaskWakeup } from './task-wakeup.js';

/** A case run's dependencies (case-runs.ts), and what serving external tasks needs besides. */
export interface ExternalTaskDeps extends CaseRunsDeps {
  externalTasks: ExternalTasksRepository;
  incidents: IncidentsRepository;
  wakeup: ExternalTaskWakeup;
  locks: InstanceLocks;
  log: Logger;
}

/** One topic of a fetchAndLock request. */
export interface FetchTopic {
  topicName: string;
  /** How long the lock holds, in ms. */
  lockDuration: number;
  /** The variables to give the worker; all the case's when absent or null. */
  variables?: string[] | null | undefined;
  /** Only local variables: the service keeps none on an external task's execution, so none are given. */
  localVariables?: boolean | null | undefined;
  businessKey?: string | null | undefined;
  processDefinitionKey?: string | null | undefined;
  /** Give the activity's extension properties (camunda:properties) with each task, as Camunda 7.15+ does. */
  includeExtensionProperties?: boolean | null | undefined;
}

/** `POST /external-task/fetchAndLock`. */
export interface FetchRequest {
  workerId: string;
  maxTasks: number;
  usePriority?: boolean | undefined;
  /** Long polling: how long to wait for a task when none is fetchable, in ms (wall time). */
  asyncResponseTimeout?: number | undefined;
  topics: FetchTopic[];
}

/** Camunda 7's LockedExternalTaskDto. Times ISO 8601 UTC. */
export interface LockedExternalTask {
  id: string;
  topicName: string;
  workerId: string;
  lockExpirationTime: string;
  retries: number | null;
  errorMessage: string | null;
  errorDetails: string | null;
  processInstanceId: string;
  processDefinitionId: string;
  processDefinitionKey: string;
  processDefinitionVersionTag: null;
  activityId: string;
  activityInstanceId: string;
  executionId: string;
  businessKey: string | null;
  priority: number;
  tenantId: null;
  variables: Record<string, { value: unknown; type: string; valueInfo: Record<string, unknown> }>;
  extensionProperties: Record<string, string>;
}

/** Camunda 7's ExternalTaskDto (GET /external-task). */
export interface ExternalTaskView {
  id: string;
  topicName: string;
  workerId: string | null;
  lockExpirationTime: string | null;
  retries: number | null;
  errorMessage: string | null;
  processInstanceId: string;
  processDefinitionId: string;
  processDefinitionKey: string;
  activityId: string;
  activityInstanceId: string;
  executionId: string;
  businessKey: string | null;
  priority: number;
  suspended: boolean;
  tenantId: null;
}

/** One engine step on a case: the stored case, its version and compiled process, and the commit of the run. */
type EngineStep = (c: { stored: StoredInstance; definition: DefinitionVersion; process: CompiledProcess; run: RunOptions; commit: (result: RunResult) => Promise<void> }) => Promise<void>;

/** The longest long poll, in ms: Camunda's client asks for at most a few minutes; a longer one is cut to this. */
export const MAX_ASYNC_RESPONSE_MS = 30 * 60_000;

/** Whether `user` may serve external tasks of `topic`. */
export const mayServe = (user: User, topic: string): boolean => user.roles.includes('worker') || user.roles.includes(`worker:${topic}`);

const isWorker = (user: User): boolean => user.roles.some((r) => r === 'worker' || r.startsWith('worker:'));

/** A task row as Camunda's ExternalTaskDto: the execution is both the activity instance and the execution. */
export const externalTaskView = (t: ExternalTaskRecord): ExternalTaskView => ({
  id: t.id,
  topicName: t.topic,
  workerId: t.workerId,
  lockExpirationTime: t.lockExpiration,
  retries: t.retries,
  errorMessage: t.errorMessage,
  processInstanceId: t.instanceId,
  processDefinitionId: t.definitionId,
  processDefinitionKey: t.definitionKey,
  activityId: t.elementId,
  activityInstanceId: t.executionId,
  executionId: t.executionId,
  businessKey: t.businessKey,
  priority: t.priority,
  suspended: false,
  tenantId: null,
});

export function externalTaskService(deps: ExternalTaskDeps) {
  const { knex, deploy, instances, tasks, externalTasks, incidents, wakeup, locks, audit, runtime, calendars, log, clock, definitionById } = deps;
  const runs = caseRuns(deps);

  function checkWorker(user: User): void {
    if (!isWorker(user)) throw new ForbiddenError('external tasks need the role worker or worker:<topic>');
  }

  /** The task a worker acts on: 404 when it is gone, 403 when the worker may not serve its topic. */
  async function served(user: User, id: string): Promise<ExternalTaskRecord> {
    checkWorker(user);
    const task = await externalTasks.byId(id);
    if (!task) throw new NotFoundError(`External task with id ${id} does not exist`);
    if (!mayServe(user, task.topic)) throw new ForbiddenError(`serving topic ${task.topic} needs the role worker or worker:${task.topic}`);
    return task;
  }

  function held(task: ExternalTaskRecord, workerId: string, action: string): void {
    if (task.workerId !== workerId) throw new ExternalTaskLockError(`External Task ${task.id} cannot be ${action} by worker '${workerId}'. It is locked by worker '${task.workerId ?? ''}'.`);
  }

  const later = (ms: number): string => new Date(clock().getTime() + ms).toISOString();

  /** Locks up to `max` fetchable tasks of `topics` now; candidates another worker took first are skipped. */
  async function lockSome(request: FetchRequest, topics: FetchTopic[]): Promise<Array<{ task: ExternalTaskRecord; topic: FetchTopic; until: string }>> {
    const byName = new Map(topics.map((t) => [t.topicName, t]));
    const locked: Array<{ task: ExternalTaskRecord; topic: FetchTopic; until: string }> = [];
    const filters = topics.map((t) => ({ topic: t.topicName, businessKey: t.businessKey, definitionKey: t.processDefinitionKey }));
    // Other workers may take some candidates first: a few more are read than wanted, and again while some were lost.
    for (let round = 0; round < 5 && locked.length < request.maxTasks; round++) {
      const now = clock().toISOString();
      const limit = (request.maxTasks - locked.length) * 2 + 8;
      const candidates = await externalTasks.fetchable(filters, now, limit, request.usePriority === true);
      for (const task of candidates) {
        const topic = byName.get(task.topic) as FetchTopic;
        const until = later(topic.lockDuration);
        if (!(await externalTasks.lock(task.id, request.workerId, now, until))) continue;
        locked.push({ task: { ...task, workerId: request.workerId, lockExpiration: until }, topic, until });
        if (locked.length >= request.maxTasks) break;
      }
      // Fewer candidates than read: every fetchable task was tried.
      if (candidates.length < limit) break;
    }
    return locked;
  }

  async function lockedDto(task: ExternalTaskRecord, topic: FetchTopic, until: string): Promise<LockedExternalTask> {
    const instance = await instances.byId(task.instanceId);
    const variables = topic.localVariables ? {} : typedVariables(instance?.variables ?? {}, topic.variables);
    const properties = topic.includeExtensionProperties ? ((await deploy.compiled(await definitionById(task.definitionId))).process.externalTasks[task.elementId]?.properties ?? {}) : {};
    return {
      ...externalTaskView(task),
      workerId: task.workerId as string,
      lockExpirationTime: until,
      errorDetails: task.errorDetails,
      processDefinitionVersionTag: null,
      variables,
      extensionProperties: { ...properties },
    };
  }

  /**
   * Runs the engine on the task's case under its lock (`engine` signals or throws into the waiting execution and
   * hands its result to `commit`), then commits the run with `lead` first; the task row's deletion, guarded by
   * `workerId`'s lock, goes in the same transaction.
   */
  async function runCase(task: ExternalTaskRecord, user: User, variables: Record<string, unknown>, lead: NewAuditEvent, engine: EngineStep, workerId: string): Promise<void> {
    await locks.run(task.instanceId, async () => {
      const stored = await instances.withState(task.instanceId);
      if (stored?.status !== 'running') throw new NotFoundError(`External task with id ${task.id} does not exist`);
      const definition = await definitionById(stored.definitionId);
      const { process } = await deploy.compiled(definition);
      const calendar = await calendars.get(definition.metadata.calendar);
      const open = await tasks.openForInstance(stored.id);
      const go = async (result: RunResult): Promise<void> => {
        const now = clock();
        const { instance, advance } = advancedCase(instances, stored, result, { ...stored.variables, ...variables }, now.toISOString());
        const before = async (trx: Knex.Transaction): Promise<void> => {
          if (!(await externalTasks.deleteHeld(trx, task.id, workerId))) throw new ExternalTaskLockError(`External Task ${task.id} is no longer locked by worker '${workerId}'`);
          await advance(trx);
        };
        await runs.settle(caseRun(deps, { calendar, definition, instance, open, result, now, userId: user.id, lead: [{ ...lead, at: now.toISOString() }] }, { before }), user.id);
      };
      await engine({ stored, definition, process, run: timerRunOptions(process, definition, calendar), commit: go });
    });
  }

  /** Raises an `external-task` incident for `task` in `trx`, with its audit events. */
  async function raiseIncident(trx: Knex.Transaction, task: ExternalTaskRecord, message: string, at: string, lead: NewAuditEvent): Promise<void> {
    const incident = await incidents.raise(trx, { kind: 'external-task', subjectId: task.id, instanceId: task.instanceId, definitionId: task.definitionId, elementId: task.elementId, message, retries: 0, createdAt: at });
    await audit.append(trx, [lead, { type: 'incident.created', at, definitionKey: task.definitionKey, version: task.version, instanceId: task.instanceId, elementId: task.elementId, userId: lead.userId ?? null, data: { incidentId: incident.id, kind: 'external-task', externalTaskId: task.id, message } }]);
    log.error({ externalTaskId: task.id, instanceId: task.instanceId, elementId: task.elementId, err: message, event: 'incident.created' }, 'external task became an incident');
  }

  return {
    /**
     * Locks up to `maxTasks` tasks of the topics the worker may serve (others are left out); with
     * `asyncResponseTimeout`, waits that long (wall time) for one when none is fetchable, woken when a task is
     * created or freed in any process. `signal` ends the wait (the client went away). ForbiddenError without a
     * worker role.
     */
    async fetchAndLock(user: User, request: FetchRequest, signal?: AbortSignal): Promise<LockedExternalTask[]> {
      checkWorker(user);
      const topics = request.topics.filter((t) => mayServe(user, t.topicName));
      const deadline = Date.now() + Math.min(request.asyncResponseTimeout ?? 0, MAX_ASYNC_RESPONSE_MS);
      for (;;) {
        const epoch = wakeup.epoch();
        const locked = await lockSome(request, topics);
        const remaining = deadline - Date.now();
        if (locked.length > 0 || remaining <= 0 || topics.length === 0 || signal?.aborted || wakeup.closed()) return Promise.all(locked.map((l) => lockedDto(l.task, l.topic, l.until)));
        await wakeup.wait(remaining, signal, epoch);
      }
    },

    /** The tasks of topics the worker may serve, oldest first (GET /external-task). */
    async list(user: User, query: { topicName?: string | undefined; processInstanceId?: string | undefined; maxResults: number }): Promise<ExternalTaskView[]> {
      checkWorker(user);
      const all = user.roles.includes('worker');
      const topics = query.topicName !== undefined ? [query.topicName] : all ? undefined : user.roles.filter((r) => r.startsWith('worker:')).map((r) => r.slice('worker:'.length));
      const rows = topics && !topics.every((t) => mayServe(user, t)) ? [] : await externalTasks.list({ topics, instanceId: query.processInstanceId, limit: query.maxResults });
      return rows.map(externalTaskView);
    },

    async get(user: User, id: string): Promise<ExternalTaskView> {
      return externalTaskView(await served(user, id));
    },

    /**
     * Completes a task the worker holds: `variables` become process variables (Camunda's semantics), `localVariables`
     * are recorded with the completion (the activity's local scope ends with it). Throws NotFoundError (404),
     * ExternalTaskLockError (400) when another worker locked it, ValidationError (400) for a variable, ForbiddenError.
     */
    async complete(user: User, id: string, body: { workerId: string; variables?: Record<string, TypedValue> | null | undefined; localVariables?: Record<string, TypedValue> | null | undefined }): Promise<void> {
      const task = await served(user, id);
      held(task, body.workerId, 'completed');
      const variables = plainVariables('variables', body.variables);
      const localVariables = plainVariables('localVariables', body.localVariables);
      const lead = externalTaskEvent('external-task.completed', task, user.id, '', { workerId: body.workerId, variables, ...(Object.keys(localVariables).length > 0 ? { localVariables } : {}) });
      const wait = { elementId: task.elementId, executionId: task.executionId };
      await runCase(task, user, variables, lead, (c) => runtime.signal(c.stored, c.definition.key, c.process, wait, variables, c.commit, c.run), body.workerId);
      log.info({ externalTaskId: id, instanceId: task.instanceId, topic: task.topic, workerId: body.workerId, event: 'external-task.completed' }, 'external task completed');
    },

    /**
     * Reports a failure: with retries left the task is fetchable again after `retryTimeout` ms; with none, an
     * `external-task` incident holds it until retried (POST /incidents/:id/retry). Same refusals as complete.
     */
    async failure(user: User, id: string, body: { workerId: string; errorMessage?: string | null | undefined; errorDetails?: string | null | undefined; retries?: number | null | undefined; retryTimeout?: number | null | undefined }): Promise<void> {
      const task = await served(user, id);
      held(task, body.workerId, 'failed');
      const retries = Math.max(0, body.retries ?? 0);
      const at = clock().toISOString();
      const message = (body.errorMessage ?? 'the external task failed').slice(0, 2000);
      const lead = externalTaskEvent('external-task.failed', task, user.id, at, { workerId: body.workerId, errorMessage: message, retries, retryTimeout: body.retryTimeout ?? 0 });
      await knex.transaction(async (trx) => {
        const changes = { retries, error_message: message, error_details: body.errorDetails ?? null, lock_expiration: later(retries > 0 ? (body.retryTimeout ?? 0) : 0) };
        if (!(await externalTasks.update(trx, id, body.workerId, changes))) throw new ExternalTaskLockError(`External Task ${id} is no longer locked by worker '${body.workerId}'`);
        if (retries > 0) {
          await audit.append(trx, [lead]);
          if ((body.retryTimeout ?? 0) <= 0) await wakeup.announce(trx);
        } else {
          await raiseIncident(trx, task, message, at, lead);
        }
      });
    },

    /**
     * Reports a BPMN error: `variables` become process variables, then the error boundary event for `errorCode`
     * catches it. When nothing catches it the case is left as it was and the task becomes an `external-task` incident
     * (Camunda 7 would end the execution silently; here an uncaught error stays visible to the SOP's owners).
     */
    async bpmnError(user: User, id: string, body: { workerId: string; errorCode: string; errorMessage?: string | null | undefined; variables?: Record<string, TypedValue> | null | undefined }): Promise<'caught' | 'incident'> {
      const task = await served(user, id);
      held(task, body.workerId, 'reported');
      if (!body.errorCode.trim()) throw new ValidationError('errorCode is empty', [{ name: 'errorCode', message: 'must not be empty' }]);
      const variables = plainVariables('variables', body.variables);
      const error = { errorCode: body.errorCode, errorMessage: body.errorMessage ?? undefined };
      const lead = externalTaskEvent('external-task.bpmn-error', task, user.id, '', { workerId: body.workerId, errorCode: body.errorCode, errorMessage: body.errorMessage ?? null, variables });
      const wait = { elementId: task.elementId, executionId: task.executionId };
      try {
        await runCase(task, user, variables, lead, (c) => runtime.throwError(c.stored, c.definition.key, c.process, wait, error, variables, c.commit, c.run), body.workerId);
        return 'caught';
      } catch (err) {
        if (!(err instanceof ActivityFailedError)) throw err;
      }
      const at = clock().toISOString();
      const message = `BPMN error ${body.errorCode} was not caught by any error event${body.errorMessage ? `: ${body.errorMessage}` : ''}`.slice(0, 2000);
      await knex.transaction(async (trx) => {
        if (!(await externalTasks.update(trx, id, body.workerId, { retries: 0, error_message: message }))) throw new ExternalTaskLockError(`External Task ${id} is no longer locked by worker '${body.workerId}'`);
        await raiseIncident(trx, task, message, at, { ...lead, at });
      });
      return 'incident';
    },

    /** Extends the lock the worker holds by `newDuration` ms from now; 400 when it holds none (or it expired). */
    async extendLock(user: User, id: string, body: { workerId: string; newDuration: number }): Promise<void> {
      const task = await served(user, id);
      const now = clock().toISOString();
      if (task.workerId !== body.workerId || task.lockExpiration === null || task.lockExpiration <= now) {
        throw new ExternalTaskLockError(`The lock of the External Task ${id} cannot be extended by worker '${body.workerId}'`);
      }
      if (!(await externalTasks.update(knex, id, body.workerId, { lock_expiration: later(body.newDuration) }))) throw new NotFoundError(`External task with id ${id} does not exist`);
    },

    /** Frees a task's lock, whoever holds it: it is fetchable again at once. */
    async unlock(user: User, id: string): Promise<void> {
      await served(user, id);
      if (!(await externalTasks.update(knex, id, null, { worker_id: null, lock_expiration: null }))) throw new NotFoundError(`External task with id ${id} does not exist`);
      wakeup.wake();
    },
  };
}

export type ExternalTaskService = ReturnType<typeof externalTaskService>;
