// Starts instances and moves tasks: every change (engine state, task rows, audit events) commits in one
// transaction guarded by the instance's revision, and the live engine is kept only after the commit.
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { Transact } from '../db/write-group.js';
import type { Logger } from '../logger.js';
import { CaseNotMovedError, ConflictError, ForbiddenError, InvalidFormError, NotFoundError } from '../errors.js';
import type { UsersRepository } from '../auth/users-repository.js';
import type { AttachmentsRepository } from '../tasks/attachments.js';
import type { User } from '../auth/users-repository.js';
import { isOwnerOf } from '../auth/roles.js';
import type { AuditChain, NewAuditEvent } from '../audit/audit-chain.js';
import type { DefinitionsRepository, DefinitionVersion } from '../definitions/definitions-repository.js';
import type { DeployService } from '../definitions/deploy-service.js';
import { startableVersion } from '../definitions/version-lifecycle.js';
import type { EngineState, ProcessRuntime, TimerDefinition } from '../engine/process-runtime.js';
import { isFlowState } from '../engine/flow-case-replay.js';
import { validateCompletion, type CompletionInput } from '../sop/form-validation.js';
import { checkStartVariables } from '../sop/step-clock.js';
import type { CalendarStore } from '../sop/calendar-store.js';
import { aboutTask } from '../tasks/task-audit.js';
import { isHiddenFrom, mayAct, mayRead } from '../tasks/task-access.js';
import type { TaskRecord, TasksRepository } from '../tasks/tasks-repository.js';
import type { ContentCipher } from '../privacy/content-cipher.js';
import { sealContent, splitRecorded } from '../privacy/confidential-content.js';
import { checkMayStart, maySeeInstance } from './instance-access.js';
import { InstanceLocks } from './instance-locks.js';
import { collectEvidence, completedColumns, completedTask, completionEvent, measureCompletion, type Recorded } from './task-completion.js';
import type { InstanceRecord, InstancesRepository } from './instances-repository.js';
import { advancedCase, caseRun, caseRuns, newInstance, timerRunOptions } from './case-runs.js';
import type { CaseRunsDeps } from './case-runs.js';
import { JOB_RETRIES, type JobRecord, type JobsRepository } from '../jobs/jobs-repository.js';
import { SYSTEM_USER_ID } from '../jobs/system-user.js';
import { cancelCaseTree, runningTree } from './case-cancel.js';
import type { EngineMovesRepository } from './engine-moves-repository.js';
import type { EventSubscriptionsRepository } from './event-subscriptions-repository.js';
import type { ExternalTasksRepository } from '../external-tasks/external-tasks-repository.js';

export interface WorkflowDeps {
  knex: Knex;
  definitions: DefinitionsRepository;
  deploy: DeployService;
  instances: InstancesRepository;
  tasks: TasksRepository;
  engineMoves: EngineMovesRepository;
  subscriptions: EventSubscriptionsRepository;
  /** Serialises the requests that move one case inside this process; shared with the message and signal delivery. */
  locks?: InstanceLocks;
  audit: AuditChain;
  runtime: ProcessRuntime;
  calendars: CalendarStore;
  attachments: AttachmentsRepository;
  users: UsersRepository;
  log: Logger;
  clock: () => Date;
  contentCipher: ContentCipher;
  jobs?: JobsRepository;
  /** The cases' external tasks, which follow every run. */
  externalTasks?: ExternalTasksRepository;
  /** The built-in send-task worker (case-runs.ts), when on. */
  sendTasks?: CaseRunsDeps['sendTasks'];
}

/**
 * A boundary timer that fires on a task people do escalates that task (issue 19 item 6: "escalation raised"): one
 * `task.escalated` event per open task of the element it is attached to, naming the timer and whether it interrupts.
 * `GET /audit/report` counts them per step.
 */
function escalations(timers: readonly TimerDefinition[], job: JobRecord, open: readonly TaskRecord[], about: Omit<NewAuditEvent, 'type'>): NewAuditEvent[] {
  const timer = timers.find((d) => d.elementId === job.elementId && d.eventType === 'boundary');
  if (!timer?.attachedTo) return [];
  return open
    .filter((task) => task.elementId === timer.attachedTo)
    .map((task) => ({ ...about, type: 'task.escalated' as const, elementId: task.elementId, taskId: task.id, step: task.step, role: task.role, data: { timerElementId: timer.elementId, interrupting: timer.cancelActivity, dueAt: task.dueAt } }));
}

export function workflowService(deps: WorkflowDeps) {
  const { knex, definitions, deploy, instances, tasks, engineMoves, audit, runtime, calendars, attachments, users, log, clock, contentCipher } = deps;
  const locks = deps.locks ?? new InstanceLocks();
  const versions = new Map<string, DefinitionVersion>();
  const runs = caseRuns({ ...deps, definitionById });

  async function definitionById(id: string): Promise<DefinitionVersion> {
    let d = versions.get(id);
    if (!d) {
      d = await definitions.byId(id);
      if (!d) throw new NotFoundError(`definition ${id} not found`);
      versions.set(id, d);
    }
    return d;
  }


  /**
   * A task as the caller may know it: one they may not read, of a case they cannot see (another applicant's,
   * another unit's), answers 404 as if it did not exist; one of a case they see but may not read, 403 later.
   */
  async function loadTask(taskId: string, user: User): Promise<{ task: TaskRecord; definition: DefinitionVersion }> {
    const task = await tasks.byId(taskId);
    if (!task) throw new NotFoundError(`task ${taskId} not found`);
    const definition = await definitionById(task.definitionId);
    const unit = definition.metadata.unit;
    if (isHiddenFrom(user, task, unit)) throw new NotFoundError(`task ${taskId} not found`);
    if (!mayRead(user, task, unit)) {
      const instance = await instances.byId(task.instanceId);
      if (!instance || !maySeeInstance(user, instance, definition)) throw new NotFoundError(`task ${taskId} not found`);
    }
    return { task, definition };
  }

  function checkOpen(task: TaskRecord, user: User): void {
    if (task.status === 'completed' || task.status === 'cancelled') throw new ConflictError(`task ${task.id} is ${task.status}`, task.status);
    if (task.assignee && task.assignee !== user.id) throw new ConflictError(`task ${task.id} is claimed by another user`, 'claimed');
  }

  /**
   * Re-reads a task's instance and open tasks under the instance lock, the instance first: a task still open after
   * it was read was open in that state too, so the engine finds it waiting there. The open tasks read here hold at
   * COMMIT too: every change of a task's status but claiming moves the instance's revision, which the transaction
   * checks first. Throws ConflictError when the task or the instance is no longer open.
   */
  async function readForCompletion(seen: TaskRecord, user: User): Promise<{ instance: InstanceRecord & { state: EngineState }; open: TaskRecord[]; task: TaskRecord }> {
    const instance = (await instances.withState(seen.instanceId)) as InstanceRecord & { state: EngineState };
    const open = await tasks.openForInstance(instance.id);
    const task = open.find((t) => t.id === seen.id) ?? ((await tasks.byId(seen.id)) as TaskRecord);
    checkOpen(task, user);
    if (instance.status !== 'running') throw new ConflictError(`instance ${instance.id} is ${instance.status}`, instance.status);
    return { instance, open, task };
  }

  /** A case a parent's call activity started ends with its parent: cancelling it alone would leave the parent waiting. */
  async function refuseChildCancel(instance: InstanceRecord): Promise<void> {
    if (!instance.parentInstanceId) return;
    const parent = await instances.byId(instance.parentInstanceId);
    if (parent?.status !== 'running') return;
    throw new ConflictError(`instance ${instance.id} was started by call activity ${instance.parentElementId ?? ''} of instance ${parent.id}: cancel that case instead`, instance.status);
  }

  /** A case the start-up move left in the flow interpreter's format (see flow-case-move.ts) does not advance. */
  async function checkMoved(instance: InstanceRecord & { state: EngineState }): Promise<void> {
    if (!isFlowState(instance.state)) return;
    const move = await engineMoves.byInstance(instance.id);
    throw new CaseNotMovedError(instance.id, move?.reason ?? 'it was stored by another process after this one moved cases at start');
  }

  return {
    definitionById,
    /** The task and its definition, or 404 when the caller may not know of it. */
    visibleTask: (user: User, taskId: string) => loadTask(taskId, user),

    /**
     * Starts a case of the key's current version (the newest in effect, see version-lifecycle.ts), or of `version`,
     * and runs it to its first waits; a call activity reached on the way starts its child case in the same
     * transaction (the ids come back with the case, no second read). The versions are read from the database at each
     * start, so a version whose Tanggal Efektif came is current in every process at once.
     * Throws NotFoundError/ForbiddenError (access), VersionNotStartableError (409: scheduled or suspended),
     * CalledProcessMissingError (422), EngineRunError.
     */
    async start(user: User, key: string, input: { businessKey?: string; variables?: Record<string, unknown>; version?: number }): Promise<InstanceRecord & { childInstanceIds: string[] }> {
      const versions = await definitions.lifecycle(key);
      const newest = versions.at(-1);
      if (!newest) throw new NotFoundError(`definition ${key} not found`);
      const latest = await definitionById(newest.id);
      checkMayStart(user, latest);
      const zone = (await calendars.get(latest.metadata.calendar)).timeZone;
      const chosen = startableVersion(key, versions, zone, clock(), input.version);
      const definition = chosen.id === latest.id ? latest : await definitionById(chosen.id);
      if (definition !== latest) checkMayStart(user, definition);
      if (definition.metadata.startsByTrigger) throw new ConflictError(`${key} starts only at its message, signal, condition or timer: send it with POST /messages, POST /signals or POST /condition`, 'message-start');
      const { process } = await deploy.compiled(definition);
      const variables = { ...(input.variables ?? {}) };
      checkStartVariables(definition.metadata, variables, clock());
      // Read before the transaction: on SQLite it holds the only connection a calendar refresh could use.
      const calendar = await calendars.get(definition.metadata.calendar);
      const id = randomUUID();
      return runtime.start(id, definition.key, process, variables, async (result) => {
        const now = clock();
        const at = now.toISOString();
        const instance = newInstance(definition, id, { businessKey: input.businessKey ?? null, startedBy: user.id, variables }, result, at);
        const started: NewAuditEvent = { type: 'instance.started', at, definitionKey: definition.key, version: definition.version, instanceId: id, userId: user.id, data: { businessKey: instance.businessKey } };
        const run = caseRun(deps, { calendar, definition, instance, open: [], result, now, userId: user.id, lead: [started] }, { ahead: (trx) => [instances.insert(trx, { ...instance, state: result.state })] });
        const cases = await runs.settle(run, user.id);
        log.info({ instanceId: id, definitionKey: key, version: definition.version, tasks: run.after.open.map((t) => t.id), event: 'instance.started' }, 'instance started');
        // A child that ended at once may have resumed (and ended) this case within the same transaction.
        const childInstanceIds = [...cases.values()].filter((c) => c.instance.parentInstanceId === id).map((c) => c.instance.id);
        return { ...(cases.get(id)?.instance ?? instance), childInstanceIds };
      }, timerRunOptions(process, definition, calendar));
    },

    /**
     * Completes a task: authorise → evidence → form values → signal the engine → store the run (task row, engine
     * state, new and vanished tasks, audit events) in one transaction guarded by the instance's revision.
     * Throws NotFoundError/ForbiddenError (access), ConflictError (task or instance moved on), ValidationError and
     * InvalidFormError (input), EngineRunError (the engine could not advance).
     */
    async complete(user: User, taskId: string, input: CompletionInput): Promise<TaskRecord> {
      const { task: seen, definition } = await loadTask(taskId, user);
      if (!mayAct(user, seen, definition.metadata.unit)) throw new ForbiddenError(`task ${taskId} needs the role ${seen.role ?? 'owner'}`);
      checkOpen(seen, user);
      return locks.run(seen.instanceId, async () => {
        const { instance, open, task } = await readForCompletion(seen, user);
        await checkMoved(instance);
        const documents = await collectEvidence(attachments, task, input.documents);
        const step = definition.metadata.steps.find((s) => s.elementId === task.elementId);
        const calendar = await calendars.get(definition.metadata.calendar);
        const values = validateCompletion(step, input, instance.variables, calendar, clock());
        // At a confidential step only the choices reach the engine and the instance; the text is sealed.
        const split = splitRecorded(step, values, input.output);
        const recorded: Recorded = { routing: split.routing, output: split.output, sealed: split.content ? sealContent(contentCipher, task.id, split.content) : null, confidential: step?.confidential === true };
        const { process } = await deploy.compiled(definition);
        return runtime.signal(instance, definition.key, process, { elementId: task.elementId, executionId: task.executionId }, recorded.routing, async (result) => {
          const measured = measureCompletion(calendar, task, clock());
          const { instance: after, advance } = advancedCase(instances, instance, result, { ...instance.variables, ...recorded.routing }, measured.at);
          const before = async (trx: Knex.Transaction) => {
            await advance(trx);
            const moved = await tasks.transition(trx, task.id, ['open', 'claimed'], completedColumns(task, user, documents, recorded, measured));
            if (!moved) throw new ConflictError(`task ${task.id} was completed meanwhile`, 'completed');
          };
          const lead = [completionEvent(definition, task, user, documents, recorded, measured)];
          const others = open.filter((t) => t.id !== task.id);
          await runs.settle(caseRun(deps, { calendar, definition, instance: after, open: others, result, now: new Date(measured.at), userId: user.id, lead }, { before }), user.id);
          log.info({ instanceId: instance.id, taskId: task.id, elementId: task.elementId, userId: user.id, workingMs: measured.workingMs, breached: measured.breached, event: 'task.completed' }, 'task completed');
          if (result.completed) log.info({ instanceId: instance.id, event: 'instance.completed' }, 'instance completed');
          return completedTask(task, user, documents, recorded, measured);
        }, timerRunOptions(process, definition, calendar));
      });
    },

    async claim(user: User, taskId: string): Promise<TaskRecord> {
      const { task, definition } = await loadTask(taskId, user);
      if (!mayAct(user, task, definition.metadata.unit)) throw new ForbiddenError(`task ${taskId} needs the role ${task.role ?? 'owner'}`);
      checkOpen(task, user);
      if (task.assignee === user.id) return task;
      const at = clock().toISOString();
      await knex.transaction(async (trx) => {
        const ok = await tasks.setAssignee(task.id, null, { assignee: user.id, status: 'claimed', claimed_at: at }, trx);
        if (!ok) {
          const now = (await tasks.byId(task.id, trx)) as TaskRecord;
          throw new ConflictError(`task ${task.id} was claimed or completed meanwhile`, now.status);
        }
        await audit.append(trx, [
          { type: 'task.claimed', at, ...aboutTask(task), userId: user.id },
        ]);
      });
      log.info({ instanceId: task.instanceId, taskId: task.id, userId: user.id, event: 'task.claimed' }, 'task claimed');
      return (await tasks.byId(task.id)) as TaskRecord;
    },

    async unclaim(user: User, taskId: string): Promise<TaskRecord> {
      const { task, definition } = await loadTask(taskId, user);
      const unit = definition.metadata.unit;
      if (!mayAct(user, task, unit) && !isOwnerOf(user, unit)) throw new ForbiddenError(`task ${taskId} needs the role ${task.role ?? 'owner'}`);
      if (task.status === 'completed' || task.status === 'cancelled') throw new ConflictError(`task ${task.id} is ${task.status}`, task.status);
      if (task.assignee === null) return task;
      if (task.assignee !== user.id && !isOwnerOf(user, unit)) throw new ConflictError(`task ${task.id} is claimed by another user`, 'claimed');
      const at = clock().toISOString();
      await knex.transaction(async (trx) => {
        const ok = await tasks.setAssignee(task.id, task.assignee, { assignee: null, status: 'open', claimed_at: null }, trx);
        if (!ok) throw new ConflictError(`task ${task.id} changed meanwhile`, 'claimed');
        await audit.append(trx, [
          { type: 'task.unclaimed', at, ...aboutTask(task), userId: user.id, data: { previousAssignee: task.assignee } },
        ]);
      });
      log.info({ instanceId: task.instanceId, taskId: task.id, userId: user.id, event: 'task.unclaimed' }, 'task unclaimed');
      return (await tasks.byId(task.id)) as TaskRecord;
    },

    /** An owner or admin hands an open task to another holder of its role (or, for an applicant's task, nobody else). */
    async assign(user: User, taskId: string, assigneeId: string): Promise<TaskRecord> {
      const { task, definition } = await loadTask(taskId, user);
      const unit = definition.metadata.unit;
      if (!isOwnerOf(user, unit)) throw new ForbiddenError('assigning a task needs the owner or admin role');
      if (task.status === 'completed' || task.status === 'cancelled') throw new ConflictError(`task ${task.id} is ${task.status}`, task.status);
      const at = clock().toISOString();
      // A current acting official (Plh./Plt.) of the task's role may be given it, as they may claim it.
      const target = await users.withDelegations(assigneeId, at);
      if (!target || !target.active) throw new NotFoundError(`user ${assigneeId} not found`);
      if (!mayAct(target, task, unit)) {
        throw new InvalidFormError([{ name: 'userId', message: `pengguna ini tidak memegang peran ${task.role ?? 'pemilik'} tugas ini` }]);
      }
      await knex.transaction(async (trx) => {
        const ok = await tasks.setAssignee(task.id, task.assignee, { assignee: target.id, status: 'claimed', claimed_at: at }, trx);
        if (!ok) throw new ConflictError(`task ${task.id} changed meanwhile`, 'claimed');
        await audit.append(trx, [
          {
            type: 'task.claimed',
            at,
            ...aboutTask(task),
            userId: target.id,
            data: { assignedBy: user.id, previousAssignee: task.assignee, ...(task.role && target.actingFor?.[task.role] ? { actingFor: target.actingFor[task.role]?.forUser } : {}) },
          },
        ]);
      });
      log.info({ instanceId: task.instanceId, taskId: task.id, userId: target.id, by: user.id, event: 'task.assigned' }, 'task assigned');
      return (await tasks.byId(task.id)) as TaskRecord;
    },

    /**
     * Starts a case of version `definitionId` on its timer start event's schedule, by the built-in `system` actor,
     * calling `before` inside the transaction that stores it (the schedule moves to its next slot there, so each slot
     * starts one case across processes). Returns the case's id. Throws what `before` throws, EngineRunError.
     */
    async startScheduled(definitionId: string, before: (trx: Knex.Transaction) => Promise<void>): Promise<string> {
      const definition = await definitionById(definitionId);
      const { process } = await deploy.compiled(definition);
      const calendar = await calendars.get(definition.metadata.calendar);
      const id = randomUUID();
      await runtime.start(id, definition.key, process, {}, async (result) => {
        const now = clock();
        const at = now.toISOString();
        const instance = newInstance(definition, id, { businessKey: null, startedBy: SYSTEM_USER_ID, variables: {} }, result, at);
        const started: NewAuditEvent = { type: 'instance.started', at, definitionKey: definition.key, version: definition.version, instanceId: id, userId: SYSTEM_USER_ID, data: { businessKey: null, scheduled: true } };
        const run = caseRun(deps, { calendar, definition, instance, open: [], result, now, userId: SYSTEM_USER_ID, lead: [started] }, { before, ahead: (trx) => [instances.insert(trx, { ...instance, state: result.state })] });
        await runs.settle(run, SYSTEM_USER_ID);
        log.info({ instanceId: id, definitionKey: definition.key, version: definition.version, event: 'instance.started', scheduled: true }, 'scheduled instance started');
      }, timerRunOptions(process, definition, calendar));
      return id;
    },

    /**
     * Fires the timer of a job `owner` holds, when it is due: the engine takes the timer's path, and the new engine
     * state, task rows (an interrupted task cancelled, new tasks), the case's jobs (this one deleted, or re-armed by
     * a cycle), and `timer.fired` commit in one transaction guarded by the instance's revision and the job's lock.
     * Returns whether it fired (a value resolved again to a later time only moves the job). Throws
     * TimerNotWaitingError when the timer no longer waits, ActivityFailedError when its value gives no due time,
     * ConflictError when the case moved on or another executor holds the job now. With `transact` (a WriteGroup's),
     * the write commits with the group's, and the engine is not kept.
     */
    async fireTimer(job: JobRecord, owner: string, transact?: Transact): Promise<boolean> {
      if (!deps.jobs) throw new Error('fireTimer needs the jobs repository');
      const jobs = deps.jobs;
      return locks.run(job.instanceId, async () => {
        const instance = await instances.withState(job.instanceId);
        if (!instance || instance.status !== 'running') throw new ConflictError(`instance ${job.instanceId} is not running`, instance?.status ?? 'missing');
        await checkMoved(instance);
        const definition = await definitionById(instance.definitionId);
        const { process } = await deploy.compiled(definition);
        const calendar = await calendars.get(definition.metadata.calendar);
        const open = await tasks.openForInstance(instance.id);
        const timer = { elementId: job.elementId, executionId: job.executionId, dueAt: job.dueAt };
        return runtime.fireTimer(instance, definition.key, process, timer, async (result, fired) => {
          const now = clock();
          const at = now.toISOString();
          const { instance: after, advance } = advancedCase(instances, instance, result, instance.variables, at);
          const before = async (trx: Knex.Transaction) => {
            // Still this executor's (its lease did not run out to another), and free again for a cycle's next firing.
            const held = await jobs.update(job.id, owner, { locked_by: null, locked_until: null, retries: JOB_RETRIES, last_error: null }, trx);
            if (!held) throw new ConflictError(`job ${job.id} is held by another executor`, 'claimed');
            await advance(trx);
          };
          const about = { at, definitionKey: definition.key, version: definition.version, instanceId: instance.id, elementId: job.elementId, userId: SYSTEM_USER_ID };
          const lead: NewAuditEvent[] = fired ? [{ type: 'timer.fired', ...about, data: { jobId: job.id, executionId: job.executionId, dueAt: job.dueAt } }, ...escalations(process.timers, job, open, about)] : [];
          await runs.settle(caseRun(deps, { calendar, definition, instance: after, open, result, now, userId: SYSTEM_USER_ID, lead }, { before }), SYSTEM_USER_ID, transact);
          if (fired) log.info({ instanceId: instance.id, elementId: job.elementId, jobId: job.id, dueAt: job.dueAt, event: 'timer.fired' }, 'timer fired');
          return fired;
        }, { ...timerRunOptions(process, definition, calendar), ...(transact ? { keep: false } : {}) });
      });
    },

    async cancel(user: User, instanceId: string, reason: string): Promise<InstanceRecord> {
      const found = await instances.byId(instanceId);
      if (!found) throw new NotFoundError(`instance ${instanceId} not found`);
      const definition = await definitionById(found.definitionId);
      if (!isOwnerOf(user, definition.metadata.unit)) throw new ForbiddenError('cancelling an instance needs the owner or admin role');
      return locks.run(instanceId, async () => {
        const instance = (await instances.byId(instanceId)) as InstanceRecord;
        if (instance.status !== 'running') throw new ConflictError(`instance ${instanceId} is ${instance.status}`, instance.status);
        await refuseChildCancel(instance);
        const cause = { userId: user.id, at: clock().toISOString(), reason, rootId: instance.id };
        await knex.transaction(async (trx) => {
          await instances.lockInOrder(trx, await runningTree(instances, trx, instance.id));
          await cancelCaseTree({ instances, tasks, audit, subscriptions: deps.subscriptions, jobs: deps.jobs, externalTasks: deps.externalTasks }, trx, instance, cause);
        });
        log.info({ instanceId, userId: user.id, event: 'instance.cancelled' }, 'instance cancelled');
        return (await instances.byId(instanceId)) as InstanceRecord;
      });
    },
  };
}

export type WorkflowService = ReturnType<typeof workflowService>;
