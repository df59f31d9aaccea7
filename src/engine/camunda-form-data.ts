// Camunda 7's generated task forms (`camunda:formData`) as this service's form fields, checked on the server the same
// way as `sop:form` (Camunda 7 user guide, "Generated Task Forms": types, validation constraints, default values).
import type { ModdleElement } from 'bpmn-moddle';
import type { ElementProblem } from '../errors.js';
import type { FormField, FormFieldType } from '../sop/sop-metadata.js';
import { patternProblem } from '../sop/form-js.js';
import { RESERVED_VARIABLE_NAMES } from './diagram-lockdown.js';
import { isVendorExpression } from './vendor-expression.js';

/** Camunda 7's built-in form field types and the service's types they become. */
const TYPES: Readonly<Record<string, FormFieldType>> = { string: 'string', long: 'number', boolean: 'boolean', date: 'datetime', enum: 'enum' };
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

const list = (v: unknown): ModdleElement[] => (Array.isArray(v) ? (v as ModdleElement[]) : []);

/** A constraint's number (`config`); a problem when it is not one. */
function configNumber(field: FormField, name: string, config: unknown, problems: string[]): number | undefined {
  const n = typeof config === 'string' && config.trim() !== '' ? Number(config) : Number.NaN;
  if (Number.isFinite(n)) return n;
  problems.push(`constraint ${name} of '${field.name}' needs a number as its config`);
  return undefined;
}

/** Applies one `camunda:constraint`; returns a warning for a constraint that is read but not honoured. */
function applyConstraint(field: FormField, constraint: ModdleElement, problems: string[]): string | undefined {
  const name = String(constraint.name ?? '').toLowerCase();
  const config = constraint.config;
  if (name === 'required') field.required = true;
  else if (name === 'readonly') field.readonly = true;
  else if (name === 'minlength' || name === 'maxlength') {
    const n = configNumber(field, name, config, problems);
    if (n !== undefined) field[name === 'minlength' ? 'minLength' : 'maxLength'] = n;
  } else if (name === 'min' || name === 'max') {
    const n = configNumber(field, name, config, problems);
    if (n !== undefined) field[name] = n;
  } else if (name === 'pattern' && typeof config === 'string') {
    const problem = patternProblem(config);
    if (problem) problems.push(`constraint pattern of '${field.name}' ${problem}`);
    else field.pattern = config;
  } else return `constraint '${String(constraint.name)}' of '${field.name}' is read but not honoured (a custom validator is code, which is not run)`;
  return undefined;
}

/** A literal default as the field's type takes it; an expression or a mistyped value is a warning and no default. */
function applyDefault(field: FormField, value: unknown, warnings: string[]): void {
  if (typeof value !== 'string' || value === '') return;
  if (isVendorExpression(value)) {
    warnings.push(`defaultValue of '${field.name}' is an expression, which is not evaluated for forms here`);
    return;
  }
  if (field.type === 'boolean' && (value === 'true' || value === 'false')) field.defaultValue = value === 'true';
  else if (field.type === 'number' && /^-?\d+$/.test(value)) field.defaultValue = Number(value);
  else if (field.type === 'string' || (field.type === 'enum' && field.options?.some((o) => o.value === value))) field.defaultValue = value;
  else warnings.push(`defaultValue '${value}' of '${field.name}' does not fit its type and is ignored`);
}

function readField(f: ModdleElement, problems: string[], warnings: string[]): FormField | undefined {
  const name = String(f.id ?? '');
  if (!IDENTIFIER.test(name) || RESERVED_VARIABLE_NAMES.has(name)) {
    problems.push(`form field id '${name}' must be a variable name and not a reserved name`);
    return undefined;
  }
  const written = typeof f.type === 'string' && f.type !== '' ? f.type : 'string';
  const type = TYPES[written];
  if (!type) {
    problems.push(`form field '${name}' has type '${written}': Camunda's string, long, boolean, date and enum are supported`);
    return undefined;
  }
  const field: FormField = { name, label: typeof f.label === 'string' && f.label.trim() ? f.label.trim() : name, type, required: false };
  if (written === 'long') field.integer = true;
  if (type === 'enum') {
    field.options = list(f.values).map((v) => ({ value: String(v.id ?? ''), label: typeof v.name === 'string' && v.name ? v.name : String(v.id ?? '') }));
    if (field.options.length === 0) problems.push(`enum field '${name}' has no camunda:value`);
  }
  for (const c of list((f.validation as ModdleElement | undefined)?.constraints)) {
    const warning = applyConstraint(field, c, problems);
    if (warning) warnings.push(warning);
  }
  applyDefault(field, f.defaultValue, warnings);
  if (f.datePattern !== undefined) warnings.push(`datePattern of '${name}' is read but not honoured: dates are ISO 8601 here`);
  if (list((f.properties as ModdleElement | undefined)?.values).length > 0) warnings.push(`camunda:properties of '${name}' are read but not honoured`);
  return field;
}

/**
 * The fields of a `camunda:formData`: types string, long (a whole number), boolean, date (an ISO 8601 instant) and
 * enum (its `camunda:value`s); constraints required, readonly, minlength, maxlength, min, max (and pattern); literal
 * default values. Problems and warnings name the task `elementId`.
 */
export function readCamundaFormData(formData: ModdleElement, elementId: string, problems: ElementProblem[], warnings: ElementProblem[]): FormField[] {
  const fieldProblems: string[] = [];
  const fieldWarnings: string[] = [];
  const fields: FormField[] = [];
  for (const f of list(formData.fields)) {
    const field = readField(f, fieldProblems, fieldWarnings);
    if (!field) continue;
    if (fields.some((x) => x.name === field.name)) fieldProblems.push(`form field '${field.name}' is declared twice`);
    else fields.push(field);
  }
  if (typeof formData.businessKey === 'string') fieldWarnings.push('camunda:formData businessKey is read but not honoured: the business key is given when a case starts');
  problems.push(...fieldProblems.map((message) => ({ elementId, message })));
  warnings.push(...fieldWarnings.map((message) => ({ elementId, message })));
  return fields;
}
