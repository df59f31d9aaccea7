// Durable timers through bpmn-engine's two timer seams: the engine's `timers` option records each timer a case waits
// on instead of keeping a live setTimeout the service would rely on, and a TimerEventDefinition (the `elements`
// option) takes its due time from the service, so that the database, not the process, holds when a timer fires.
import * as Elements from 'bpmn-elements';

/** What the service is asked when a timer starts waiting: the element, its form and its resolved value. */
export interface TimerDueRequest {
  elementId: string;
  timerType: 'timeDate' | 'timeDuration' | 'timeCycle';
  /** The attribute's value with its `${…}` reads resolved. */
  value: string;
  /** The firings left of a repeating timer that fired before, as bpmn-elements counts them (-1 unbounded). */
  repeat?: number;
  now: Date;
  /** The variables of the scope the timer waits in (a scheduled step's `startsAt` may name one). */
  variables: Record<string, unknown>;
}

/** The due time of a timer and, for a cycle starting now, its number of firings (-1 unbounded). */
export interface TimerDue {
  expireAt: Date;
  repeat?: number;
}

/**
 * Computes a timer's due time; throws (any Error) when the value cannot give one, e.g. an expression read a variable
 * the case does not have: the timer then waits with that problem, and firing it fails until it resolves.
 */
export type TimerDueFn = (request: TimerDueRequest) => TimerDue;

/** A timer a case waits on now: its element and execution, when it is due and, when it cannot be due, why. */
export interface TimerWait {
  elementId: string;
  executionId: string;
  /** ISO 8601 UTC. */
  expireAt: string;
  timerType: string;
  value: string;
  /** Set when the value did not resolve to a due time (a missing variable, an unreadable form): English. */
  problem?: string;
  /** The due time was computed in this run (the timer started waiting, a cycle re-armed, or a failed value resolved). */
  fresh: boolean;
}

interface Registered {
  wait: TimerWait;
  callback: () => void;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- bpmn-elements' timer owners and messages are untyped. */

/**
 * bpmn-engine's `timers` seam (bpmn-elements' Timers API: register, setTimeout, clearTimeout, executing). A timeout is
 * recorded, never scheduled: a timer fires only when the service calls `fire` for it (a job came due).
 */
export class ServiceTimers {
  private readonly registered = new Map<object, Registered>();
  private count = 0;

  /**
   * `due` is replaced per run (ServiceTimers lives with a cached engine); `now` is the service's clock; `defined`
   * whether the version has timer events at all.
   */
  constructor(
    public due: TimerDueFn,
    public now: () => Date,
    public readonly defined = true,
  ) {
    this.setTimeout = this.setTimeout.bind(this);
    this.clearTimeout = this.clearTimeout.bind(this);
  }

  get executing(): object[] {
    return [...this.registered.keys()];
  }

  register(owner: any): { setTimeout: ServiceTimers['setTimeout']; clearTimeout: ServiceTimers['clearTimeout'] } {
    return {
      setTimeout: (callback: () => void, delay: number, ...args: unknown[]) => this.record(owner, callback, delay, args),
      clearTimeout: this.clearTimeout,
    };
  }

  /** A timeout nothing registered (scripts are off): recorded without an owner, so never a wait. */
  setTimeout(callback: () => void, delay: number, ...args: unknown[]): object {
    return this.record(undefined, callback, delay, args);
  }

  clearTimeout(ref: unknown): undefined {
    if (ref && typeof ref === 'object') this.registered.delete(ref);
    return undefined;
  }

  /** The timers waiting now, in registration order (copies). */
  waits(): TimerWait[] {
    return [...this.registered.values()].map((r) => ({ ...r.wait })).filter((w) => w.elementId !== '');
  }

  /** Marks every wait as known: a run's snapshot reported them, so the next run sees none as fresh. */
  settle(): void {
    for (const r of this.registered.values()) r.wait.fresh = false;
  }

  /** The waiting timer of `executionId` (or, without one, of `elementId`), if any. */
  find(elementId: string, executionId?: string): TimerWait | undefined {
    return this.waits().find((w) => w.elementId === elementId && (executionId === undefined || w.executionId === executionId));
  }

  /** Makes a waiting timer expire through bpmn-elements' own completion; false when it is not waiting. */
  fire(executionId: string): boolean {
    for (const [ref, r] of this.registered) {
      if (r.wait.executionId !== executionId) continue;
      this.registered.delete(ref);
      r.callback();
      return true;
    }
    return false;
  }

  private record(owner: any, callback: (...a: unknown[]) => void, _delay: number, args: unknown[]): object {
    const ref = { timerId: `timer_${this.count++}` };
    const wait: TimerWait = {
      elementId: owner?.id === undefined ? '' : String(owner.id),
      executionId: owner?.executionId === undefined ? '' : String(owner.executionId),
      expireAt: new Date(owner?.expireAt ?? this.now()).toISOString(),
      timerType: String(owner?.timerType ?? ''),
      value: String(owner?.[owner?.timerType] ?? ''),
      ...(typeof owner?.timerProblem === 'string' ? { problem: owner.timerProblem as string } : {}),
      fresh: owner?.timerResumed !== true,
    };
    this.registered.set(ref, { wait, callback: () => callback(...args) });
    return ref;
  }
}

const TIMER_TYPES = ['timeDate', 'timeDuration', 'timeCycle'] as const;

/**
 * bpmn-elements' TimerEventDefinition with the due time from the service (ServiceTimers.due) and the service's
 * clock. A resumed timer keeps its stored `expireAt`; a timer waits until the service fires it, even when that time
 * has passed (the job executor decides when). A timer start event fires at once: the service starts such a case on
 * its schedule. A value that gives no due time waits with its problem and is resolved again on every resume.
 */
export class DurableTimerEventDefinition extends (Elements as any).TimerEventDefinition {
  _getTimers(executeMessage: any): Record<string, unknown> {
    const timers = this.environment.timers;
    if (!(timers instanceof ServiceTimers)) return super._getTimers(executeMessage);
    const content = executeMessage.content;
    const now = timers.now();
    if (this.activity.type === 'bpmn:StartEvent') return { expireAt: now, timeout: 0 };
    // A timer at its task's deadline (sop:at) has no form of its own: the service's due function knows it by its id.
    const timerType = TIMER_TYPES.find((t) => t in this) ?? 'timeDate';
    const raw = String(this[timerType] ?? '');
    const inboundRepeat = content.inbound?.[0]?.repeat as number | undefined;
    if ('expireAt' in content && content.timerProblem === undefined) {
      return { timerType, [timerType]: content[timerType], expireAt: new Date(content.expireAt), repeat: content.repeat, timerResumed: true, timeout: 1 };
    }
    try {
      const value = raw === '' ? '' : this.environment.resolveExpression(raw, executeMessage);
      if (raw !== '' && (value === undefined || value === null || value === '')) throw new Error(`${timerType} '${raw}' resolved to nothing: a variable it reads is missing`);
      const text = value instanceof Date ? value.toISOString() : String(value);
      const variables = (this.environment.variables ?? {}) as Record<string, unknown>;
      const due = timers.due({ elementId: String(this.activity.id), timerType, value: text, ...(inboundRepeat === undefined ? {} : { repeat: inboundRepeat }), now, variables });
      // timerProblem is cleared explicitly: bpmn-elements merges this over the resumed content, which may carry one.
      return { timerType, [timerType]: text, expireAt: due.expireAt, repeat: inboundRepeat ?? due.repeat, timerProblem: undefined, timerResumed: undefined, timeout: 1 };
    } catch (err) {
      return { timerType, [timerType]: raw, expireAt: now, timerProblem: (err as Error).message, timerResumed: undefined, timeout: 1 };
    }
  }
}
/* eslint-enable @typescript-eslint/no-explicit-any */

/** The element behaviours of durable timers, merged into the engine's `elements`. */
export const timerElements = { TimerEventDefinition: DurableTimerEventDefinition };
