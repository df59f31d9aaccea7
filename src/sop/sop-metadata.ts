// Reads what the service needs from a diagram's `sop` extension: identity, actors (lanes) and steps (mutu baku).
import type { ModdleElement } from 'bpmn-moddle';
import type { ElementProblem } from '../errors.js';
import { flowElementsDeep } from '../engine/flow-elements.js';
import { HUMAN_TASK_TYPES } from '../engine/supported-elements.js';
import type { CallDeclaration } from '../engine/call-activity-declarations.js';

/** `date` is a calendar date `YYYY-MM-DD` (form-js's date picker); `datetime` an ISO 8601 instant with its zone. */
export type FormFieldType = 'string' | 'boolean' | 'enum' | 'datetime' | 'number' | 'date';

export interface FormOption {
  value: string;
  label: string;
  /** A `${…}` condition over instance variables; the option is offered only while it holds. */
  when?: string;
}

export interface FormField {
  name: string;
  label: string;
  type: FormFieldType;
  required: boolean;
  options?: FormOption[];
  /**
   * For datetime fields: local `HH:mm-HH:mm` windows (space or comma separated) a value must start in,
   * on a working day of the process calendar (BKN: 09:00-10:00 13:00-14:00).
   */
  slots?: Array<{ start: string; end: string }>;
  /** Constraints of Camunda 7 formData (`minlength`, `maxlength`, `min`, `max`) and form-js (`validate.*`). */
  minLength?: number;
  maxLength?: number;
  min?: number;
  max?: number;
  /** A regular expression a string value must match (form-js `validate.pattern`), unanchored as the form-js viewer tests it. */
  pattern?: string;
  /** A number must be whole (Camunda 7 `long`). */
  integer?: boolean;
  /** Shown, not entered: a value sent for it is refused (Camunda 7 `readonly`, form-js `readonly`/`disabled`). */
  readonly?: boolean;
  /** The value recorded when a completion leaves the field out (Camunda 7 `defaultValue`, form-js `defaultValue`). */
  defaultValue?: string | number | boolean;
}

const SLOT = /^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$/;

/** Parses `09:00-10:00 13:00-14:00`; undefined when any part is malformed. */
export function parseSlots(text: string): Array<{ start: string; end: string }> | undefined {
  const parts = text.split(/[\s,]+/).filter(Boolean);
  if (parts.length === 0 || !parts.every((p) => SLOT.test(p))) return undefined;
  const slots = parts.map((p) => ({ start: p.slice(0, 5), end: p.slice(6) }));
  return slots.every((s) => s.start < s.end) ? slots : undefined;
}

export interface SopRole {
  id: string;
  name: string;
  initiator: boolean;
  laneId: string;
}

export interface TimeStandard {
  text: string;
  iso: string | null;
}

export interface SopStep {
  elementId: string;
  no: string;
  activity: string;
  role: string | null;
  roleName: string | null;
  initiator: boolean;
  requires: string[];
  output: string[];
  timeStandard: TimeStandard | null;
  confidential: boolean;
  startsAt: string | null;
  note: string | null;
  form: FormField[];
  /** The row is followed by a decision (an exclusive or inclusive gateway). */
  decision?: boolean;
  /**
   * Camunda assignment (camunda-attributes.ts): role ids (groups) and user ids as written, each a literal or one
   * expression resolved when the task is created; the task's actors are its lane's role and these together.
   */
  candidateGroups?: string[];
  candidateUsers?: string[];
  assignee?: string | null;
  /** `camunda:dueDate` / `zeebe:taskSchedule dueDate`: an ISO date-time, an ISO duration, or an expression giving one. */
  dueDate?: string | null;
  /** The task's form as form-js JSON, when it has a Camunda form (zeebe:userTaskForm, or a form deployed with POST /forms). */
  formSchema?: Record<string, unknown>;
  /** The deployed form the task links (`zeebe:formDefinition formId`, `camunda:formRef`), fixed when this version was deployed. */
  formRef?: { formId: string; version: number };
}

export interface SopIdentity {
  organisation: string | null;
  unit: string | null;
  number: string | null;
  created: string | null;
  revised: string | null;
  effective: string | null;
  approvedBy: string | null;
  approverTitle: string | null;
  approverId: string | null;
  legalBasis: string[];
  qualifications: string[];
  equipment: string[];
  warnings: string[];
  records: string[];
  related: string[];
}

export interface SopMetadata {
  key: string;
  name: string;
  /** The role-id prefix shared by the lanes (e.g. `bkd-kalteng`), used for unit-scoped owners and auditors. */
  unit: string | null;
  calendar: string;
  /** Whether the diagram names its calendar (sop:document calendar): then Camunda due durations count working time. */
  calendarDeclared?: boolean;
  timeZone: string;
  identity: SopIdentity;
  roles: SopRole[];
  /** The role whose holders may start an instance: the lane of the start event. */
  startRole: string | null;
  steps: SopStep[];
  /** The call activities, as deploy read them (absent on versions deployed before call activities ran). */
  calls?: CallDeclaration[];
  /** Camunda's version tag of this version (`camunda:versionTag`, `zeebe:versionTag`), for versionTag bindings. */
  versionTag?: string | null;
  /** Who may start a case beside the start lane's role holders: `camunda:candidateStarterGroups`/`Users` (literals). */
  candidateStarterGroups?: string[];
  candidateStarterUsers?: string[];
  /** The variable `camunda:initiator` names on the start event: the starter's user id, as `initiator` is always. */
  initiatorVariable?: string | null;
  /** Where `unit` came from: the sop:document's unit key, the lanes' role prefix, the key's owner, or the deployer. */
  unitSource?: 'declared' | 'lanes' | 'key' | 'deployer' | null;
  /** The messages and signals of the diagram (absent on versions deployed before messages ran). */
  messages?: MessageDeclaration[];
  /** Every start event of the process waits for a message or signal: a case starts only through its sender. */
  startsByTrigger?: boolean;
  /** The process's conditional start events and their conditions (`${…}` or `=FEEL`), which `POST /condition` evaluates. */
  conditionalStarts?: ConditionalStart[];
}

/** A conditional start event of a process (Camunda 7, "Conditional Start Event"). */
export interface ConditionalStart {
  elementId: string;
  condition: string;
}

/** The conditional start events among a process's top-level start events, with their conditions' text. */
function readConditionalStarts(startEvents: ModdleElement[]): ConditionalStart[] {
  return startEvents.flatMap((e) =>
    ((e.eventDefinitions as ModdleElement[] | undefined) ?? [])
      .filter((d) => d.$type === 'bpmn:ConditionalEventDefinition' && typeof (d.condition as ModdleElement | undefined)?.body === 'string')
      .map((d) => ({ elementId: String(e.id), condition: String((d.condition as ModdleElement).body) })),
  );
}

/**
 * A `bpmn:message` or `bpmn:signal` as `POST /messages` and `POST /signals` read it: its name, the variables it may
 * carry (`sop:field` children, validated like a form), who may send it (`sop:sender role`) and the start events of
 * the process it triggers (a new case starts there).
 */
export interface MessageDeclaration {
  kind: 'message' | 'signal';
  id: string;
  name: string;
  fields: FormField[];
  senders: string[];
  startEventIds: string[];
}

const TIME_ZONES: Record<string, string> = { wib: 'Asia/Jakarta', wita: 'Asia/Makassar', wit: 'Asia/Jayapura' };

function extensions(el: ModdleElement | undefined, type: string): ModdleElement[] {
  const values = ((el?.extensionElements as ModdleElement | undefined)?.values as ModdleElement[] | undefined) ?? [];
  return values.filter((v) => v.$type === type);
}

function texts(list: unknown): string[] {
  return ((list as ModdleElement[] | undefined) ?? []).map((e) => String(e.text ?? '').trim()).filter((t) => t.length > 0);
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

function collectLanes(process: ModdleElement): ModdleElement[] {
  const lanes: ModdleElement[] = [];
  const visit = (laneSets: unknown) => {
    for (const set of (laneSets as ModdleElement[] | undefined) ?? []) {
      for (const lane of (set.lanes as ModdleElement[] | undefined) ?? []) {
        lanes.push(lane);
        visit(lane.childLaneSet ? [lane.childLaneSet] : []);
      }
    }
  };
  visit(process.laneSets);
  return lanes;
}

function readField(f: ModdleElement): FormField {
  const type = (str(f.type) ?? 'string') as FormFieldType;
  const field: FormField = { name: String(f.name ?? ''), label: str(f.label) ?? String(f.name ?? ''), type, required: f.required === true };
  const options = ((f.options as ModdleElement[] | undefined) ?? []).map((o) => {
    const option: FormOption = { value: String(o.value ?? ''), label: str(o.label) ?? String(o.value ?? '') };
    const when = str(o.when);
    if (when) option.when = when;
    return option;
  });
  if (type === 'enum') field.options = options;
  const slots = type === 'datetime' && str(f.slots) ? parseSlots(String(f.slots)) : undefined;
  if (slots) field.slots = slots;
  return field;
}

function readForm(task: ModdleElement): FormField[] {
  return extensions(task, 'sop:Form').flatMap((form) => ((form.fields as ModdleElement[] | undefined) ?? []).map(readField));
}

/** The messages and signals declared beside `process`, with the top-level start events each one triggers. */
function readMessages(process: ModdleElement): MessageDeclaration[] {
  const roots = ((process.$parent?.rootElements as ModdleElement[] | undefined) ?? []).filter((e) => e.$type === 'bpmn:Message' || e.$type === 'bpmn:Signal');
  const starts = ((process.flowElements as ModdleElement[] | undefined) ?? []).filter((e) => e.$type === 'bpmn:StartEvent');
  return roots.map((el) => {
    const kind = el.$type === 'bpmn:Message' ? ('message' as const) : ('signal' as const);
    const triggers = (start: ModdleElement) => ((start.eventDefinitions as ModdleElement[] | undefined) ?? []).some((d) => d.messageRef === el || d.signalRef === el);
    return {
      kind,
      id: String(el.id),
      name: str(el.name) ?? String(el.id),
      fields: extensions(el, 'sop:Field').map(readField),
      senders: extensions(el, 'sop:Sender').map((s) => str(s.role)).filter((r): r is string => r !== null),
      startEventIds: starts.filter(triggers).map((start) => String(start.id)),
    };
  });
}

/**
 * The role of a task: its own lane's, else that of the lane holding its enclosing sub-process (bpmn.io lists a
 * sub-process's children in no lane), else none (then owners and admins do it, see task-access.ts).
 */
function roleOf(el: ModdleElement, laneOf: Map<string, SopRole>): SopRole | null {
  for (let cur: ModdleElement | undefined = el; cur && cur.$type !== 'bpmn:Process'; cur = cur.$parent) {
    const role = laneOf.get(String(cur.id));
    if (role) return role;
  }
  return null;
}

/** One SOP row from a task and its `sop:mutuBaku` (step number, kelengkapan, waktu, output) and `sop:form`. */
function readStep(el: ModdleElement, role: SopRole | null, decision: boolean): SopStep {
  const elementId = String(el.id);
  const mutu = extensions(el, 'sop:MutuBaku')[0];
  const waktu = str(mutu?.waktu);
  const iso = str(mutu?.duration);
  return {
    elementId,
    no: typeof mutu?.step === 'string' ? mutu.step : '',
    activity: str(el.name) ?? elementId,
    role: role?.id ?? null,
    roleName: role?.name ?? null,
    initiator: role?.initiator ?? false,
    requires: texts(mutu?.requires),
    output: texts(mutu?.output),
    timeStandard: waktu || iso ? { text: waktu ?? iso ?? '', iso } : null,
    confidential: mutu?.confidential === true,
    startsAt: str(mutu?.startsAt),
    note: str(mutu?.note),
    form: readForm(el),
    decision,
  };
}

/** A unit key as `owner:<unit>` names it (a `sop:document unit` in prose is the sheet's text, not a key). */
const UNIT_KEY = /^[a-z0-9][a-z0-9_.-]{0,199}$/;

/**
 * Extracts the SOP metadata of an executable process; warnings name elements that lack SOP data. `assigned`: the
 * tasks that name their actors otherwise (Camunda candidates), which need no lane.
 */
export function readSopMetadata(process: ModdleElement, assigned: ReadonlySet<string> = new Set()): { metadata: SopMetadata; warnings: ElementProblem[] } {
  const warnings: ElementProblem[] = [];
  const key = String(process.id);
  const doc = extensions(process, 'sop:Document')[0];
  const calendar = (str(doc?.calendar) ?? 'wib').toLowerCase();
  const timeZone = TIME_ZONES[calendar] ?? 'Asia/Jakarta';
  if (!doc) warnings.push({ elementId: key, message: 'no sop:document: identity block missing, calendar defaults to wib' });

  const roles: SopRole[] = [];
  const laneOf = new Map<string, SopRole>();
  for (const lane of collectLanes(process)) {
    const actor = extensions(lane, 'sop:Actor')[0];
    const laneId = String(lane.id);
    const roleId = str(actor?.role);
    if (!roleId) {
      if (!lane.childLaneSet) warnings.push({ elementId: laneId, message: 'lane has no sop:actor role: its tasks can be done by owners and admins only' });
      continue;
    }
    const role: SopRole = { id: roleId, name: str(lane.name) ?? roleId, initiator: actor?.initiator === true, laneId };
    if (!roles.some((r) => r.id === role.id)) roles.push(role);
    for (const ref of (lane.flowNodeRef as ModdleElement[] | undefined) ?? []) laneOf.set(String(ref.id), role);
  }

  const flowElements = flowElementsDeep(process);
  const deciding = new Set<unknown>();
  for (const f of flowElements) {
    if (f.$type === 'bpmn:SequenceFlow' && /Exclusive|Inclusive/.test(String((f.targetRef as ModdleElement | undefined)?.$type))) deciding.add(f.sourceRef);
  }
  // The lane of the start event people use (a none start); a message or signal start is triggered by its sender.
  const startEvents = ((process.flowElements as ModdleElement[] | undefined) ?? []).filter((e) => e.$type === 'bpmn:StartEvent');
  const start = startEvents.find((e) => ((e.eventDefinitions as unknown[] | undefined) ?? []).length === 0) ?? startEvents[0];
  const steps: SopStep[] = [];
  for (const el of flowElements) {
    if (!HUMAN_TASK_TYPES.has(el.$type)) continue;
    const role = roleOf(el, laneOf);
    if (!role && !assigned.has(String(el.id))) warnings.push({ elementId: String(el.id), message: 'task has no lane with a sop:actor role: owners of the unit and admins do it' });
    steps.push(readStep(el, role, deciding.has(el)));
  }

  const effective = str(doc?.effective);
  if (effective !== null && !/^\d{4}-\d{2}-\d{2}$/.test(effective)) {
    warnings.push({ elementId: key, message: `sop:document effective '${effective}' is no YYYY-MM-DD date: the version takes effect as soon as it is deployed` });
  }
  const prefixes = new Set(roles.map((r) => r.id.split('/')[0] as string));
  // The unit the document declares by its key wins; else the one prefix its lanes' roles share.
  const declared = str(doc?.unit);
  const unitKey = declared && UNIT_KEY.test(declared) ? declared : null;
  const laneUnit = prefixes.size === 1 ? ([...prefixes][0] as string) : null;
  const identity: SopIdentity = {
    organisation: str(doc?.organisation),
    unit: str(doc?.unit),
    number: str(doc?.number),
    created: str(doc?.created),
    revised: str(doc?.revised),
    effective: str(doc?.effective),
    approvedBy: str(doc?.approvedBy),
    approverTitle: str(doc?.approverTitle),
    approverId: str(doc?.approverId),
    legalBasis: texts(doc?.legalBasis),
    qualifications: texts(doc?.qualifications),
    equipment: texts(doc?.equipment),
    warnings: texts(doc?.warnings),
    records: texts(doc?.records),
    related: texts(doc?.related),
  };
  return {
    metadata: {
      key,
      name: str(process.name) ?? key,
      unit: unitKey ?? laneUnit,
      unitSource: unitKey ? 'declared' : laneUnit ? 'lanes' : null,
      calendar,
      calendarDeclared: str(doc?.calendar) !== null,
      timeZone,
      identity,
      roles,
      startRole: start ? (laneOf.get(String(start.id))?.id ?? null) : null,
      steps,
      messages: readMessages(process),
      startsByTrigger: startEvents.length > 0 && startEvents.every((e) => ((e.eventDefinitions as unknown[] | undefined) ?? []).length > 0),
      conditionalStarts: readConditionalStarts(startEvents),
    },
    warnings,
  };
}
