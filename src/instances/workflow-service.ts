// Starts instances and moves tasks: every change (engine state, task rows, audit events) commits in one
// transaction guarded by the instance's revision, and the live engine is kept only after the commit.
import { createHash, randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { Logger } from '../logger.js';
import { CaseNotMovedError, ConflictError, ForbiddenError, InvalidFormError, NotFoundError, ValidationError } from '../errors.js';
import type { UsersRepository } from '../auth/users-repository.js';
import type { AttachmentsRepository } from '../tasks/attachments.js';
import type { User } from '../auth/users-repository.js';
import { holdsRole, isAdmin, isOwnerOf, maySeeDefinition } from '../auth/roles.js';
import type { AuditChain, DocumentRecord, NewAuditEvent } from '../audit/audit-chain.js';
import type { DefinitionsRepository, DefinitionVersion } from '../definitions/definitions-repository.js';
import type { DeployService } from '../definitions/deploy-service.js';
import type { EngineState, ProcessRuntime, RunResult } from '../engine/process-runtime.js';
import { isFlowState } from '../engine/flow-case-replay.js';
import { validateCompletion, type CompletionInput } from '../sop/form-validation.js';
import { measureStep } from '../sop/step-clock.js';
import type { CalendarStore } from '../sop/calendar-store.js';
import type { WorkingCalendar } from '../sop/working-calendar.js';
import { aboutTask } from '../tasks/task-audit.js';
import { projectTasks } from '../tasks/task-projection.js';
import { isHiddenFrom, mayAct, mayRead } from '../tasks/task-access.js';
import type { TaskRecord, TaskRow, TasksRepository } from '../tasks/tasks-repository.js';
import type { ContentCipher } from '../privacy/content-cipher.js';
import { sealContent, splitRecorded } from '../privacy/confidential-content.js';
import { maySeeInstance } from './instance-access.js';
import { InstanceLocks } from './instance-locks.js';
import type { InstanceRecord, InstancesRepository } from './instances-repository.js';
import type { EngineMovesRepository } from './engine-moves-repository.js';

export interface WorkflowDeps {
  knex: Knex;
  definitions: DefinitionsRepository;
  deploy: DeployService;
  instances: InstancesRepository;
  tasks: TasksRepository;
  engineMoves: EngineMovesRepository;
  audit: AuditChain;
  runtime: ProcessRuntime;
  calendars: CalendarStore;
  attachments: AttachmentsRepository;
  users: UsersRepository;
  log: Logger;
  clock: () => Date;
  contentCipher: ContentCipher;
  /**
   * Whether stored cases of the flow interpreter no longer run on it (EXECUTOR=bpmn-engine): they were moved at
   * start, and one still in its format is refused with the move's reason. Default false: the interpreter runs them.
   */
  flowCasesMoved?: boolean;
}

function taskEvents(type: 'task.created' | 'task.cancelled', rows: Array<Pick<TaskRow, 'id' | 'element_id' | 'step' | 'role' | 'standard_ms'>>, base: NewAuditEvent): NewAuditEvent[] {
  return rows.map((r) => ({ ...base, type, taskId: r.id, elementId: r.element_id, step: r.step, role: r.role, standardMs: r.standard_ms === null ? null : Number(r.standard_ms) }));
}

const asRow = (t: TaskRecord): Pick<TaskRow, 'id' | 'element_id' | 'step' | 'role' | 'standard_ms'> => ({ id: t.id, element_id: t.elementId, step: t.step, role: t.role, standard_ms: t.standardMs });

export function workflowService(deps: WorkflowDeps) {
  const { knex, definitions, deploy, instances, tasks, engineMoves, audit, runtime, calendars, attachments, users, log, clock, contentCipher, flowCasesMoved = false } = deps;
  const locks = new InstanceLocks();
  const versions = new Map<string, DefinitionVersion>();

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
   * Writes a run's outcome: new tasks, vanished tasks, instance end, and their audit events after `first` (the event
   * that caused the run). The chain is appended once, last, so that PostgreSQL holds its head for the least time;
   * the inserts of new rows (`ahead`: a new instance; the new tasks) ride in the statement that takes the head.
   */
  async function applyRun(
    trx: Knex.Transaction,
    calendar: WorkingCalendar,
    definition: DefinitionVersion,
    instance: InstanceRecord,
    open: TaskRecord[],
    result: RunResult,
    now: Date,
    userId: string,
    first: NewAuditEvent,
    ahead: Knex.QueryBuilder[] = [],
  ): Promise<{ created: TaskRow[] }> {
    const { created, vanished } = projectTasks(definition, calendar, instance, open, result.waiting, now);
    const at = now.toISOString();
    const base: NewAuditEvent = { type: 'task.created', at, definitionKey: definition.key, version: definition.version, instanceId: instance.id, userId };
    for (const t of vanished) await tasks.transition(trx, t.id, ['open', 'claimed'], { status: 'cancelled', completed_at: at });
    const events = [first, ...taskEvents('task.cancelled', vanished.map(asRow), base), ...taskEvents('task.created', created, base)];
    if (result.completed) events.push({ ...base, type: 'instance.completed' });
    await audit.append(trx, events, [...ahead, ...tasks.insert(trx, created)]);
    return { created };
  }

  function checkStart(user: User, definition: DefinitionVersion): void {
    const { startRole, unit } = definition.metadata;
    if (isAdmin(user)) return;
    // Another unit's SOP, with no lane role in it: as if it did not exist.
    if (!maySeeDefinition(user, definition)) throw new NotFoundError(`definition ${definition.key} not found`);
    if (startRole ? holdsRole(user, startRole) : isOwnerOf(user, unit)) return;
    throw new ForbiddenError(`starting ${definition.key} needs the role ${startRole ?? `owner:${unit ?? '*'}`}`);
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

  /** A case the start-up move left in the flow interpreter's format (see flow-case-move.ts) does not advance. */
  async function checkMoved(instance: InstanceRecord & { state: EngineState }): Promise<void> {
    if (!flowCasesMoved || !isFlowState(instance.state)) return;
    const move = await engineMoves.byInstance(instance.id);
    throw new CaseNotMovedError(instance.id, move?.reason ?? 'it was stored by another process after this one moved cases at start');
  }

  return {
    definitionById,
    /** The task and its definition, or 404 when the caller may not know of it. */
    visibleTask: (user: User, taskId: string) => loadTask(taskId, user),

    async start(user: User, key: string, input: { businessKey?: string; variables?: Record<string, unknown> }): Promise<InstanceRecord> {
      const latestId = await definitions.latestId(key);
      if (!latestId) throw new NotFoundError(`definition ${key} not found`);
      const definition = await definitionById(latestId);
      checkStart(user, definition);
      const { process } = await deploy.compiled(definition);
      const variables = { ...(input.variables ?? {}) };
      // Read before the transaction: on SQLite it holds the only connection a calendar refresh could use.
      const calendar = await calendars.get(definition.metadata.calendar);
      const { result, keep } = await runtime.start(definition.key, process, variables);
      const now = clock();
      const at = now.toISOString();
      const instance: InstanceRecord = {
        id: randomUUID(),
        definitionId: definition.id,
        definitionKey: definition.key,
        version: definition.version,
        businessKey: input.businessKey ?? null,
        status: result.completed ? 'completed' : 'running',
        startedBy: user.id,
        startedAt: at,
        endedAt: result.completed ? at : null,
        variables,
        rev: 1,
        cancelReason: null,
      };
      const { created } = await knex.transaction(async (trx) => {
        const started: NewAuditEvent = { type: 'instance.started', at, definitionKey: definition.key, version: definition.version, instanceId: instance.id, userId: user.id, data: { businessKey: instance.businessKey } };
        return applyRun(trx, calendar, definition, instance, [], result, now, user.id, started, [instances.insert(trx, { ...instance, state: result.state })]);
      });
      keep(instance.id, 1);
      log.info({ instanceId: instance.id, definitionKey: key, version: definition.version, tasks: created.map((t) => t.id), event: 'instance.started' }, 'instance started');
      return instance;
    },

    async complete(user: User, taskId: string, input: CompletionInput): Promise<TaskRecord> {
      const { task: seen, definition } = await loadTask(taskId, user);
      if (!mayAct(user, seen, definition.metadata.unit)) throw new ForbiddenError(`task ${taskId} needs the role ${seen.role ?? 'owner'}`);
      checkOpen(seen, user);
      return locks.run(seen.instanceId, async () => {
        // Re-read under the lock: another request, here or in another process, may have completed the task meanwhile.
        // The instance first: a task still open after it was read was open in that state too, so the engine finds it
        // waiting there (the other order let another process's commit fall between the reads: a 500, not a 409).
        // The instance's open tasks, read once here, hold at COMMIT too: every change of a task's status but
        // claiming (open ⇄ claimed) moves the instance's revision, which the transaction checks first.
        const instance = (await instances.withState(seen.instanceId)) as InstanceRecord & { state: EngineState };
        const open = await tasks.openForInstance(instance.id);
        const task = open.find((t) => t.id === taskId) ?? ((await tasks.byId(taskId)) as TaskRecord);
        checkOpen(task, user);
        if (instance.status !== 'running') throw new ConflictError(`instance ${instance.id} is ${instance.status}`, instance.status);
        await checkMoved(instance);
        const documents: DocumentRecord[] = [];
        for (const [i, d] of input.documents.entries()) {
          const doc: DocumentRecord = { name: d.name, ...(d.ref === undefined ? {} : { ref: d.ref }) };
          if (d.attachmentId !== undefined) {
            const file = await attachments.info(d.attachmentId);
            // Evidence must have been uploaded to this very task.
            if (!file || file.taskId !== task.id) throw new ValidationError('unknown attachment', [{ name: `documents.${i}.attachmentId`, message: 'no attachment of this task has this id' }]);
            doc.attachmentId = file.id;
            doc.sha256 = file.sha256;
          }
          documents.push(doc);
        }
        const step = definition.metadata.steps.find((s) => s.elementId === task.elementId);
        const calendar = await calendars.get(definition.metadata.calendar);
        const values = validateCompletion(step, input, instance.variables, calendar);
        // At a confidential step only the choices reach the engine and the instance; the text is sealed.
        const recorded = splitRecorded(step, values, input.output);
        const sealed = recorded.content ? sealContent(contentCipher, task.id, recorded.content) : null;
        const { process } = await deploy.compiled(definition);
        const variables = { ...instance.variables, ...recorded.routing };
        const { result, keep } = await runtime.signal(instance.id, definition.key, process, instance, { elementId: task.elementId, executionId: task.executionId }, { routing: recorded.routing, variables });
        const now = clock();
        const at = now.toISOString();
        const clockStart = new Date(task.startsAt ?? task.createdAt);
        const { workingMs, wallMs } = measureStep(calendar, clockStart, now);
        const breached = task.standardMs === null ? null : workingMs > task.standardMs;
        const confidential = step?.confidential === true;
        const output = recorded.output;
        try {
          await knex.transaction(async (trx) => {
            const advanced = await instances.advance(trx, instance.id, instance.rev, {
              state: result.state,
              variables,
              ...(result.completed ? { status: 'completed' as const, endedAt: at } : {}),
            });
            if (!advanced) throw new ConflictError(`instance ${instance.id} changed meanwhile`, 'running');
            const moved = await tasks.transition(trx, task.id, ['open', 'claimed'], {
              status: 'completed',
              completed_at: at,
              completed_by: user.id,
              assignee: task.assignee ?? user.id,
              documents: JSON.stringify(documents),
              output: JSON.stringify(output),
              variables: JSON.stringify(recorded.routing),
              sealed_content: sealed,
              working_ms: workingMs,
              wall_ms: wallMs,
              breached,
            });
            if (!moved) throw new ConflictError(`task ${task.id} was completed meanwhile`, 'completed');
            const completed: NewAuditEvent = {
              type: 'task.completed',
              at,
              definitionKey: definition.key,
              version: definition.version,
              instanceId: instance.id,
              taskId: task.id,
              elementId: task.elementId,
              step: task.step,
              userId: user.id,
              role: task.role,
              documents,
              output,
              workingMs,
              wallMs,
              standardMs: task.standardMs,
              breached,
              data: {
                variables: recorded.routing,
                // The sealed content's hash: proof that what its author reads back is what was recorded.
                ...(confidential ? { confidential: true, sealedSha256: sealed ? createHash('sha256').update(sealed).digest('hex') : null } : {}),
                // Done by an acting official: the trail names both (Plh. for the role's holder).
                ...(task.role && user.actingFor?.[task.role] ? { actingFor: user.actingFor[task.role]?.forUser, delegationId: user.actingFor[task.role]?.delegationId } : {}),
              },
            };
            const others = open.filter((t) => t.id !== task.id);
            await applyRun(trx, calendar, definition, { ...instance, variables }, others, result, now, user.id, completed);
          });
        } catch (err) {
          runtime.forget(instance.id);
          throw err;
        }
        keep(instance.rev + 1);
        log.info({ instanceId: instance.id, taskId: task.id, elementId: task.elementId, userId: user.id, workingMs, breached, event: 'task.completed' }, 'task completed');
        if (result.completed) log.info({ instanceId: instance.id, event: 'instance.completed' }, 'instance completed');
        // The row as this transaction wrote it (read under the lock above, changed by the transition), not read again.
        return {
          ...task,
          status: 'completed',
          completedAt: at,
          completedBy: user.id,
          assignee: task.assignee ?? user.id,
          documents,
          output,
          variables: recorded.routing,
          workingMs,
          wallMs,
          breached,
          contentSealed: sealed !== null,
        };
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
      const target = await users.findById(assigneeId);
      if (!target || !target.active) throw new NotFoundError(`user ${assigneeId} not found`);
      if (!mayAct(target, task, unit)) {
        throw new InvalidFormError([{ name: 'userId', message: `pengguna ini tidak memegang peran ${task.role ?? 'pemilik'} tugas ini` }]);
      }
      const at = clock().toISOString();
      await knex.transaction(async (trx) => {
        const ok = await tasks.setAssignee(task.id, task.assignee, { assignee: target.id, status: 'claimed', claimed_at: at }, trx);
        if (!ok) throw new ConflictError(`task ${task.id} changed meanwhile`, 'claimed');
        await audit.append(trx, [
          { type: 'task.claimed', at, ...aboutTask(task), userId: target.id, data: { assignedBy: user.id, previousAssignee: task.assignee } },
        ]);
      });
      log.info({ instanceId: task.instanceId, taskId: task.id, userId: target.id, by: user.id, event: 'task.assigned' }, 'task assigned');
      return (await tasks.byId(task.id)) as TaskRecord;
    },

    async cancel(user: User, instanceId: string, reason: string): Promise<InstanceRecord> {
      const found = await instances.byId(instanceId);
      if (!found) throw new NotFoundError(`instance ${instanceId} not found`);
      const definition = await definitionById(found.definitionId);
      if (!isOwnerOf(user, definition.metadata.unit)) throw new ForbiddenError('cancelling an instance needs the owner or admin role');
      return locks.run(instanceId, async () => {
        const instance = (await instances.byId(instanceId)) as InstanceRecord;
        if (instance.status !== 'running') throw new ConflictError(`instance ${instanceId} is ${instance.status}`, instance.status);
        const at = clock().toISOString();
        await knex.transaction(async (trx) => {
          const ok = await instances.advance(trx, instance.id, instance.rev, { status: 'cancelled', endedAt: at, cancelReason: reason });
          if (!ok) throw new ConflictError(`instance ${instanceId} changed meanwhile`, 'running');
          const open = await tasks.openForInstance(instance.id, trx);
          for (const t of open) await tasks.transition(trx, t.id, ['open', 'claimed'], { status: 'cancelled', completed_at: at });
          const base: NewAuditEvent = { type: 'task.cancelled', at, definitionKey: instance.definitionKey, version: instance.version, instanceId: instance.id, userId: user.id };
          await audit.append(trx, [...taskEvents('task.cancelled', open.map(asRow), base), { ...base, type: 'instance.cancelled', data: { reason } }]);
        });
        runtime.forget(instance.id);
        log.info({ instanceId, userId: user.id, event: 'instance.cancelled' }, 'instance cancelled');
        return (await instances.byId(instanceId)) as InstanceRecord;
      });
    },
  };
}

export type WorkflowService = ReturnType<typeof workflowService>;
