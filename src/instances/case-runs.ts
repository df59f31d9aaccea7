// One request's engine runs across linked cases. A run that reaches call activities starts their child cases, a
// child that completes resumes its parent, and so on down and up the tree; every run's rows and audit events commit
// in ONE transaction, and each live engine is kept only when that transaction commits (each run's commit callback
// nests the next run, the innermost opens the transaction).
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { CalledProcessMissingError, ConflictError } from '../errors.js';
import type { AuditChain, NewAuditEvent } from '../audit/audit-chain.js';
import type { DefinitionsRepository, DefinitionVersion } from '../definitions/definitions-repository.js';
import type { DeployService } from '../definitions/deploy-service.js';
import type { CompiledProcess, EngineState, ProcessRuntime, RunOptions, RunResult, WaitingCall } from '../engine/process-runtime.js';
import type { JobsRepository } from '../jobs/jobs-repository.js';
import { caseTimerDue } from '../jobs/timer-due.js';
import type { CalendarStore } from '../sop/calendar-store.js';
import type { WorkingCalendar } from '../sop/working-calendar.js';
import { projectTasks } from '../tasks/task-projection.js';
import { toTaskRecord, type TaskRecord, type TasksRepository } from '../tasks/tasks-repository.js';
import { asRow, taskEvents } from '../tasks/task-audit.js';
import { cancelCaseTree } from './case-cancel.js';
import { startableVersion } from '../definitions/version-lifecycle.js';
import { callDeclaration, calledKey, describeBinding, passVariables } from './call-variables.js';
import type { InstanceRecord, InstancesRepository } from './instances-repository.js';
import type { EventSubscriptionsRepository } from './event-subscriptions-repository.js';
import type { EventWait } from '../engine/event-waits.js';
import { thrownSignals } from './thrown-signals.js';
import type { ExternalTasksRepository } from '../external-tasks/external-tasks-repository.js';
import { externalTaskCreatedEvents } from '../external-tasks/external-task-audit.js';
import type { SendTaskWorker } from '../notifications/send-task-worker.js';
import type { OutboxRepository } from '../notifications/outbox-repository.js';
import { SYSTEM_USER_ID } from '../jobs/system-user.js';
import type { ExternalTaskWait } from '../engine/process-runtime.js';
import type { Transact } from '../db/write-group.js';

/** A case as a cascade knows it: as stored, or as an earlier run of the same cascade left it (not yet committed). */
/**
 * A running case advanced by a run: its record at the next revision (ended when the run completed it, `at` ISO 8601)
 * and the revision-guarded write of its state and variables, which throws ConflictError when another request moved
 * the case on meanwhile.
 */
export function advancedCase(instances: InstancesRepository, stored: InstanceRecord, result: RunResult, variables: Record<string, unknown>, at: string): { instance: InstanceRecord; advance: (trx: Knex.Transaction) => Promise<void> } {
  const ended = result.completed ? { status: 'completed' as const, endedAt: at } : {};
  return {
    instance: { ...stored, ...ended, variables, rev: stored.rev + 1 },
    async advance(trx) {
      const advanced = await instances.advance(trx, stored.id, stored.rev, { state: result.state, variables, ...ended });
      if (!advanced) throw new ConflictError(`instance ${stored.id} changed meanwhile`, 'running');
    },
  };
}

/** Who starts a new case and with what; `parent` names the call activity execution that started a child case. */
export interface NewCase {
  businessKey: string | null;
  startedBy: string;
  variables: Record<string, unknown>;
  parent?: { instanceId: string; elementId: string; executionId: string };
}

/** The record of a case at its first run (revision 1), ended already when that run completed it; `at` is ISO 8601. */
export function newInstance(definition: DefinitionVersion, id: string, input: NewCase, result: RunResult, at: string): InstanceRecord {
  return {
    id,
    definitionId: definition.id,
    definitionKey: definition.key,
    version: definition.version,
    businessKey: input.businessKey,
    status: result.completed ? 'completed' : 'running',
    startedBy: input.startedBy,
    startedAt: at,
    endedAt: result.completed ? at : null,
    variables: input.variables,
    rev: 1,
    cancelReason: null,
    parentInstanceId: input.parent?.instanceId ?? null,
    parentElementId: input.parent?.elementId ?? null,
    parentExecutionId: input.parent?.executionId ?? null,
  };
}

export interface CaseState {
  instance: InstanceRecord & { state: EngineState };
  definition: DefinitionVersion;
  /** Its open (and claimed) tasks. */
  open: TaskRecord[];
}

/** One engine run of one case: the case after it, and its writes, which wait for the cascade's transaction. */
export interface CaseRun {
  after: CaseState;
  result: RunResult;
  write(trx: Knex.Transaction): Promise<void>;
}

/** What a run is written from: the case after the run (variables, revision, status), and what caused it. */
export interface RunInput {
  calendar: WorkingCalendar;
  definition: DefinitionVersion;
  /** The case after the run, but for its engine state (taken from `result`). */
  instance: InstanceRecord;
  /** The tasks open before the run, but for one the run's cause completed. */
  open: TaskRecord[];
  result: RunResult;
  now: Date;
  userId: string;
  /** The events that caused the run (a start, a completion, a child's end), first in the case's trail. */
  lead: NewAuditEvent[];
}

/** Extra statements of a run's write: `before` the task rows (revision checks), and inserts that go `ahead` of the audit append. */
export interface RunStore {
  before?: (trx: Knex.Transaction) => Promise<void>;
  ahead?: (trx: Knex.Transaction) => Knex.QueryBuilder[];
}

/** A run to do once the previous one's writes are planned: it calls `then` from its commit callback (null: nothing to run). */
export type FollowUp = (then: (run: CaseRun | null) => Promise<void>) => Promise<void>;

/**
 * A cascade's queue entry: a run to do, or follow-ups known only once the runs queued before them are done (a
 * case's second thrown signal reaches what its first one's deliveries made wait).
 */
export type Queued = FollowUp | { expand: () => Promise<Queued[]> };

/** What one cascade has run so far: each case as its last run left it, and what it waits for since. */
export interface Cascade {
  known: Map<string, CaseState>;
  waits: Map<string, readonly EventWait[]>;
  /** Signal deliveries and starts done (thrown-signals.ts), each at most once per cascade. */
  reached: Set<string>;
}

export interface CaseRunsDeps {
  knex: Knex;
  definitions: DefinitionsRepository;
  deploy: DeployService;
  instances: InstancesRepository;
  tasks: TasksRepository;
  audit: AuditChain;
  /** The case's message, signal and condition waits, kept equal to the engine's by every run's write. */
  subscriptions: EventSubscriptionsRepository;
  runtime: ProcessRuntime;
  calendars: CalendarStore;
  clock: () => Date;
  /** The cases' timer jobs, which follow every run. */
  jobs?: JobsRepository;
  /** The cases' external tasks, which follow every run. */
  externalTasks?: ExternalTasksRepository;
  /** Serves send tasks in-process (topics notify.email and notify.webhook) and the outbox their messages go to. */
  sendTasks?: { worker: SendTaskWorker; outbox: Pick<OutboxRepository, 'insert'> } | undefined;
  /** Versions by id, cached by the caller (they never change). */
  definitionById: (id: string) => Promise<DefinitionVersion>;
}

/**
 * Plans a run's task rows and audit events (pure but for fresh ids) and returns its write: `store.before`, the
 * vanished tasks cancelled, then one audit append carrying the new rows (`store.ahead`, the new tasks) with it, so
 * that PostgreSQL holds the chain head for the least time.
 */
export function caseRun(deps: Pick<CaseRunsDeps, 'tasks' | 'audit' | 'instances' | 'subscriptions' | 'jobs' | 'externalTasks'>, input: RunInput, store: RunStore = {}): CaseRun {
  const { definition, instance, result, now } = input;
  const { created, vanished } = projectTasks(definition, input.calendar, instance, input.open, result.waiting, now);
  const at = now.toISOString();
  const base: NewAuditEvent = { type: 'task.created', at, definitionKey: definition.key, version: definition.version, instanceId: instance.id, userId: input.userId };
  const engineEvents: NewAuditEvent[] = result.events.map((e) => ({ ...base, type: e.type, elementId: e.elementId, data: { elementType: e.elementType, executionId: e.executionId, ...(e.eventDefinitions.length > 0 ? { eventDefinitions: e.eventDefinitions } : {}) } }));
  const events = [...input.lead, ...engineEvents, ...taskEvents('task.cancelled', vanished.map(asRow), base), ...taskEvents('task.created', created, base)];
  if (result.completed) events.push({ ...base, type: 'instance.completed' });
  const gone = new Set(vanished.map((t) => t.id));
  const open = [...input.open.filter((t) => !gone.has(t.id)), ...created.map(toTaskRecord)];
  return {
    after: { instance: { ...instance, state: result.state }, definition, open },
    result,
    async write(trx) {
      await store.before?.(trx);
      for (const t of vanished) await deps.tasks.transition(trx, t.id, ['open', 'claimed'], { status: 'cancelled', completed_at: at });
      await deps.subscriptions.sync(trx, instance, result.eventWaits, at, result.hadEventWaits);
      // A run of a version without external tasks costs no statement; one with them keeps its rows equal to the waits.
      const external = deps.externalTasks && (result.hasExternalTasks || result.externalTasks.length > 0) ? await deps.externalTasks.sync(trx, { ...instance, definitionId: definition.id }, result.externalTasks, at) : [];
      await deps.audit.append(trx, [...events, ...externalTaskCreatedEvents(external, base)], [...(store.ahead?.(trx) ?? []), ...deps.tasks.insert(trx, created)]);
      // The timers the case waits on now are its jobs: a timer whose task ended, or that fired, loses its job here.
      if (deps.jobs && (result.hasTimers || result.timers.length > 0)) await deps.jobs.sync(trx, { instanceId: instance.id, definitionId: definition.id, timers: result.timers, at });
      if (result.completed) await endChildren(deps, trx, instance, input.userId, at);
    },
  };
}

/**
 * A case that ends while a call activity still waits (a terminate end event on another branch) takes the child
 * cases with it, as Camunda does; a case with no running child costs one indexed read.
 */
async function endChildren(deps: Pick<CaseRunsDeps, 'tasks' | 'audit' | 'instances' | 'subscriptions' | 'jobs' | 'externalTasks'>, trx: Knex.Transaction, instance: InstanceRecord, userId: string, at: string): Promise<void> {
  for (const child of await deps.instances.children(instance.id, trx)) {
    if (child.status !== 'running') continue;
    await cancelCaseTree(deps, trx, child, { userId, at, reason: `the calling case ${instance.id} ended`, rootId: instance.id });
  }
}

/** A run's options for a case of `definition`: its timers count on the SOP's calendar (jobs/timer-due.ts). */
export function timerRunOptions(process: CompiledProcess, definition: DefinitionVersion, calendar: WorkingCalendar): RunOptions {
  return process.timers.length === 0 ? {} : { timerDue: caseTimerDue(process.timers, definition.metadata.steps, calendar) };
}

export function caseRuns(deps: CaseRunsDeps) {
  const { knex, definitions, deploy, instances, tasks, runtime, calendars, clock, definitionById } = deps;

  async function loadCase(id: string): Promise<CaseState | undefined> {
    const instance = await instances.withState(id);
    if (!instance) return undefined;
    return { instance, definition: await definitionById(instance.definitionId), open: await tasks.openForInstance(id) };
  }
  const signals = thrownSignals(deps, loadCase);

  /**
   * The version a call starts, by the call activity's binding: `latest` is the called key's current version (the
   * newest in effect, see version-lifecycle.ts), as for a start through the API. Throws CalledProcessMissingError
   * (422) naming both, VersionNotStartableError (409) for a version scheduled or suspended.
   */
  async function calledDefinition(parent: CaseState, call: WaitingCall): Promise<DefinitionVersion> {
    const declaration = callDeclaration(parent.definition, call.elementId);
    const { text, key } = declaration ? calledKey(declaration, parent.instance.variables) : { text: String(call.calledElement ?? ''), key: undefined };
    const binding = declaration?.binding ?? { type: 'latest' as const };
    let found: { id: string; version?: number } | undefined;
    if (key === undefined) found = undefined;
    else if (binding.type === 'latest') found = await definitions.latest(key);
    else if (binding.type === 'version') found = await definitions.byVersion(key, binding.version);
    else if (binding.type === 'versionTag') found = await definitions.byVersionTag(key, binding.versionTag);
    else found = binding.version === null ? undefined : await definitions.byVersion(key, binding.version);
    if (!found || key === undefined) throw new CalledProcessMissingError(call.elementId, text, describeBinding(declaration));
    const latest = await definitionById((await definitions.latestId(key)) as string);
    const zone = (await calendars.get(latest.metadata.calendar)).timeZone;
    const chosen = startableVersion(key, await definitions.lifecycle(key), zone, clock(), binding.type === 'latest' ? undefined : found.version);
    return definitionById(chosen.id);
  }

  /** The child case's first run: a case of its own, started by the parent's starter, linked to the call. */
  function childRun(parent: CaseState, call: WaitingCall, definition: DefinitionVersion, calendar: WorkingCalendar, id: string, variables: Record<string, unknown>, result: RunResult, userId: string): CaseRun {
    const now = clock();
    const at = now.toISOString();
    const instance = newInstance(definition, id, { businessKey: parent.instance.businessKey, startedBy: parent.instance.startedBy, variables, parent: { instanceId: parent.instance.id, elementId: call.elementId, executionId: call.executionId } }, result, at);
    const link = { parentInstanceId: parent.instance.id, parentElementId: call.elementId, parentExecutionId: call.executionId };
    const lead: NewAuditEvent[] = [
      { type: 'instance.child-started', at, definitionKey: parent.definition.key, version: parent.definition.version, instanceId: parent.instance.id, elementId: call.elementId, userId, data: { childInstanceId: id, calledElement: definition.key, calledVersion: definition.version, executionId: call.executionId } },
      { type: 'instance.started', at, definitionKey: definition.key, version: definition.version, instanceId: id, userId, data: { businessKey: instance.businessKey, ...link } },
    ];
    return caseRun(deps, { calendar, definition, instance, open: [], result, now, userId, lead }, { ahead: (trx) => [instances.insert(trx, { ...instance, state: result.state })] });
  }

  function startChild(parent: CaseState, call: WaitingCall, userId: string): FollowUp {
    return async (then) => {
      const definition = await calledDefinition(parent, call);
      const { process } = await deploy.compiled(definition);
      const calendar = await calendars.get(definition.metadata.calendar);
      const variables = passVariables(callDeclaration(parent.definition, call.elementId)?.inputs, parent.instance.variables);
      const id = randomUUID();
      await runtime.start(id, definition.key, process, variables, (result) => then(childRun(parent, call, definition, calendar, id, variables, result, userId)), timerRunOptions(process, definition, calendar));
    };
  }

  /** The parent's run after its child completed: the call activity signalled with the child's output variables. */
  function resumedRun(parent: CaseState, child: CaseState, output: Record<string, unknown>, calendar: WorkingCalendar, result: RunResult, userId: string): CaseRun {
    const now = clock();
    const at = now.toISOString();
    const { instance: stored, definition } = parent;
    const { instance, advance } = advancedCase(instances, stored, result, { ...stored.variables, ...output }, at);
    const lead: NewAuditEvent[] = [
      { type: 'instance.child-completed', at, definitionKey: definition.key, version: definition.version, instanceId: stored.id, elementId: child.instance.parentElementId, userId, data: { childInstanceId: child.instance.id, variables: output } },
    ];
    return caseRun(deps, { calendar, definition, instance, open: parent.open, result, now, userId, lead }, { before: advance });
  }

  function resumeParent(child: CaseState, known: Map<string, CaseState>, userId: string): FollowUp {
    return async (then) => {
      const { parentInstanceId, parentElementId, parentExecutionId } = child.instance;
      const parent = known.get(parentInstanceId as string) ?? (await loadCase(parentInstanceId as string));
      // A parent that ended meanwhile (cancelled with its children, normally) has nothing left to resume.
      if (!parent || parent.instance.status !== 'running') return then(null);
      const output = passVariables(callDeclaration(parent.definition, parentElementId as string)?.outputs, child.instance.variables);
      const { process } = await deploy.compiled(parent.definition);
      const calendar = await calendars.get(parent.definition.metadata.calendar);
      const wait = { elementId: parentElementId as string, executionId: parentExecutionId as string };
      await runtime.signal(parent.instance, parent.definition.key, process, wait, output, (result) => then(resumedRun(parent, child, output, calendar, result, userId)), timerRunOptions(process, parent.definition, calendar));
    };
  }

  /** The case's run after the built-in worker sent a send task's messages: the task completed, the messages in the outbox. */
  function sentRun(c: CaseState, wait: ExternalTaskWait, deliveries: Parameters<OutboxRepository['insert']>[1], calendar: WorkingCalendar, result: RunResult): CaseRun {
    const now = clock();
    const at = now.toISOString();
    const { instance, advance } = advancedCase(instances, c.instance, result, c.instance.variables, at);
    const lead: NewAuditEvent[] = [
      { type: 'external-task.completed', at, definitionKey: c.definition.key, version: c.definition.version, instanceId: c.instance.id, elementId: wait.elementId, userId: SYSTEM_USER_ID, data: { topic: wait.topic, executionId: wait.executionId, workerId: 'builtin', messages: deliveries.length } },
    ];
    const before = async (trx: Knex.Transaction): Promise<void> => {
      await advance(trx);
      await deps.sendTasks?.outbox.insert(trx, deliveries, at);
    };
    return caseRun(deps, { calendar, definition: c.definition, instance, open: c.open, result, now, userId: SYSTEM_USER_ID, lead }, { before });
  }

  /** Sends a send task's messages and completes it, on the case as the cascade left it (send-task-worker.ts). */
  function sendTask(caseId: string, wait: ExternalTaskWait, known: Map<string, CaseState>): FollowUp {
    return async (then) => {
      const current = known.get(caseId);
      if (!current || current.instance.status !== 'running' || !deps.sendTasks) return then(null);
      const { definition } = current;
      const { process } = await deploy.compiled(definition);
      const calendar = await calendars.get(definition.metadata.calendar);
      const deliveries = await deps.sendTasks.worker.deliveries({ definition, instance: current.instance, wait, at: clock().toISOString() });
      const task = { elementId: wait.elementId, executionId: wait.executionId };
      await runtime.signal(current.instance, definition.key, process, task, {}, (result) => then(sentRun(current, wait, deliveries, calendar, result)), timerRunOptions(process, definition, calendar));
    };
  }

  function followUps(run: CaseRun, cascade: Cascade, userId: string, sent: Set<string>): Queued[] {
    const children = run.result.calls.map((call) => startChild(run.after, call, userId));
    const resume = run.result.completed && run.after.instance.parentInstanceId ? [resumeParent(run.after, cascade.known, userId)] : [];
    const worker = deps.sendTasks?.worker;
    // Each send task once per cascade: a later run of the same case still lists one queued here.
    const sends = worker ? run.result.externalTasks.filter((w) => worker.serves(w.topic) && !sent.has(`${run.after.instance.id}/${w.executionId}`)) : [];
    for (const w of sends) sent.add(`${run.after.instance.id}/${w.executionId}`);
    return [...children, ...resume, ...sends.map((w) => sendTask(run.after.instance.id, w, cascade.known)), ...signals.followUps(run, cascade, userId)];
  }

  /** The queue's next run and the rest, expanding the entries ahead of it. */
  async function nextRun(queue: Queued[]): Promise<[FollowUp | undefined, Queued[]]> {
    let rest = queue;
    for (;;) {
      const [head, ...tail] = rest;
      if (head === undefined || typeof head === 'function') return [head, tail];
      rest = [...(await head.expand()), ...tail];
    }
  }

  return {
    /**
     * Runs whatever `first` sets off in linked cases (children to start, parents to resume, recursively), each run
     * nested in the previous one's commit callback, then writes them all in one transaction, in run order.
     * Throws CalledProcessMissingError (422) when a call names nothing deployed, ConflictError when a case moved
     * on meanwhile, EngineRunError; then nothing is stored and no engine is kept.
     * Gives every case the cascade ran, as the last of its runs left it. `transact` runs the writes' transaction
     * (default: one of their own; the job executor's grouped firings pass a WriteGroup's).
     */
    async settle(first: CaseRun, userId: string, transact: Transact = (work) => knex.transaction(work)): Promise<ReadonlyMap<string, CaseState>> {
      const cascade: Cascade = { known: new Map(), waits: new Map(), reached: new Set() };
      const { known } = cascade;
      const sent = new Set<string>();
      const writes: CaseRun['write'][] = [];
      const step = async (run: CaseRun | null, queue: Queued[]): Promise<void> => {
        if (run) {
          known.set(run.after.instance.id, run.after);
          cascade.waits.set(run.after.instance.id, run.result.eventWaits);
          writes.push(run.write);
        }
        const [next, rest] = await nextRun(run ? [...queue, ...followUps(run, cascade, userId, sent)] : queue);
        if (next) return next((r) => step(r, rest));
        await transact(async (trx) => {
          await instances.lockInOrder(trx, [...known.keys()]);
          for (const write of writes) await write(trx);
        });
      };
      await step(first, []);
      return known;
    },
  };
}

export type CaseRuns = ReturnType<typeof caseRuns>;
