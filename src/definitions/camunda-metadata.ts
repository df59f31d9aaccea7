// Folds what a diagram's Camunda attributes say (camunda-attributes.ts) into its SOP metadata: each step's candidates,
// assignee, due date and form, the process's candidate starters; and links the deployed forms its tasks name.
import type { ElementProblem } from '../errors.js';
import type { CamundaProcess } from '../engine/camunda-attributes.js';
import { declaredFields, formFieldsOf, type FieldReader } from '../engine/form-fields.js';
import { dueDateProblem } from '../sop/camunda-due-date.js';
import { readFormJs } from '../sop/form-js.js';
import type { SopMetadata, SopStep } from '../sop/sop-metadata.js';

/** A deployed form as a diagram links it. */
export interface LinkedForm {
  formId: string;
  version: number;
  schema: Record<string, unknown>;
}

/** One step with its Camunda data; problems name a form field declared by both sop:form and the Camunda form. */
function withCamundaStep(step: SopStep, camunda: CamundaProcess, problems: ElementProblem[], warnings: ElementProblem[]): SopStep {
  const task = camunda.tasks.get(step.elementId);
  if (!task) return step;
  const next: SopStep = { ...step };
  if (task.candidateGroups.length > 0) next.candidateGroups = task.candidateGroups;
  if (task.candidateUsers.length > 0) next.candidateUsers = task.candidateUsers;
  if (task.assignee) next.assignee = task.assignee;
  if (task.dueDate) {
    const problem = dueDateProblem(task.dueDate);
    if (problem) problems.push({ elementId: step.elementId, message: problem });
    if (step.timeStandard?.iso) warnings.push({ elementId: step.elementId, message: `the due date '${task.dueDate}' is not used: the sop:mutuBaku duration ${step.timeStandard.iso} sets dueAt` });
    else next.dueDate = task.dueDate;
  }
  for (const field of task.form) {
    if (step.form.some((f) => f.name === field.name)) problems.push({ elementId: step.elementId, message: `form field '${field.name}' is declared by sop:form and by the Camunda form` });
  }
  if (task.form.length > 0) next.form = [...step.form, ...task.form];
  if (task.formSchema) next.formSchema = task.formSchema;
  return next;
}

/**
 * The metadata with the Camunda data of its process: steps' candidates, assignee, due date (a sop:mutuBaku duration
 * wins, with a warning) and forms; the candidate starters and the initiator variable. Problems refuse the diagram.
 */
export function withCamunda(metadata: SopMetadata, camunda: CamundaProcess): { metadata: SopMetadata; problems: ElementProblem[]; warnings: ElementProblem[] } {
  const problems: ElementProblem[] = [...camunda.problems];
  const warnings: ElementProblem[] = [...camunda.warnings];
  const steps = metadata.steps.map((s) => withCamundaStep(s, camunda, problems, warnings));
  const next: SopMetadata = { ...metadata, steps };
  if (camunda.candidateStarterGroups.length > 0) next.candidateStarterGroups = camunda.candidateStarterGroups;
  if (camunda.candidateStarterUsers.length > 0) next.candidateStarterUsers = camunda.candidateStarterUsers;
  if (camunda.initiatorVariable) next.initiatorVariable = camunda.initiatorVariable;
  return { metadata: next, problems, warnings };
}

/** The forms the steps link by id (zeebe:formDefinition formId, camunda:formRef), in first-use order. */
export function linkedFormIds(camunda: CamundaProcess): Array<{ elementId: string; formId: string }> {
  return [...camunda.tasks.values()].filter((t) => t.formId).map((t) => ({ elementId: t.elementId, formId: t.formId as string }));
}

/**
 * Links each step's deployed form (the latest version of its id as this version is deployed, as a call activity's
 * `deployment` binding does): its fields become the step's form, its schema the task's formSchema. A form id nothing
 * deployed is a problem naming the task.
 */
export function linkForms(metadata: SopMetadata, links: Array<{ elementId: string; formId: string }>, forms: ReadonlyMap<string, LinkedForm>): { metadata: SopMetadata; problems: ElementProblem[]; warnings: ElementProblem[] } {
  const problems: ElementProblem[] = [];
  const warnings: ElementProblem[] = [];
  const steps = metadata.steps.map((step) => {
    const link = links.find((l) => l.elementId === step.elementId);
    if (!link) return step;
    const form = forms.get(link.formId);
    if (!form) {
      problems.push({ elementId: step.elementId, message: `form '${link.formId}' is not deployed: deploy it with POST /forms first` });
      return step;
    }
    const read = readFormJs(form.schema);
    warnings.push(...read.warnings.map((m) => ({ elementId: step.elementId, message: `form '${form.formId}': ${m}` })));
    for (const field of read.fields) {
      if (step.form.some((f) => f.name === field.name)) problems.push({ elementId: step.elementId, message: `form field '${field.name}' is declared by sop:form and by form '${form.formId}'` });
    }
    return { ...step, form: [...step.form, ...read.fields], formSchema: form.schema, formRef: { formId: form.formId, version: form.version } };
  });
  return { metadata: { ...metadata, steps }, problems, warnings };
}

/**
 * The variable analysis's field reader with the deployed forms the steps link (`zeebe:formDefinition formId`,
 * `camunda:formRef`): every form kind of FORM_FIELD_READERS, and the fields of each linked form that is deployed.
 */
export function withLinkedFormFields(links: ReadonlyArray<{ elementId: string; formId: string }>, forms: ReadonlyMap<string, LinkedForm>): FieldReader {
  return (element) => {
    const link = links.find((l) => l.elementId === element.id);
    const form = link ? forms.get(link.formId) : undefined;
    return [...formFieldsOf(element), ...(form ? declaredFields(readFormJs(form.schema).fields) : [])];
  };
}
