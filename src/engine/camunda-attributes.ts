// Reads what a diagram from Camunda Modeler says about people, time and forms (Camunda 7 `camunda:` attributes and
// formData, Camunda 8 `zeebe:` extension elements), and names everything Camunda-specific it reads but does not
// honour, so that nothing is dropped silently.
import type { ModdleElement } from 'bpmn-moddle';
import type { ElementProblem } from '../errors.js';
import type { FormField } from '../sop/sop-metadata.js';
import { readFormJs } from '../sop/form-js.js';
import { flowElementsDeep } from './flow-elements.js';
import { HUMAN_TASK_TYPES } from './supported-elements.js';
import { CAMUNDA_NS, elementNamespace, extensionValues, isVendorElement, vendorAttr, vendorAttributes, ZEEBE_NS } from './vendor-attributes.js';
import { isVendorExpression, vendorExpressionProblem } from './vendor-expression.js';
import { readCamundaFormData } from './camunda-form-data.js';

/** What a user task's Camunda attributes say. Assignment texts are literals or one expression each. */
export interface CamundaTask {
  elementId: string;
  candidateGroups: string[];
  candidateUsers: string[];
  assignee: string | null;
  dueDate: string | null;
  /** Fields from camunda:formData or an embedded form-js form. */
  form: FormField[];
  /** An embedded Camunda 8 form (zeebe:userTaskForm) as form-js JSON. */
  formSchema?: Record<string, unknown>;
  /** A form deployed with POST /forms that the task links (zeebe:formDefinition formId, camunda:formRef). */
  formId?: string;
}

export interface CamundaProcess {
  tasks: Map<string, CamundaTask>;
  candidateStarterGroups: string[];
  candidateStarterUsers: string[];
  /** The variable camunda:initiator names on the start event. */
  initiatorVariable: string | null;
  problems: ElementProblem[];
  warnings: ElementProblem[];
}

/** Camunda attributes this service honours, per element type (others of the camunda/zeebe namespaces are warned). */
const HONOURED_ATTRIBUTES: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['bpmn:Process', new Set(['candidateStarterGroups', 'candidateStarterUsers', 'versionTag'])],
  ['bpmn:StartEvent', new Set(['initiator'])],
  ['bpmn:UserTask', new Set(['assignee', 'candidateGroups', 'candidateUsers', 'dueDate', 'formRef', 'formRefBinding'])],
  ['bpmn:CallActivity', new Set(['calledElementBinding', 'calledElementVersion', 'calledElementVersionTag'])],
  ['bpmn:MultiInstanceLoopCharacteristics', new Set(['collection', 'elementVariable'])],
  // External tasks (external-task-definitions.ts): the topic workers fetch by and the order they are handed out in.
  ...['bpmn:ServiceTask', 'bpmn:SendTask', 'bpmn:BusinessRuleTask'].map((type): [string, ReadonlySet<string>] => [type, new Set(['type', 'topic', 'taskPriority'])]),
]);

/** Camunda extension elements this service honours, by the element they sit on. */
const HONOURED_ELEMENTS: ReadonlyMap<string, ReadonlyArray<readonly [string, string]>> = new Map([
  ['bpmn:Process', [[ZEEBE_NS, 'versionTag'], [ZEEBE_NS, 'userTaskForm']]],
  ['bpmn:UserTask', [[CAMUNDA_NS, 'formData'], [ZEEBE_NS, 'assignmentDefinition'], [ZEEBE_NS, 'taskSchedule'], [ZEEBE_NS, 'formDefinition'], [ZEEBE_NS, 'userTask']]],
  ['bpmn:CallActivity', [[CAMUNDA_NS, 'in'], [CAMUNDA_NS, 'out'], [ZEEBE_NS, 'calledElement'], [ZEEBE_NS, 'ioMapping']]],
  ...['bpmn:ServiceTask', 'bpmn:SendTask', 'bpmn:BusinessRuleTask'].map((type): [string, ReadonlyArray<readonly [string, string]>] => [type, [[ZEEBE_NS, 'taskDefinition'], [CAMUNDA_NS, 'properties'], [ZEEBE_NS, 'properties']]]),
]);

/** Why a Camunda attribute or element is not honoured, where a reader would ask. */
const REASONS: Readonly<Record<string, string>> = {
  formKey: 'forms on another page are not shown here; use camunda:formData, a Camunda form or sop:form',
  historyTimeToLive: 'the audit trail keeps every case for ever',
  followUpDate: 'tasks have a due date only',
  priority: 'tasks are ordered by due date',
  asyncBefore: 'every step commits in one transaction',
  asyncAfter: 'every step commits in one transaction',
  executionListener: 'listeners are not run: nothing in a diagram runs as code',
  taskListener: 'listeners are not run: nothing in a diagram runs as code',
  executionListeners: 'listeners are not run: nothing in a diagram runs as code',
  taskListeners: 'listeners are not run: nothing in a diagram runs as code',
  inputOutput: 'input/output mappings are not applied to this element',
  ioMapping: 'input/output mappings are not applied to this element',
};

/** Code-carrying attributes the lockdown refuses already; they are not warned about twice. */
const REFUSED_ATTRIBUTES = new Set(['class', 'delegateexpression', 'expression', 'script', 'scriptformat']);

const nearestId = (el: ModdleElement | undefined): string => {
  for (let cur = el; cur; cur = cur.$parent) if (typeof cur.id === 'string' && cur.id) return cur.id;
  return 'definitions';
};

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

/** `a, b` → [a, b]; a text holding an expression is one entry (it may give a list when evaluated). */
export function splitAssignment(text: string | undefined): string[] {
  if (text === undefined) return [];
  if (isVendorExpression(text)) return [text.trim()];
  return text.split(',').map((t) => t.trim()).filter((t) => t.length > 0);
}

/** FEEL and `#{…}` expressions of an assignment or due date; every `${…}` in the diagram is checked by the lockdown. */
function checkExpressions(id: string, attribute: string, texts: string[], problems: ElementProblem[]): void {
  for (const t of texts.filter((x) => !x.includes('${') || x.includes('#{'))) {
    const problem = vendorExpressionProblem(t, attribute);
    if (problem) problems.push({ elementId: id, message: problem });
  }
}

/** A user task's assignment, due date and form, from camunda: attributes and zeebe: extension elements. */
function readTask(el: ModdleElement, forms: Map<string, string>, out: CamundaProcess): CamundaTask {
  const id = String(el.id);
  const zeebe = (local: string) => extensionValues(el).find((v) => isVendorElement(v, ZEEBE_NS, local));
  const assignment = zeebe('assignmentDefinition');
  const schedule = zeebe('taskSchedule');
  const task: CamundaTask = {
    elementId: id,
    candidateGroups: [...splitAssignment(vendorAttr(el, CAMUNDA_NS, 'candidateGroups')), ...splitAssignment(str(assignment?.candidateGroups))],
    candidateUsers: [...splitAssignment(vendorAttr(el, CAMUNDA_NS, 'candidateUsers')), ...splitAssignment(str(assignment?.candidateUsers))],
    assignee: str(vendorAttr(el, CAMUNDA_NS, 'assignee')) ?? str(assignment?.assignee) ?? null,
    dueDate: str(vendorAttr(el, CAMUNDA_NS, 'dueDate')) ?? str(schedule?.dueDate) ?? null,
    form: [],
  };
  checkExpressions(id, 'candidateGroups', task.candidateGroups, out.problems);
  checkExpressions(id, 'candidateUsers', task.candidateUsers, out.problems);
  checkExpressions(id, 'assignee', task.assignee ? [task.assignee] : [], out.problems);
  checkExpressions(id, 'dueDate', task.dueDate ? [task.dueDate] : [], out.problems);
  if (schedule?.followUpDate !== undefined) out.warnings.push({ elementId: id, message: `zeebe:taskSchedule followUpDate is read but not honoured: ${REASONS.followUpDate}` });
  const formData = extensionValues(el).find((v) => isVendorElement(v, CAMUNDA_NS, 'formData'));
  if (formData) task.form = readCamundaFormData(formData, id, out.problems, out.warnings);
  readLinkedForm(el, zeebe('formDefinition'), forms, task, out);
  if (formData && (task.formId || task.formSchema)) out.problems.push({ elementId: id, message: 'a task has one Camunda form: camunda:formData or a form-js form, not both' });
  return task;
}

/** The Camunda form a task links: a deployed one by id (`formId`, `camunda:formRef`) or one embedded in the process. */
function readLinkedForm(el: ModdleElement, definition: ModdleElement | undefined, forms: Map<string, string>, task: CamundaTask, out: CamundaProcess): void {
  const id = task.elementId;
  const formRef = str(vendorAttr(el, CAMUNDA_NS, 'formRef'));
  const binding = vendorAttr(el, CAMUNDA_NS, 'formRefBinding');
  if (binding !== undefined && binding !== 'latest' && binding !== 'deployment') out.warnings.push({ elementId: id, message: `camunda:formRefBinding '${binding}' is read as the form's latest version when this diagram is deployed` });
  const formId = str(definition?.formId) ?? formRef;
  const formKey = str(definition?.formKey);
  if (str(definition?.externalReference)) out.warnings.push({ elementId: id, message: `zeebe:formDefinition externalReference is read but not honoured: ${REASONS.formKey}` });
  if (formId) {
    task.formId = formId;
  } else if (formKey?.startsWith('camunda-forms:bpmn:')) {
    const body = forms.get(formKey.slice('camunda-forms:bpmn:'.length));
    if (body === undefined) out.problems.push({ elementId: id, message: `zeebe:formDefinition formKey '${formKey}' names no zeebe:userTaskForm of the process` });
    else embedForm(body, task, out);
  } else if (formKey) {
    out.warnings.push({ elementId: id, message: `zeebe:formDefinition formKey '${formKey}' is read but not honoured: ${REASONS.formKey}` });
  }
}

/** The process a flow node sits in, through any sub-processes. */
function processOf(el: ModdleElement): ModdleElement | undefined {
  let cur: ModdleElement | undefined = el.$parent;
  while (cur && cur.$type !== 'bpmn:Process') cur = cur.$parent;
  return cur;
}

/**
 * The fields a user task's `camunda:formData` declares, for the deploy-time variable analysis (form-fields.ts);
 * [] when it has none. Its problems are reported once, by readCamundaAttributes.
 */
export function camundaFormDataFields(el: ModdleElement): FormField[] {
  if (!HUMAN_TASK_TYPES.has(el.$type)) return [];
  const formData = extensionValues(el).find((v) => isVendorElement(v, CAMUNDA_NS, 'formData'));
  return formData ? readCamundaFormData(formData, String(el.id), [], []) : [];
}

/**
 * The fields of the form-js form a user task embeds (`zeebe:formDefinition formKey="camunda-forms:bpmn:<id>"` naming a
 * `zeebe:userTaskForm` of its process), for the variable analysis; [] when it embeds none or the form is not JSON
 * (readCamundaAttributes reports that).
 */
export function embeddedFormFields(el: ModdleElement): FormField[] {
  if (!HUMAN_TASK_TYPES.has(el.$type)) return [];
  const formKey = str(extensionValues(el).find((v) => isVendorElement(v, ZEEBE_NS, 'formDefinition'))?.formKey);
  const process = processOf(el);
  if (!formKey?.startsWith('camunda-forms:bpmn:') || !process) return [];
  const id = formKey.slice('camunda-forms:bpmn:'.length);
  const form = extensionValues(process).find((x) => isVendorElement(x, ZEEBE_NS, 'userTaskForm') && str(x.id) === id);
  if (!form) return [];
  try {
    return readFormJs(JSON.parse(String(form.body ?? form.$body ?? ''))).fields;
  } catch {
    return [];
  }
}

function embedForm(body: string, task: CamundaTask, out: CamundaProcess): void {
  let schema: unknown;
  try {
    schema = JSON.parse(body);
  } catch {
    out.problems.push({ elementId: task.elementId, message: 'the embedded zeebe:userTaskForm is not JSON' });
    return;
  }
  const read = readFormJs(schema);
  out.problems.push(...read.problems.map((m) => ({ elementId: task.elementId, message: `embedded form: ${m}` })));
  out.warnings.push(...read.warnings.map((m) => ({ elementId: task.elementId, message: `embedded form: ${m}` })));
  task.form = read.fields;
  task.formSchema = schema as Record<string, unknown>;
}

/** Every Camunda attribute and extension element of the diagram that is read but not honoured, as warnings. */
function unhonoured(definitions: ModdleElement, warnings: ElementProblem[]): void {
  const seen = new Set<ModdleElement>();
  const visit = (el: ModdleElement) => {
    if (seen.has(el)) return;
    seen.add(el);
    const honoured = HONOURED_ATTRIBUTES.get(el.$type);
    for (const a of vendorAttributes(el)) {
      if ((a.uri !== CAMUNDA_NS && a.uri !== ZEEBE_NS) || honoured?.has(a.local) || REFUSED_ATTRIBUTES.has(a.local.toLowerCase())) continue;
      const why = a.known ? (REASONS[a.local] ?? 'this service does not use it') : 'it is not an attribute Camunda defines here';
      warnings.push({ elementId: nearestId(el), message: `${a.qname} is read but not honoured: ${why}` });
    }
    const kept = HONOURED_ELEMENTS.get(el.$type) ?? [];
    for (const ext of extensionValues(el)) {
      const uri = elementNamespace(ext);
      if (uri !== CAMUNDA_NS && uri !== ZEEBE_NS) continue;
      if (kept.some(([ns, local]) => isVendorElement(ext, ns, local))) continue;
      const local = String(ext.$type).split(':')[1] ?? '';
      const name = local.charAt(0).toLowerCase() + local.slice(1);
      warnings.push({ elementId: nearestId(el), message: `${String(ext.$type)} is read but not honoured: ${REASONS[name] ?? 'this service does not use it'}` });
    }
    for (const [key, value] of Object.entries(el)) {
      if (key.startsWith('$') || key === 'extensionElements') continue;
      for (const child of Array.isArray(value) ? value : [value]) {
        if (child && typeof child === 'object' && typeof (child as ModdleElement).$type === 'string' && String((child as ModdleElement).$type).startsWith('bpmn:')) visit(child as ModdleElement);
      }
    }
  };
  visit(definitions);
}

/**
 * Reads the Camunda attributes of an executable process: each user task's candidates, assignee, due date and form;
 * the process's candidate starters and the start event's `camunda:initiator`. Problems refuse the diagram (an
 * expression that could run code, a form that cannot be checked), warnings name what is read but not honoured.
 */
export function readCamundaAttributes(definitions: ModdleElement, process: ModdleElement): CamundaProcess {
  const out: CamundaProcess = {
    tasks: new Map(),
    candidateStarterGroups: splitAssignment(vendorAttr(process, CAMUNDA_NS, 'candidateStarterGroups')),
    candidateStarterUsers: splitAssignment(vendorAttr(process, CAMUNDA_NS, 'candidateStarterUsers')),
    initiatorVariable: null,
    problems: [],
    warnings: [],
  };
  for (const text of [...out.candidateStarterGroups, ...out.candidateStarterUsers]) {
    if (isVendorExpression(text)) out.problems.push({ elementId: String(process.id), message: `candidate starters must be literal group or user ids, not '${text}'` });
  }
  const forms = new Map<string, string>();
  for (const v of extensionValues(process).filter((x) => isVendorElement(x, ZEEBE_NS, 'userTaskForm'))) {
    if (str(v.id)) forms.set(String(v.id), String(v.body ?? v.$body ?? ''));
  }
  for (const el of flowElementsDeep(process)) {
    if (el.$type === 'bpmn:StartEvent' && el.$parent === process) out.initiatorVariable ??= str(vendorAttr(el, CAMUNDA_NS, 'initiator')) ?? null;
    if (HUMAN_TASK_TYPES.has(el.$type)) out.tasks.set(String(el.id), readTask(el, forms, out));
  }
  unhonoured(definitions, out.warnings);
  return out;
}
