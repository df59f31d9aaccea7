// The one list of BPMN elements this service runs, waits on, audits or refuses; the lockdown, the runtime and the
// SOP reader all read it here, so that what is accepted at deploy is exactly what runs.

/**
 * Element types whose executions wait for a person: user and manual tasks, and the untyped task bpmn.io draws by
 * default (bpmn-elements completes an untyped task at once; `humanTaskElements` makes it wait like a user task).
 */
export const HUMAN_TASK_TYPES: ReadonlySet<string> = new Set(['bpmn:UserTask', 'bpmn:ManualTask', 'bpmn:Task']);

/**
 * Element types that run as external tasks (external-task-definitions.ts): a worker fetches and completes them over
 * /engine-rest. Only when they say so (`camunda:type="external"`, `zeebe:taskDefinition`); any other implementation
 * (a Java class, an expression, a connector, a DMN decision) is refused, since nothing in a diagram runs as code.
 */
export const EXTERNAL_TASK_TYPES: ReadonlySet<string> = new Set(['bpmn:ServiceTask', 'bpmn:SendTask', 'bpmn:BusinessRuleTask']);

/**
 * Flow elements accepted at any depth (process, embedded or event sub-process). Everything else is refused by name,
 * with the reason from REFUSED_ELEMENTS when there is one.
 */
export const SUPPORTED_FLOW_ELEMENTS: ReadonlySet<string> = new Set([
  ...HUMAN_TASK_TYPES,
  ...EXTERNAL_TASK_TYPES,
  'bpmn:SubProcess',
  'bpmn:CallActivity',
  'bpmn:StartEvent',
  'bpmn:EndEvent',
  'bpmn:IntermediateThrowEvent',
  'bpmn:IntermediateCatchEvent',
  'bpmn:BoundaryEvent',
  'bpmn:ExclusiveGateway',
  'bpmn:ParallelGateway',
  'bpmn:InclusiveGateway',
  'bpmn:EventBasedGateway',
  'bpmn:ReceiveTask',
  'bpmn:SequenceFlow',
  'bpmn:DataObject',
  'bpmn:DataObjectReference',
  'bpmn:DataStoreReference',
]);

/**
 * Event definitions accepted on the events above. Messages, signals and conditions are waits the service stores as
 * subscriptions (event_subscriptions) and delivers through `POST /messages`, `POST /signals` and variable changes;
 * timers wait as jobs (service-timers.ts, src/jobs/).
 */
export const SUPPORTED_EVENT_DEFINITIONS: ReadonlySet<string> = new Set([
  'bpmn:MessageEventDefinition',
  'bpmn:SignalEventDefinition',
  'bpmn:ConditionalEventDefinition',
  'bpmn:ErrorEventDefinition',
  'bpmn:EscalationEventDefinition',
  'bpmn:TerminateEventDefinition',
  'bpmn:LinkEventDefinition',
  'bpmn:CompensateEventDefinition',
  // Durable jobs (service-timers.ts, src/jobs/); their forms are checked by timer-definitions.ts.
  'bpmn:TimerEventDefinition',
]);

/** Refused element and event-definition types, with the reason a modeller reads in the deploy's problems. */
export const REFUSED_ELEMENTS: ReadonlyMap<string, string> = new Map([
  ['bpmn:ScriptTask', 'script tasks are not allowed: nothing in a diagram is run as code'],
  ['bpmn:Transaction', 'transactions (and their cancel events) are not supported'],
  ['bpmn:AdHocSubProcess', 'ad-hoc sub-processes are not supported'],
  ['bpmn:ComplexGateway', 'complex gateways are not supported'],
  ['bpmn:CancelEventDefinition', 'cancel events belong to transactions, which are not supported'],
]);

/** Element types whose start and end are audit events of the case (tasks have their own, gateways none). */
export const AUDITED_ELEMENT_TYPES: ReadonlySet<string> = new Set([
  'bpmn:SubProcess',
  'bpmn:Transaction',
  'bpmn:AdHocSubProcess',
  'bpmn:CallActivity',
  'bpmn:ReceiveTask',
  'bpmn:BoundaryEvent',
  'bpmn:IntermediateThrowEvent',
  'bpmn:IntermediateCatchEvent',
  'bpmn:EndEvent',
]);
