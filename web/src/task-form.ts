// A task's form in the tasklist, rendered by the form-js viewer from the task's `formSchema` (a Camunda form, or the
// server's conversion of sop:form / camunda:formData fields): its values become the completion's variables, and the
// server's per-field refusals (422 details.fields) show on their fields.
import { Form } from '@bpmn-io/form-js-viewer';
import type { FormField, Task } from './types.js';

const OFFSETS: Record<string, string> = { 'Asia/Jakarta': '+07:00', 'Asia/Makassar': '+08:00', 'Asia/Jayapura': '+09:00' };

/** form-js's English validation messages in Indonesian (patterns for those carrying a value). */
const MESSAGES: Array<[RegExp, (m: RegExpExecArray) => string]> = [
  [/^Field is required\.$/, () => 'Wajib diisi.'],
  [/^Value is not a number\.$/, () => 'Harus berupa angka.'],
  [/^Value is expected to be an integer\.$/, () => 'Harus bilangan bulat.'],
  [/^Value is expected to have at most (\d+) decimal digits?\.$/, (m) => `Paling banyak ${m[1]} angka di belakang koma.`],
  [/^Field must have minimum value of (.+)\.$/, (m) => `Paling kecil ${m[1]}.`],
  [/^Field must have maximum value of (.+)\.$/, (m) => `Paling besar ${m[1]}.`],
  [/^Field must have minimum length of (.+)\.$/, (m) => `Paling sedikit ${m[1]} karakter.`],
  [/^Field must have maximum length of (.+)\.$/, (m) => `Paling banyak ${m[1]} karakter.`],
  [/^Field must match pattern (.+)\.$/, (m) => `Harus sesuai pola ${m[1]}.`],
  [/^Field must be a valid email\.$/, () => 'Harus alamat email yang sah.'],
  [/^Field must be a valid +international phone number/, () => 'Harus nomor telepon internasional yang sah, mis. +6281234567890.'],
];

/** form-js's message in Indonesian, or as it was when it is not one of the known ones. */
export function indonesianValidation(message: string): string {
  for (const [pattern, text] of MESSAGES) {
    const m = pattern.exec(message);
    if (m) return text(m);
  }
  return message;
}

interface SchemaComponent {
  key?: string;
  label?: unknown;
  dateLabel?: unknown;
  readonly?: boolean;
  components?: SchemaComponent[];
}

/** Every keyed component of a schema (through groups), by key. */
function componentsByKey(schema: Record<string, unknown>): Map<string, SchemaComponent> {
  const out = new Map<string, SchemaComponent>();
  const visit = (components: unknown) => {
    for (const c of Array.isArray(components) ? (components as SchemaComponent[]) : []) {
      if (typeof c.key === 'string') out.set(c.key, c);
      visit(c.components);
    }
  };
  visit(schema.components);
  return out;
}

/**
 * The completion variables from the viewer's data: the task's fields only, empty values left out (the server applies
 * defaults and says what is required), read-only fields never sent, and a date-time without a zone read in the SOP's
 * office time.
 */
export function completionVariables(data: Record<string, unknown>, fields: FormField[], readonly: Set<string>, timeZone: string): Record<string, unknown> {
  const variables: Record<string, unknown> = {};
  for (const field of fields) {
    const value = data[field.name];
    if (readonly.has(field.name) || field.readonly || value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0)) continue;
    if (field.type === 'datetime' && typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) {
      variables[field.name] = `${value.length === 16 ? `${value}:00` : value}${OFFSETS[timeZone] ?? 'Z'}`;
    } else if (field.type === 'boolean' && (value === 'true' || value === 'false')) {
      // A required boolean is rendered as a Ya/Tidak radio (the server's form-js conversion), whose values are strings.
      variables[field.name] = value === 'true';
    } else {
      variables[field.name] = typeof value === 'string' ? value.trim() : value;
    }
  }
  return variables;
}

interface ValidatorService {
  validateFieldInstance(fieldInstance: unknown, value: unknown): string[];
}

/** The form-js viewer of one task: read() gives the variables (null when its own checks fail), showErrors() the server's. */
export class TaskForm {
  readonly root: HTMLElement;
  private readonly form: Form;
  private readonly byKey: Map<string, SchemaComponent>;

  constructor(
    private readonly task: Task,
    private readonly timeZone: string,
  ) {
    this.root = document.createElement('div');
    this.root.id = 'task-form';
    this.root.className = 'task-form';
    const schema = task.formSchema ?? { type: 'default', components: [] };
    this.byKey = componentsByKey(schema);
    this.form = new Form({ container: this.root });
    const validator = this.form.get<ValidatorService>('validator');
    const check = validator.validateFieldInstance.bind(validator);
    validator.validateFieldInstance = (instance, value) => check(instance, value).map(indonesianValidation);
  }

  /** Renders the schema; resolves once the fields are drawn. */
  async render(): Promise<void> {
    await this.form.importSchema(this.task.formSchema ?? { type: 'default', components: [] });
  }

  /** The completion variables, or null when the viewer's own checks (required, bounds, pattern) mark fields. */
  read(): Record<string, unknown> | null {
    const { data, errors } = this.form.submit();
    if (Object.keys(errors).length > 0) return null;
    const readonly = new Set([...this.byKey].filter(([, c]) => c.readonly === true).map(([key]) => key));
    return completionVariables(data, this.task.form, readonly, this.timeZone);
  }

  /** Each field's name as the form shows it (its label, a date field's date label), by key. */
  labels(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const f of this.task.form) out[f.name] = f.label || f.name;
    for (const [key, c] of this.byKey) {
      const label = [c.label, c.dateLabel].find((l): l is string => typeof l === 'string' && l.trim() !== '');
      if (label) out[key] = label;
    }
    return out;
  }

  /** Shows the server's refusals on their fields; answers the names that are not fields of this form. */
  showErrors(fields: Array<{ name: string; message: string }>): string[] {
    const errors: Record<string, string[]> = {};
    const elsewhere: string[] = [];
    // The ids form-js gave the fields on import (a Camunda form's components may come without one).
    const registered = this.form.get<{ getAll(): Array<{ id: string; key?: string }> }>('formFieldRegistry').getAll();
    for (const f of fields) {
      const id = registered.find((c) => c.key === f.name)?.id;
      if (id) (errors[id] ??= []).push(f.message);
      else elsewhere.push(f.name);
    }
    this.form._setState({ errors });
    return elsewhere;
  }

  destroy(): void {
    this.form.destroy();
  }
}
