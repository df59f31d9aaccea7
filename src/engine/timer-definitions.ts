// The timers of a diagram as the service schedules them: where each waits (boundary, intermediate, start), its form
// and value, and the SOP attributes that make it count working time or fire at the task's own deadline.
import type { ModdleElement } from 'bpmn-moddle';
import type { ElementProblem } from '../errors.js';
import { readTimerForm, TimerFormError, type TimerForm, type TimerType } from '../jobs/timer-forms.js';
import { expressionBody, hasExpression } from './safe-expression.js';

/** One timer event of a deployed version. */
export interface TimerDefinition {
  elementId: string;
  eventType: 'boundary' | 'intermediate' | 'start';
  /** The activity a boundary timer is attached to. */
  attachedTo?: string;
  /** False for a non-interrupting boundary timer. */
  cancelActivity: boolean;
  timerType: TimerType;
  /** The attribute's text as written (may hold `${…}` reads). */
  text: string;
  /** `sop:workingTime="true"`: durations count the SOP calendar's office time. */
  workingTime: boolean;
  /** `sop:at="dueAt"`: fires when the attached task becomes overdue (its mutu baku deadline). */
  at?: 'dueAt';
}

const TYPES: readonly TimerType[] = ['timeDate', 'timeDuration', 'timeCycle'];

const EVENT_SUB_PROCESS_TIMER =
  'timer start events of event sub-processes are not supported: bpmn-engine 25 (bpmn-elements 17) starts an event sub-process only on a message, signal, error or escalation, never on a timer; use a boundary timer on a sub-process holding the work';

function eventType(event: ModdleElement): TimerDefinition['eventType'] | undefined {
  if (event.$type === 'bpmn:BoundaryEvent') return 'boundary';
  if (event.$type === 'bpmn:IntermediateCatchEvent') return 'intermediate';
  if (event.$type === 'bpmn:StartEvent') return 'start';
  return undefined;
}

/**
 * Why a literal cycle on this event fires once although it is written to repeat, or undefined. Camunda 7 ("Timer
 * Events", Time Cycle): a cycle repeats on timer start events and non-interrupting boundary events only; an
 * intermediate catch event, or an interrupting boundary event, leaves at its first firing, as bpmn-elements does too.
 */
function ignoredRepetition(kind: TimerDefinition['eventType'], cancelActivity: boolean, form: TimerForm): string | undefined {
  const repeats = form.kind === 'cron' || (form.kind === 'cycle' && form.repeat !== 1);
  if (!repeats || kind === 'start' || (kind === 'boundary' && !cancelActivity)) return undefined;
  const where = kind === 'boundary' ? 'an interrupting boundary event' : 'an intermediate catch event';
  return `timeCycle repetition is ignored on ${where}: the timer fires once (cycles repeat only on start and non-interrupting boundary events)`;
}

/** Reads one timer event definition; `problems` gets what makes it unusable, `warnings` what is not honoured, named by its event. */
function readOne(event: ModdleElement, definition: ModdleElement, problems: ElementProblem[], warnings: ElementProblem[]): TimerDefinition | undefined {
  const elementId = String(event.id ?? 'timer');
  const kind = eventType(event);
  const at = typeof definition.at === 'string' ? definition.at : undefined;
  const given = TYPES.filter((t) => (definition[t] as ModdleElement | undefined)?.body !== undefined);
  const problem = (message: string) => problems.push({ elementId, message });
  if (!kind) return void problem(`a timer may only start, wait (intermediate catch) or be attached (boundary)`);
  // A timer start event of the process starts cases on schedule. bpmn-elements 17 starts an event sub-process only
  // for a message, signal, error or escalation delegated to its scope (ProcessExecution#_onDelegateEvent runs the
  // sub-process whose start events match that reference); it never executes the start events of an event
  // sub-process while the scope runs, so a timer (or condition) there would never start waiting.
  if (kind === 'start' && event.$parent?.triggeredByEvent === true) return void problem(EVENT_SUB_PROCESS_TIMER);
  // BPMN 2.0 §10.5.2: an embedded sub-process starts at its none start event only.
  if (kind === 'start' && event.$parent?.$type !== 'bpmn:Process') return void problem('a timer start event belongs to a process, not to an embedded sub-process');
  if (at !== undefined && (at !== 'dueAt' || kind !== 'boundary')) return void problem(`sop:at must be "dueAt", on a boundary timer`);
  if (at === undefined && given.length !== 1) return void problem(`a timer needs exactly one of timeDate, timeDuration or timeCycle`);
  const timerType = given[0] ?? 'timeDate';
  const text = String((definition[timerType] as ModdleElement | undefined)?.body ?? '').trim();
  // A value read from the case is checked when the timer starts waiting; a literal is checked here.
  if (at === undefined && !hasExpression(text)) {
    try {
      const ignored = ignoredRepetition(kind, event.cancelActivity !== false, readTimerForm(timerType, text));
      if (ignored) warnings.push({ elementId, message: ignored });
    } catch (err) {
      if (!(err instanceof TimerFormError)) throw err;
      return void problem(`${timerType} refused: ${err.message}`);
    }
  } else if (at === undefined && expressionBody(text) === undefined) {
    return void problem(`${timerType} must be a literal or one \${…} expression`);
  }
  const attached = event.attachedToRef as ModdleElement | undefined;
  return {
    elementId,
    eventType: kind,
    ...(attached?.id ? { attachedTo: String(attached.id) } : {}),
    cancelActivity: event.cancelActivity !== false,
    timerType,
    text,
    workingTime: definition.workingTime === true,
    ...(at === 'dueAt' ? { at } : {}),
  };
}

/**
 * The timers among `elements` (a parsed diagram's elements by id) and the problems that refuse the diagram: a timer
 * without exactly one form, a literal form that cannot be read (readTimerForm: unparsable, over one year, a cron more
 * often than once a minute), `sop:at` anywhere but on a boundary timer; and the warnings of cycles that fire once
 * where they stand (ignoredRepetition).
 */
export function readTimerDefinitions(elements: Record<string, ModdleElement>): { timers: TimerDefinition[]; problems: ElementProblem[]; warnings: ElementProblem[] } {
  const timers: TimerDefinition[] = [];
  const problems: ElementProblem[] = [];
  const warnings: ElementProblem[] = [];
  for (const event of Object.values(elements)) {
    for (const definition of (event.eventDefinitions as ModdleElement[] | undefined) ?? []) {
      if (definition.$type !== 'bpmn:TimerEventDefinition') continue;
      const timer = readOne(event, definition, problems, warnings);
      if (timer) timers.push(timer);
    }
  }
  return { timers, problems, warnings };
}
