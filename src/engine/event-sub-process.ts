// Event sub-processes as BPMN 2.0 runs them: an interrupting one cancels the rest of its scope when it starts.
import * as Elements from 'bpmn-elements';

/* eslint-disable @typescript-eslint/no-explicit-any -- bpmn-elements' activities and messages are untyped. */
type Activity = any;
type Message = { fields: { redelivered?: boolean }; content: { id: string; parent?: { id?: string } } };

/** Statuses of an activity that has not finished its work yet (bpmn-elements' `Activity.status`). */
const UNFINISHED = new Set(['entered', 'started', 'executing', 'formatting']);

/**
 * Whether the start event `start` interrupts its scope. BPMN 2.0 §10.4.2 (Start Event, attribute `isInterrupting`):
 * true by default, and always true for an error start. bpmn-moddle gives the attribute only when it is written, so
 * only an explicit `false` on a non-error start keeps the scope running.
 */
export function interrupts(start: Activity): boolean {
  const definitions = (start.behaviour?.eventDefinitions ?? []) as Array<{ type?: string }>;
  if (definitions.some((d) => d.type === 'bpmn:ErrorEventDefinition')) return true;
  return start.behaviour?.isInterrupting !== false;
}

/** Whether `sibling` is still doing its scope's work: not finished, not an event sub-process, not a boundary event. */
function cancellable(eventSubProcess: Activity, sibling: Activity): boolean {
  return sibling !== eventSubProcess && !sibling.triggeredByEvent && !sibling.attachedTo && UNFINISHED.has(sibling.status);
}

/**
 * Cancels what runs beside `eventSubProcess` in its scope (the process, or the sub-process execution it belongs
 * to): each sibling not yet finished is discarded through its api, as a terminate or an interrupting boundary event
 * would; a boundary event goes with its host. The scope may still be handing on tokens (a parallel split whose first
 * branch threw): until the event sub-process leaves, a sibling entering the scope is discarded too. That guard lives
 * in the engine only; a recovered engine needs none, since the run that stored its state had cancelled the scope.
 */
function cancelScope(eventSubProcess: Activity): void {
  const scopeId = eventSubProcess.parent.id;
  // The context is the scope execution's own (bpmn-elements clones it per sub-process execution and iteration).
  const siblings = (eventSubProcess.context.getActivities(scopeId) as Activity[]).filter((a) => cancellable(eventSubProcess, a));
  for (const sibling of siblings) sibling.getApi().discard();
  const scope: Activity = eventSubProcess.parentElement;
  const tag = `_sop-interrupted-${String(eventSubProcess.executionId)}`;
  scope.broker.subscribeTmp('event', 'activity.enter', (_: string, message: Message) => {
    if (message.content.parent?.id !== scopeId) return;
    const sibling: Activity = eventSubProcess.context.getActivityById(message.content.id);
    if (sibling && cancellable(eventSubProcess, sibling)) sibling.getApi().discard();
  }, { noAck: true, consumerTag: tag });
  // The event sub-process's broker also carries its children's events; only its own leave ends the guard.
  eventSubProcess.broker.subscribeTmp('event', 'activity.leave', (_: string, message: Message) => {
    if (message.content.id !== eventSubProcess.id) return;
    scope.broker.cancel(tag);
    eventSubProcess.broker.cancel(tag);
  }, { noAck: true, consumerTag: tag });
}

/**
 * bpmn-elements 17 starts an event sub-process when its start event catches, but leaves the rest of the enclosing
 * scope running whatever `isInterrupting` says (paed01/bpmn-elements `src/process/ProcessExecution.js`,
 * `_onDelegateEvent`: it only calls `run()` on the triggered sub-process). No upstream release changes this:
 * 17.3.0 is the newest on npm, and no paed01/bpmn-elements or paed01/bpmn-engine issue found reports it (the nearest,
 * https://github.com/paed01/bpmn-engine/issues/180, is about triggering an event sub-process twice). BPMN 2.0
 * §10.2.5 ("Event Sub-Processes") and §13.5.3: an interrupting start event cancels the enclosing scope's other
 * activities. So when a start event directly inside this event sub-process ends, and it interrupts, the scope is
 * cancelled. A start event ends once; a redelivered end (a resumed engine) was acted on before the state was stored.
 */
function SubProcess(activityDef: unknown, context: unknown): Activity {
  const subProcess: Activity = new (Elements as any).SubProcess(activityDef, context);
  if (!subProcess.triggeredByEvent) return subProcess;
  const onEnd = (_: string, message: Message): void => {
    if (message.fields.redelivered || message.content.parent?.id !== subProcess.id) return;
    const start: Activity = (subProcess.getStartActivities() as Activity[]).find((a) => a.id === message.content.id);
    if (start?.type === 'bpmn:StartEvent' && interrupts(start)) cancelScope(subProcess);
  };
  subProcess.broker.subscribeTmp('event', 'activity.end', onEnd, { noAck: true, consumerTag: '_sop-interrupting-start' });
  return subProcess;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

/** Event sub-processes that interrupt their scope (see SubProcess above); spread into bpmn-engine's `elements`. */
export const eventSubProcessElements = { SubProcess };
