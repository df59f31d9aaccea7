// The variables a flow node's form sets, whatever kind of form it is, as the deploy-time variable analysis reads them.
import type { ModdleElement } from 'bpmn-moddle';
import type { FormField } from '../sop/sop-metadata.js';
import { camundaFormDataFields, embeddedFormFields } from './camunda-attributes.js';

/** What a declared variable holds, as far as the diagram says: `any` when it does not. */
export type FieldKind = 'string' | 'boolean' | 'number' | 'date' | 'enum' | 'any';

/** A variable a form field (or another declaration) sets. */
export interface DeclaredField {
  name: string;
  kind: FieldKind;
  /** The values an enum field takes. */
  options?: string[];
  /** Whether a value is always given (a form field marked required); an optional one may stay unset. */
  required: boolean;
}

/** Lists the fields one kind of form on a flow node declares; [] when the node has none of that kind. */
export type FieldReader = (element: ModdleElement) => DeclaredField[];

const SOP_KINDS: Record<string, FieldKind> = { string: 'string', boolean: 'boolean', enum: 'enum', datetime: 'date', number: 'number' };

function extensionValues(el: ModdleElement): ModdleElement[] {
  return ((el.extensionElements as ModdleElement | undefined)?.values as ModdleElement[] | undefined) ?? [];
}

/** The fields of a `sop:form` (on a task or a start event). */
export function sopFormFields(element: ModdleElement): DeclaredField[] {
  const fields: DeclaredField[] = [];
  for (const form of extensionValues(element).filter((v) => v.$type === 'sop:Form')) {
    for (const f of (form.fields as ModdleElement[] | undefined) ?? []) {
      const kind = SOP_KINDS[String(f.type ?? 'string')] ?? 'any';
      const field: DeclaredField = { name: String(f.name ?? ''), kind, required: f.required === true };
      if (kind === 'enum') field.options = ((f.options as ModdleElement[] | undefined) ?? []).map((o) => String(o.value ?? ''));
      fields.push(field);
    }
  }
  return fields;
}

const FORM_FIELD_KINDS: Record<FormField['type'], FieldKind> = { string: 'string', boolean: 'boolean', enum: 'enum', datetime: 'date', date: 'date', number: 'number' };

/** A form field as the step's form declares it (sop-metadata.ts), read as the variable it sets. */
export function declaredFields(fields: readonly FormField[]): DeclaredField[] {
  return fields.map((f) => {
    const field: DeclaredField = { name: f.name, kind: FORM_FIELD_KINDS[f.type], required: f.required };
    if (f.type === 'enum') field.options = (f.options ?? []).map((o) => o.value);
    return field;
  });
}

/**
 * Every kind of form a diagram carries on its flow nodes. A new kind (Camunda 7's `camunda:formData`, a form-js
 * form embedded with `zeebe:userTaskForm`) adds its reader here; a form deployed beside the diagram (`zeebe:formDefinition
 * formId`) is passed to the analysis through its `fieldsOf` option instead, since reading it needs the database.
 */
export const FORM_FIELD_READERS: FieldReader[] = [
  sopFormFields,
  (element) => declaredFields(camundaFormDataFields(element)),
  (element) => declaredFields(embeddedFormFields(element)),
];

/** The fields every form kind of FORM_FIELD_READERS declares on `element`. */
export function formFieldsOf(element: ModdleElement): DeclaredField[] {
  return FORM_FIELD_READERS.flatMap((read) => read(element));
}
