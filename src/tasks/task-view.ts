// The Task JSON of the contract: the stored row joined with its step's mutu baku and the form offered now.
import type { DefinitionVersion } from '../definitions/definitions-repository.js';
import { offeredOptions } from '../sop/form-validation.js';
import { clockStartsAt } from '../sop/step-clock.js';
import type { WorkingCalendar } from '../sop/working-calendar.js';
import type { TaskRecord } from './tasks-repository.js';
import { formJsSchemaOf, readFormJs } from '../sop/form-js.js';
import type { FormField } from '../sop/sop-metadata.js';

/** A form field as the Task JSON shows it: its constraints beside name, label and type; enum options offered now. */
function fieldView(f: FormField, live: boolean, variables: Record<string, unknown>) {
  const { options: _conditional, ...rest } = f;
  return {
    ...rest,
    ...(f.type === 'enum' ? { options: (live ? offeredOptions(f, variables) : (f.options ?? [])).map((o) => ({ value: o.value, label: o.label })) } : {}),
  };
}

/**
 * The task's form as form-js JSON, so one viewer renders every task's form: the Camunda form as deployed, with the
 * fields it lacks (a sop:form beside it) converted and put first; else the fields converted; undefined when it has none.
 */
export function taskFormSchema(schema: Record<string, unknown> | undefined, form: FormField[], elementId: string): Record<string, unknown> | undefined {
  if (!schema) return form.length > 0 ? formJsSchemaOf(form, elementId) : undefined;
  const keys = new Set(readFormJs(schema).fields.map((f) => f.name));
  const missing = form.filter((f) => !keys.has(f.name));
  if (missing.length === 0) return schema;
  const components = Array.isArray(schema.components) ? (schema.components as unknown[]) : [];
  return { ...schema, components: [...(formJsSchemaOf(missing, elementId).components as unknown[]), ...components] };
}

/** The Task JSON; `calendar` is the SOP's working calendar, which says when the task's clock starts counting. */
export function taskView(task: TaskRecord, definition: DefinitionVersion, variables: Record<string, unknown>, calendar: WorkingCalendar) {
  const step = definition.metadata.steps.find((s) => s.elementId === task.elementId);
  const live = task.status === 'open' || task.status === 'claimed';
  const form = (step?.form ?? []).map((f) => fieldView(f, live, variables));
  const formSchema = taskFormSchema(step?.formSchema, form, task.elementId);
  return {
    id: task.id,
    instanceId: task.instanceId,
    definitionKey: task.definitionKey,
    version: task.version,
    elementId: task.elementId,
    name: task.name,
    step: task.step,
    role: task.role,
    candidateGroups: task.candidateGroups,
    candidateUsers: task.candidateUsers,
    assignee: task.assignee,
    status: task.status,
    createdAt: task.createdAt,
    claimedAt: task.claimedAt,
    completedAt: task.completedAt,
    startsAt: task.startsAt,
    clockStartsAt: clockStartsAt(calendar, new Date(task.createdAt), task.startsAt ? new Date(task.startsAt) : null).toISOString(),
    dueAt: task.dueAt,
    timeStandard: step?.timeStandard ?? null,
    requires: step?.requires ?? [],
    output: step?.output ?? [],
    confidential: step?.confidential ?? false,
    form,
    ...(formSchema ? { formSchema } : {}),
    documents: task.documents,
    recordedOutput: task.output,
    variables: task.variables,
    contentSealed: task.contentSealed,
    loopCounter: task.loopCounter,
    elementVariable: task.elementVariable,
  };
}

export type TaskView = ReturnType<typeof taskView>;
