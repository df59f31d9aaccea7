// What a case waits for from outside: messages, signals and conditions. The runtime lists these waits after every
// run (their subscriptions are stored beside the engine state), delivers to one through its own api, re-evaluates
// waiting conditions when variables change, and picks the start event a case starts at.
import { Activity } from 'bpmn-elements';
import { StartEventBehaviour } from 'bpmn-elements/events';

/** A catch event, boundary event or receive task waiting for a message, a signal or a condition. */
export interface EventWait {
  kind: 'message' | 'signal' | 'conditional';
  /** The message's or signal's name (what `POST /messages` and `POST /signals` name); the element id for a condition. */
  name: string;
  elementId: string;
  /** The waiting activity's execution, which a delivery signals. */
  executionId: string;
}

/**
 * The engine setting that names the start event a case starts at (a message, signal or conditional start event).
 * Without it a case starts at its none start events: BPMN 2.0 §10.4.2 starts a process at the one start event that was triggered,
 * whereas bpmn-elements 17 runs every start event of the process at once.
 */
export const START_EVENT_SETTING = 'sopStartEventId';

/**
 * Event definitions that start a case only when triggered, never at a plain start: a message or signal arriving, a
 * condition evaluated by `POST /condition` (Camunda 7 evaluates conditional start events only there).
 */
const TRIGGERED_STARTS = new Set(['bpmn:MessageEventDefinition', 'bpmn:SignalEventDefinition', 'bpmn:ConditionalEventDefinition']);

/* eslint-disable @typescript-eslint/no-explicit-any -- bpmn-elements' activities, apis and messages are untyped. */

/** The wait a postponed execution is, or undefined when it waits for no message, signal or condition. */
export function eventWait(api: any): EventWait | undefined {
  const elementId = String(api.id);
  const executionId = String(api.executionId);
  const content = api.content ?? {};
  switch (api.type) {
    case 'bpmn:MessageEventDefinition':
    case 'bpmn:ReceiveTask':
      return typeof content.message?.name === 'string' ? { kind: 'message', name: content.message.name, elementId, executionId } : undefined;
    case 'bpmn:SignalEventDefinition':
      return typeof content.signal?.name === 'string' ? { kind: 'signal', name: content.signal.name, elementId, executionId } : undefined;
    case 'bpmn:ConditionalEventDefinition':
      return { kind: 'conditional', name: elementId, elementId, executionId };
    default:
      return undefined;
  }
}

/**
 * Asks every waiting conditional event to evaluate its condition again (bpmn-elements re-evaluates on a signal to
 * its execution), as Camunda does when variables change; one that holds now completes and the case moves on. Repeats
 * while a pass changed what waits, since a condition that fired may set off others, at most `maxPasses` times.
 */
export function reevaluateConditions(postponed: () => any[], maxPasses = 10): void {
  for (let pass = 0; pass < maxPasses; pass += 1) {
    const conditions = postponed().filter((api) => api.type === 'bpmn:ConditionalEventDefinition');
    if (conditions.length === 0) return;
    const before = postponed().length;
    for (const api of conditions) api.signal();
    const after = postponed().filter((api) => api.type === 'bpmn:ConditionalEventDefinition');
    if (after.length === conditions.length && postponed().length === before) return;
  }
}

/** Whether a start event runs in this case: the one the setting names, else every start not waiting for a trigger. */
function selected(activity: any): boolean {
  if (activity.parent?.type !== 'bpmn:Process') return true;
  const chosen = activity.environment?.settings?.[START_EVENT_SETTING];
  if (typeof chosen === 'string') return activity.id === chosen;
  const definitions = (activity.behaviour?.eventDefinitions ?? []) as Array<{ type?: string }>;
  return !definitions.some((d) => TRIGGERED_STARTS.has(String(d.type)));
}

/**
 * bpmn-elements' start event, but one this case does not start at is no start of the process: it never runs and its
 * path is not discarded (a discarded path reaching a shared end event would make bpmn-elements discard the start
 * event that was triggered). The engine's settings hold the choice when the process's elements are built.
 */
function StartEvent(activityDef: any, context: any): any {
  const activity = new (Activity as any)(StartEventBehaviour, activityDef, context);
  if (activity.isStart && !selected(activity)) Object.defineProperty(activity, 'isStart', { value: false });
  return activity;
}

/** The start event type every engine here is built with (bpmn-engine's `elements` option). */
export const startEventElements = { StartEvent };
/* eslint-enable @typescript-eslint/no-explicit-any */
