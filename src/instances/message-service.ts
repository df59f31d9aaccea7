// Delivers messages and signals to the cases that wait for them (or starts a case at a message or signal start
// event): who may send, which case is meant, the message's variables validated like a form, then the engine run,
// task rows, subscriptions and a `message.delivered` / `signal.received` audit event in one transaction under the
// case's lock.
import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../errors.js';
import type { User } from '../auth/users-repository.js';
import { holdsRole, isAdmin, isOwnerOf } from '../auth/roles.js';
import type { NewAuditEvent } from '../audit/audit-chain.js';
import type { DefinitionVersion } from '../definitions/definitions-repository.js';
import type { MessageDeclaration, SopStep } from '../sop/sop-metadata.js';
import { validateCompletion } from '../sop/form-validation.js';
import { maySeeInstance } from './instance-access.js';
import { declarationOf, startTargets, type StartTarget } from './start-targets.js';
import type { InstanceLocks } from './instance-locks.js';
import type { InstanceRecord } from './instances-repository.js';
import type { EventSubscription } from './event-subscriptions-repository.js';
import { advancedCase, caseRun, caseRuns, newInstance, timerRunOptions } from './case-runs.js';
import type { CaseRunsDeps } from './case-runs.js';

/** A case run's dependencies (case-runs.ts), and what delivering messages needs besides. */
export interface MessageDeps extends CaseRunsDeps {
  locks: InstanceLocks;
  log: Logger;
}

/** `POST /messages`: a message by name, the case it is meant for, and the variables it carries. */
export interface MessageInput {
  name: string;
  businessKey?: string;
  /** Case variables that must equal these values (compared as JSON). */
  correlationKeys?: Record<string, unknown>;
  variables?: Record<string, unknown>;
}

/** Where a message went: the case it reached (or started) and the element that caught it. */
export interface MessageOutcome {
  instanceId: string;
  elementId: string;
  /** True when no case waited and the message started one at its message start event. */
  started: boolean;
}

/** The cases a signal reached or started, in delivery order. */
export interface SignalOutcome {
  delivered: number;
  instanceIds: string[];
}

type Kind = MessageDeclaration['kind'];

/** A wait a delivery may reach: the subscription, its case and version, and the message as that version declares it. */
interface Candidate {
  subscription: EventSubscription;
  instance: InstanceRecord;
  definition: DefinitionVersion;
  declaration: MessageDeclaration | undefined;
}

/** Whether every correlation key equals the case's variable of that name (JSON equality, as Camunda's variable equals). */
export function correlates(variables: Record<string, unknown>, keys: Record<string, unknown> | undefined): boolean {
  return Object.entries(keys ?? {}).every(([name, value]) => Object.hasOwn(variables, name) && JSON.stringify(variables[name]) === JSON.stringify(value));
}

/** Who may send a message or signal of a version: the roles named on it (`sop:sender`), the unit's owners, admins. */
export function maySend(user: User, definition: DefinitionVersion, declaration: MessageDeclaration | undefined): boolean {
  return isAdmin(user) || isOwnerOf(user, definition.metadata.unit) || (declaration?.senders ?? []).some((role) => holdsRole(user, role));
}

/**
 * A message's variables checked like a form's fields (form-validation.ts): an undeclared name, a missing required
 * one or a value of the wrong type answers 422 naming the field. Returns the values to store.
 */
function validVariables(declaration: MessageDeclaration | undefined, variables: Record<string, unknown>, caseVariables: Record<string, unknown>, calendar: Parameters<typeof validateCompletion>[3], now: Date): Record<string, unknown> {
  const step = { requires: [], output: [], form: declaration?.fields ?? [] } as unknown as SopStep;
  return validateCompletion(step, { documents: [], output: [], variables }, caseVariables, calendar, now);
}

export function messageService(deps: MessageDeps) {
  const { deploy, instances, tasks, subscriptions, locks, runtime, calendars, log, clock, definitionById } = deps;
  const runs = caseRuns(deps);

  /** The running cases waiting for `name`, narrowed by business key and correlation keys. */
  async function candidates(kind: Kind, name: string, businessKey?: string, keys?: Record<string, unknown>): Promise<Candidate[]> {
    const found: Candidate[] = [];
    for (const subscription of await subscriptions.waiting(kind, name, businessKey)) {
      const instance = await instances.byId(subscription.instanceId);
      if (instance?.status !== 'running' || !correlates(instance.variables, keys)) continue;
      const definition = await definitionById(instance.definitionId);
      found.push({ subscription, instance, definition, declaration: declarationOf(definition, kind, name) });
    }
    return found;
  }

  /** A case the sender may know of: one they may see, or one whose message names them as its sender. */
  const knows = (user: User, c: Candidate): boolean => maySeeInstance(user, c.instance, c.definition) || maySend(user, c.definition, c.declaration);

  /**
   * Delivers to one waiting execution under its case's lock: re-reads the case, signals the engine with the values
   * and writes the run with the delivery's audit event. Throws ConflictError when the case moved on meanwhile.
   */
  async function deliverTo(user: User, c: Candidate, variables: Record<string, unknown>): Promise<Record<string, unknown>> {
    return locks.run(c.instance.id, async () => {
      const stored = await instances.withState(c.instance.id);
      const still = (await subscriptions.forInstance(c.instance.id)).some((s) => s.id === c.subscription.id);
      if (stored?.status !== 'running' || !still) throw new ConflictError(`instance ${c.instance.id} no longer waits for ${c.subscription.kind} ${c.subscription.name}`, stored?.status ?? 'unknown');
      const { definition } = c;
      const calendar = await calendars.get(definition.metadata.calendar);
      const values = validVariables(c.declaration, variables, stored.variables, calendar, clock());
      const { process } = await deploy.compiled(definition);
      const open = await tasks.openForInstance(stored.id);
      const wait = { elementId: c.subscription.elementId, executionId: c.subscription.executionId };
      await runtime.signal(stored, definition.key, process, wait, values, async (result) => {
        const now = clock();
        const { instance, advance } = advancedCase(instances, stored, result, { ...stored.variables, ...values }, now.toISOString());
        const lead = [deliveryEvent(c.subscription, definition, stored.id, user, values, now)];
        await runs.settle(caseRun(deps, { calendar, definition, instance, open, result, now, userId: user.id, lead }, { before: advance }), user.id);
      }, timerRunOptions(process, definition, calendar));
      return values;
    });
  }

  function deliveryEvent(s: Pick<EventSubscription, 'kind' | 'name' | 'elementId' | 'executionId'>, definition: DefinitionVersion, instanceId: string, user: User, values: Record<string, unknown>, now: Date): NewAuditEvent {
    const type = s.kind === 'signal' ? 'signal.received' : 'message.delivered';
    return { type, at: now.toISOString(), definitionKey: definition.key, version: definition.version, instanceId, elementId: s.elementId, userId: user.id, data: { name: s.name, executionId: s.executionId, variables: values } };
  }

  /** Starts a case at a message or signal start event, the sender as its starter; one transaction like any start. */
  async function startAt(user: User, target: StartTarget, input: { businessKey?: string; variables?: Record<string, unknown> }): Promise<string> {
    const { definition, declaration, startEventId } = target;
    if (!maySend(user, definition, declaration)) throw new ForbiddenError(`sending ${declaration.kind} ${declaration.name} to ${definition.key} needs one of the roles ${[...declaration.senders, `owner:${definition.metadata.unit ?? '*'}`].join(', ')}`);
    const calendar = await calendars.get(definition.metadata.calendar);
    const variables = validVariables(declaration, input.variables ?? {}, {}, calendar, clock());
    const { process } = await deploy.compiled(definition);
    const id = randomUUID();
    await runtime.start(id, definition.key, process, variables, async (result) => {
      const now = clock();
      const at = now.toISOString();
      const instance = newInstance(definition, id, { businessKey: input.businessKey ?? null, startedBy: user.id, variables }, result, at);
      const started: NewAuditEvent = { type: 'instance.started', at, definitionKey: definition.key, version: definition.version, instanceId: id, userId: user.id, data: { businessKey: instance.businessKey, startEventId } };
      const lead = [started, deliveryEvent({ kind: declaration.kind, name: declaration.name, elementId: startEventId, executionId: startEventId }, definition, id, user, variables, now)];
      await runs.settle(caseRun(deps, { calendar, definition, instance, open: [], result, now, userId: user.id, lead }, { ahead: (trx) => [instances.insert(trx, { ...instance, state: result.state })] }), user.id);
    }, { ...timerRunOptions(process, definition, calendar), startEventId });
    return id;
  }

  return {
    /**
     * Delivers a message to the one case waiting for it (business key and correlation keys narrow the search), or
     * starts a case at the message start event of the latest version when none waits. Throws NotFoundError when no
     * case the sender may know of waits and nothing starts, ConflictError naming the cases when several wait (or the
     * keys when several start), ForbiddenError when the sender is not named on the message, InvalidFormError (422).
     */
    async message(user: User, input: MessageInput): Promise<MessageOutcome> {
      const known = (await candidates('message', input.name, input.businessKey, input.correlationKeys)).filter((c) => knows(user, c));
      // The contract's order: a sender named on none of the waiting cases' messages is refused before any conflict.
      const first = known[0];
      if (first && !known.some((c) => maySend(user, c.definition, c.declaration))) {
        throw new ForbiddenError(`sending message ${input.name} needs one of the roles ${[...(first.declaration?.senders ?? []), `owner:${first.definition.metadata.unit ?? '*'}`].join(', ')}`);
      }
      if (known.length > 1) {
        const ids = [...new Set(known.map((c) => c.instance.id))];
        throw new ConflictError(`message ${input.name} matches ${known.length} waiting executions, in cases ${ids.join(', ')}: narrow it with businessKey or correlationKeys`, 'ambiguous');
      }
      const [only] = known;
      if (only) {
        await deliverTo(user, only, input.variables ?? {});
        log.info({ instanceId: only.instance.id, elementId: only.subscription.elementId, message: input.name, userId: user.id, event: 'message.delivered' }, 'message delivered');
        return { instanceId: only.instance.id, elementId: only.subscription.elementId, started: false };
      }
      const targets = await startTargets(deps, 'message', input.name);
      if (targets.length > 1) throw new ConflictError(`message ${input.name} starts ${targets.map((t) => t.definition.key).join(', ')}: a message start event's name must be unique`, 'ambiguous');
      const [target] = targets;
      if (!target) throw new NotFoundError(`no case waits for message ${input.name}`);
      const instanceId = await startAt(user, target, input);
      log.info({ instanceId, definitionKey: target.definition.key, message: input.name, userId: user.id, event: 'message.delivered' }, 'case started by message');
      return { instanceId, elementId: target.startEventId, started: true };
    },

    /**
     * Delivers a signal to every waiting case the sender may send it to, each in its own transaction, and starts a
     * case at each latest version with a start event for it. A case that moved on meanwhile is skipped. Throws
     * ForbiddenError when cases wait but the sender may send to none, InvalidFormError (422) for its variables.
     */
    async signal(user: User, input: { name: string; variables?: Record<string, unknown> }): Promise<SignalOutcome> {
      const waiting = await candidates('signal', input.name);
      const allowed = waiting.filter((c) => maySend(user, c.definition, c.declaration));
      const targets = (await startTargets(deps, 'signal', input.name)).filter((t) => maySend(user, t.definition, t.declaration));
      if (allowed.length === 0 && targets.length === 0 && waiting.some((c) => knows(user, c))) throw new ForbiddenError(`sending signal ${input.name} needs a role named on it, or the unit's owner`);
      // Checked against every version it reaches before any case moves, so a 422 leaves every case as it was.
      for (const { definition, declaration } of [...allowed, ...targets]) {
        validVariables(declaration, input.variables ?? {}, {}, await calendars.get(definition.metadata.calendar), clock());
      }
      const instanceIds: string[] = [];
      for (const c of allowed) {
        try {
          await deliverTo(user, c, input.variables ?? {});
          instanceIds.push(c.instance.id);
        } catch (err) {
          if (!(err instanceof ConflictError)) throw err;
          log.warn({ instanceId: c.instance.id, signal: input.name, err: err.message }, 'signal skipped: the case moved on');
        }
      }
      for (const target of targets) instanceIds.push(await startAt(user, target, input));
      log.info({ signal: input.name, delivered: instanceIds.length, userId: user.id, event: 'signal.received' }, 'signal delivered');
      return { delivered: instanceIds.length, instanceIds };
    },
  };
}

export type MessageService = ReturnType<typeof messageService>;
