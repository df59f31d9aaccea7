// Camunda 8 forms (form-js JSON, @bpmn-io/form-js-viewer's schema) as this service's form fields, and the way back:
// any task's fields as a form-js schema the tasklist can render with the form-js viewer.
import { FORM_JS_DISPLAY_TYPES, FORM_JS_INPUT_TYPES } from './form-js-components.js';
import type { FormField, FormOption } from './sop-metadata.js';

/** The form-js schema version this service writes (`schemaVersion` of @bpmn-io/form-js-viewer 1.x). */
export const FORM_JS_SCHEMA_VERSION = 19;

/** A form-js component as far as this service reads it. */
interface Component {
  type?: unknown;
  key?: unknown;
  id?: unknown;
  label?: unknown;
  path?: unknown;
  subtype?: unknown;
  components?: unknown;
  values?: unknown;
  valuesKey?: unknown;
  valuesExpression?: unknown;
  defaultValue?: unknown;
  readonly?: unknown;
  disabled?: unknown;
  conditional?: unknown;
  validate?: Record<string, unknown>;
}

/** What reading a form-js schema gives: the fields, and what refuses it or is read but not honoured. */
export interface FormJsReading {
  fields: FormField[];
  problems: string[];
  warnings: string[];
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Components that only show something; they carry no value. */
const DISPLAY_ONLY: ReadonlySet<string> = new Set(FORM_JS_DISPLAY_TYPES);
const TIME = '^([01][0-9]|2[0-3]):[0-5][0-9]$';

/**
 * Why a pattern from an uploaded form may not be run against user input, or undefined: a backreference, or a
 * quantified group that itself holds a quantifier (`(a+)+`), can take exponential time on a crafted value.
 */
export function patternProblem(pattern: string): string | undefined {
  if (pattern.length > 500) return 'is longer than 500 characters';
  try {
    new RegExp(pattern);
  } catch {
    return 'is not a valid regular expression';
  }
  if (/\\[1-9]|\\k</.test(pattern)) return 'uses a backreference';
  const quantifiedInside: boolean[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '(') quantifiedInside.push(false);
    else if (c === ')') {
      const inner = quantifiedInside.pop() ?? false;
      const next = pattern[i + 1];
      if (inner && (next === '*' || next === '+' || next === '{' || next === '?')) return 'nests quantifiers (such as (a+)+), which can take exponential time';
      if (inner && quantifiedInside.length > 0) quantifiedInside[quantifiedInside.length - 1] = true;
    } else if ((c === '*' || c === '+' || c === '{') && quantifiedInside.length > 0) quantifiedInside[quantifiedInside.length - 1] = true;
  }
  return undefined;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

/** The options of a select or radio: static `values` only (options from variables or FEEL are refused). */
function readOptions(c: Component, name: string, problems: string[]): FormOption[] {
  if (c.valuesKey !== undefined || c.valuesExpression !== undefined) {
    problems.push(`'${name}': options from a variable (valuesKey, valuesExpression) are not supported; list them in values`);
    return [];
  }
  const values = Array.isArray(c.values) ? (c.values as Array<Record<string, unknown>>) : [];
  const options = values.filter((v) => typeof v?.value === 'string').map((v) => ({ value: String(v.value), label: text(v.label) ?? String(v.value) }));
  if (options.length === 0 || options.length !== values.length) problems.push(`'${name}': a ${String(c.type)} needs values, each with a text value`);
  return options;
}

/** form-js `validate` → the field's constraints; FEEL in them and validation types other than email are not read. */
function readValidate(c: Component, field: FormField, problems: string[], warnings: string[]): void {
  const v = c.validate ?? {};
  field.required = v.required === true;
  for (const key of ['min', 'max', 'minLength', 'maxLength'] as const) {
    if (v[key] === undefined) continue;
    const n = num(v[key]);
    if (n === undefined) problems.push(`'${field.name}': validate.${key} must be a number (FEEL is not read here)`);
    else field[key] = n;
  }
  const pattern = text(v.pattern);
  if (pattern) {
    const problem = patternProblem(pattern);
    if (problem) problems.push(`'${field.name}': validate.pattern ${problem}`);
    else field.pattern = pattern;
  }
  if (v.validationType !== undefined && v.validationType !== '' && v.validationType !== 'custom') warnings.push(`'${field.name}': validate.validationType '${String(v.validationType)}' is not checked on the server`);
}

/** One input component as a field; undefined (and a problem) for a kind of input the service does not take. */
function readInput(c: Component, problems: string[], warnings: string[]): FormField | undefined {
  const type = String(c.type);
  const name = typeof c.key === 'string' ? c.key : '';
  if (!IDENTIFIER.test(name)) {
    problems.push(`the ${type} '${name}' needs a key that is a variable name (letters, digits, _)`);
    return undefined;
  }
  const field: FormField = { name, label: text(c.label) ?? name, type: 'string', required: false };
  if (type === 'number') field.type = 'number';
  else if (type === 'checkbox') field.type = 'boolean';
  else if (type === 'select' || type === 'radio') {
    field.type = 'enum';
    field.options = readOptions(c, name, problems);
  } else if (type === 'datetime') {
    if (c.subtype === 'date') field.type = 'date';
    else if (c.subtype === 'time') field.pattern = TIME;
    else field.type = 'datetime';
  } else if (type !== 'textfield' && type !== 'textarea') {
    problems.push(`'${name}': form-js ${type} fields are not supported (${FORM_JS_INPUT_TYPES.join(', ')} are)`);
    return undefined;
  }
  readValidate(c, field, problems, warnings);
  if (c.readonly === true || c.disabled === true) field.readonly = true;
  else if (typeof c.readonly === 'string') warnings.push(`'${name}': a FEEL readonly is not evaluated here; the field can be entered`);
  if (typeof c.defaultValue === 'string' || typeof c.defaultValue === 'number' || typeof c.defaultValue === 'boolean') field.defaultValue = c.defaultValue;
  if (c.conditional !== undefined) warnings.push(`'${name}': conditional.hide is not evaluated here; the field is always asked for`);
  return field;
}

/**
 * Reads a form-js schema (`{components: [...]}`) into fields: textfield and textarea (string), number, checkbox
 * (boolean), select and radio (enum over static values), datetime (date, time, datetime); groups without a `path`
 * are flattened; display components carry no value. Everything else is a problem naming the component.
 */
export function readFormJs(schema: unknown): FormJsReading {
  const problems: string[] = [];
  const warnings: string[] = [];
  const fields: FormField[] = [];
  const visit = (components: unknown) => {
    for (const c of Array.isArray(components) ? (components as Component[]) : []) {
      const type = String(c?.type ?? '');
      if (DISPLAY_ONLY.has(type)) continue;
      if (type === 'group') {
        if (text(c.path)) problems.push(`group '${String(c.id ?? '')}': a group with a path (nested variables) is not supported`);
        else visit(c.components);
        continue;
      }
      const field = readInput(c, problems, warnings);
      if (!field) continue;
      if (fields.some((f) => f.name === field.name)) problems.push(`the key '${field.name}' is used twice`);
      else fields.push(field);
    }
  };
  if (typeof schema !== 'object' || schema === null || !Array.isArray((schema as { components?: unknown }).components)) {
    return { fields, problems: ['a form-js schema is a JSON object with a components list'], warnings };
  }
  visit((schema as { components: unknown }).components);
  return { fields, problems, warnings };
}

/** The choices of a required boolean rendered as form-js radio buttons (values are strings in form-js). */
const BOOLEAN_CHOICES = [
  { value: 'true', label: 'Ya' },
  { value: 'false', label: 'Tidak' },
];

/** One field as a form-js component (the inverse of readInput, but a required boolean is a Ya/Tidak radio). */
function componentOf(field: FormField): Record<string, unknown> {
  const validate: Record<string, unknown> = {};
  if (field.required) validate.required = true;
  for (const key of ['min', 'max', 'minLength', 'maxLength', 'pattern'] as const) if (field[key] !== undefined) validate[key] = field[key];
  const base: Record<string, unknown> = { id: `Field_${field.name}`, key: field.name, label: field.label };
  if (Object.keys(validate).length > 0) base.validate = validate;
  if (field.readonly) base.readonly = true;
  if (field.defaultValue !== undefined) base.defaultValue = field.defaultValue;
  switch (field.type) {
    case 'number':
      return { ...base, type: 'number', ...(field.integer ? { decimalDigits: 0 } : {}) };
    case 'boolean':
      // A required yes/no (camunda:formData boolean, e.g. `approved`) is a choice: form-js's required checkbox would
      // have to be ticked, so "no" could not be answered. The tasklist sends the picked 'true'/'false' as a boolean.
      if (field.required) {
        return { ...base, type: 'radio', values: BOOLEAN_CHOICES, ...(typeof field.defaultValue === 'boolean' ? { defaultValue: String(field.defaultValue) } : {}) };
      }
      return { ...base, type: 'checkbox' };
    case 'enum':
      return { ...base, type: 'select', values: (field.options ?? []).map((o) => ({ value: o.value, label: o.label })) };
    case 'date':
      return { ...base, type: 'datetime', subtype: 'date', dateLabel: field.label };
    case 'datetime':
      return { ...base, type: 'datetime', subtype: 'datetime', dateLabel: field.label };
    default:
      return { ...base, type: 'textfield' };
  }
}

/**
 * A form-js schema (schemaVersion 19) for fields that came from `sop:form` or `camunda:formData`, so one viewer renders
 * every task's form; `id` names the form (the task's element id). Options are those offered now (the caller's list).
 */
export function formJsSchemaOf(fields: FormField[], id: string): Record<string, unknown> {
  return { type: 'default', id, schemaVersion: FORM_JS_SCHEMA_VERSION, components: fields.map(componentOf) };
}
