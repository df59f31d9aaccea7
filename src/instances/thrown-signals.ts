// A signal a case throws (an intermediate throw or end event) reaches every other case waiting for it and starts a
// case at each signal start event, as `POST /signals` does, but inside the throwing run's cascade: the deliveries and
// starts are runs of that cascade, so they commit in the throwing case's transaction (case-runs.ts).
import { randomUUID } from 'node:crypto';
import type { NewAuditEvent } from '../audit/audit-chain.js';
import type { DefinitionVersion } from '../definitions/definitions-repository.js';
import type { EventWait } from '../engine/event-waits.js';
import type { RunResult, ThrownSignal } from '../engine/process-runtime.js';
import { advancedCase, caseRun, newInstance, timerRunOptions, type Cascade, type CaseRun, type CaseRunsDeps, type CaseState, type FollowUp, type Queued } from './case-runs.js';
import type { WorkingCalendar } from '../sop/working-calendar.js';
import { startTargets, type StartTarget } from './start-targets.js';

/** Where a signal came from: the throwing case and its throw event. */
interface Thrower {
  instanceId: string;
  definition: DefinitionVersion;
  signal: ThrownSignal;
}

/**
 * Whether a signal thrown by a case of `from` may reach a case (or start one) of `to`. The diagram throws with the
 * authority of its unit's owner, who deployed it: `POST /signals` lets a unit's owner reach that unit's cases, so a
 * thrown signal reaches the cases and signal start events of its own unit, never another unit's.
 */
export function mayReach(from: DefinitionVersion, to: DefinitionVersion): boolean {
  return from.metadata.unit === to.metadata.unit;
}

/** The audit event of a thrown signal caught at `wait` (or at a signal start event) in case `instanceId`. */
function receivedEvent(thrower: Thrower, definition: DefinitionVersion, instanceId: string, wait: Pick<EventWait, 'elementId' | 'executionId'>, userId: string, at: string): NewAuditEvent {
  const data = { name: thrower.signal.name, executionId: wait.executionId, variables: {}, thrownBy: { instanceId: thrower.instanceId, elementId: thrower.signal.elementId } };
  return { type: 'signal.received', at, definitionKey: definition.key, version: definition.version, instanceId, elementId: wait.elementId, userId, data };
}

export function thrownSignals(deps: CaseRunsDeps, loadCase: (id: string) => Promise<CaseState | undefined>) {
  const { instances, subscriptions, deploy, runtime, calendars, clock } = deps;

  /** The run of a waiting case the signal reached: its revision-guarded write, `signal.received` first. */
  function reachedRun(thrower: Thrower, target: CaseState, calendar: WorkingCalendar, wait: EventWait, result: RunResult, userId: string): CaseRun {
    const now = clock();
    const at = now.toISOString();
    const { instance: stored, definition } = target;
    const { instance, advance } = advancedCase(instances, stored, result, stored.variables, at);
    const lead = [receivedEvent(thrower, definition, stored.id, wait, userId, at)];
    return caseRun(deps, { calendar, definition, instance, open: target.open, result, now, userId, lead }, { before: advance });
  }

  /** Delivers to one waiting execution; passes over a case that ended, moved past the wait in this cascade, or is another unit's. */
  function deliver(thrower: Thrower, instanceId: string, wait: EventWait, cascade: Cascade, userId: string): FollowUp {
    return async (then) => {
      const target = cascade.known.get(instanceId) ?? (await loadCase(instanceId));
      const waits = cascade.waits.get(instanceId);
      const still = waits === undefined || waits.some((w) => w.executionId === wait.executionId && w.elementId === wait.elementId);
      if (!target || target.instance.status !== 'running' || !still || !mayReach(thrower.definition, target.definition)) return then(null);
      const { process } = await deploy.compiled(target.definition);
      const calendar = await calendars.get(target.definition.metadata.calendar);
      const reach = (result: RunResult) => then(reachedRun(thrower, target, calendar, wait, result, userId));
      await runtime.signal(target.instance, target.definition.key, process, wait, {}, reach, timerRunOptions(process, target.definition, calendar));
    };
  }

  /** Starts a case at a signal start event of `target`, by the cascade's user, as POST /signals does. */
  function start(thrower: Thrower, target: StartTarget, userId: string): FollowUp {
    return async (then) => {
      const { definition, startEventId } = target;
      const { process } = await deploy.compiled(definition);
      const calendar = await calendars.get(definition.metadata.calendar);
      const id = randomUUID();
      await runtime.start(id, definition.key, process, {}, (result) => {
        const now = clock();
        const at = now.toISOString();
        const instance = newInstance(definition, id, { businessKey: null, startedBy: userId, variables: {} }, result, at);
        const started: NewAuditEvent = { type: 'instance.started', at, definitionKey: definition.key, version: definition.version, instanceId: id, userId, data: { businessKey: null, startEventId } };
        const lead = [started, receivedEvent(thrower, definition, id, { elementId: startEventId, executionId: startEventId }, userId, at)];
        return then(caseRun(deps, { calendar, definition, instance, open: [], result, now, userId, lead }, { ahead: (trx) => [instances.insert(trx, { ...instance, state: result.state })] }));
      }, { ...timerRunOptions(process, definition, calendar), startEventId });
    };
  }

  /** The waits for `name` outside the throwing case: of cases this cascade ran, as they stand now, and stored ones. */
  async function waitsFor(name: string, thrower: string, cascade: Cascade): Promise<Array<{ instanceId: string; wait: EventWait }>> {
    const found: Array<{ instanceId: string; wait: EventWait }> = [];
    for (const [instanceId, waits] of cascade.waits) {
      if (instanceId !== thrower) for (const wait of waits) if (wait.kind === 'signal' && wait.name === name) found.push({ instanceId, wait });
    }
    for (const s of await subscriptions.waiting('signal', name)) {
      if (!cascade.waits.has(s.instanceId)) found.push({ instanceId: s.instanceId, wait: { kind: 'signal', name, elementId: s.elementId, executionId: s.executionId } });
    }
    return found;
  }

  /** The runs one thrown signal sets off now: a delivery per waiting execution, a start per signal start event. */
  async function reachOf(thrower: Thrower, cascade: Cascade, userId: string): Promise<Queued[]> {
    const { signal, instanceId: from } = thrower;
    const follow: Queued[] = [];
    for (const { instanceId, wait } of await waitsFor(signal.name, from, cascade)) {
      const key = `${signal.name}\u0000${instanceId}\u0000${wait.elementId}`;
      if (cascade.reached.has(key)) continue;
      cascade.reached.add(key);
      follow.push(deliver(thrower, instanceId, wait, cascade, userId));
    }
    for (const target of await startTargets(deps, 'signal', signal.name)) {
      const key = `${signal.name}\u0000start:${target.definition.key}`;
      if (cascade.reached.has(key) || !mayReach(thrower.definition, target.definition)) continue;
      cascade.reached.add(key);
      follow.push(start(thrower, target, userId));
    }
    return follow;
  }

  return {
    /**
     * What the signals `run` threw set off, one entry per signal in throw order, each expanded when the cascade
     * reaches it (so a later signal reaches what an earlier one's deliveries made wait): one run per waiting
     * execution of another case and one per signal start event of a current version, of the thrower's unit
     * (mayReach). Each catch event of each case gets a signal, and each key is started by it, at most once per
     * cascade, so cases that throw what they catch cannot loop.
     */
    followUps(run: CaseRun, cascade: Cascade, userId: string): Queued[] {
      const { instance, definition } = run.after;
      return run.result.signals.map((signal) => ({ expand: () => reachOf({ instanceId: instance.id, definition, signal }, cascade, userId) }));
    },
  };
}
