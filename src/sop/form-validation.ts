// Checks a completion against the step's mutu baku (kelengkapan, output) and its form fields.
import { DateTime } from 'luxon';
import { MissingDocumentsError, MissingOutputError, InvalidFormError, OutsideCalendarError, type FieldProblem } from '../errors.js';
import { isWorkingInstant, type WorkingCalendar } from './working-calendar.js';
import { latestUserInstant, parseIsoDateTime, USER_YEARS_AHEAD, userInstantProblem } from './date-window.js';
import { evaluateExpression, expressionKind } from '../engine/expressions.js';
import type { FormField, FormOption, SopStep } from './sop-metadata.js';

export interface CompletionInput {
  documents: Array<{ name: string; ref?: string; attachmentId?: string }>;
  output: Array<{ name: string; ref?: string; value?: string }>;
  variables: Record<string, unknown>;
}

const normalize = (s: string): string => s.trim().replace(/\s+/g, ' ').toLowerCase();

/** Names in `wanted` that no entry of `given` carries (case and spacing ignored). */
function missingNames(wanted: string[], given: Array<{ name: string }>): string[] {
  const have = new Set(given.map((g) => normalize(g.name)));
  return wanted.filter((w) => !have.has(normalize(w)));
}

/** The options of an enum field that the process accepts now, given the instance's variables. */
export function offeredOptions(field: FormField, variables: Record<string, unknown>): FormOption[] {
  return (field.options ?? []).filter((o) => {
    if (!o.when) return true;
    return expressionKind(o.when) !== 'literal' && Boolean(evaluateExpression(o.when, variables));
  });
}

/** A value longer than this is not matched against a form's pattern (patterns are checked for safety at deploy). */
const PATTERN_INPUT_LIMIT = 10_000;

/**
 * The constraints of Camunda formData and form-js on a value of the right type: lengths (in code points), bounds, whole
 * numbers, and a pattern matched as form-js's viewer matches it (`new RegExp(pattern).test(value)`, unanchored).
 */
function constraintProblem(field: FormField, value: unknown): string | undefined {
  if (typeof value === 'number') {
    if (field.integer && !Number.isSafeInteger(value)) return 'harus bilangan bulat';
    if (field.min !== undefined && value < field.min) return `paling kecil ${field.min}`;
    if (field.max !== undefined && value > field.max) return `paling besar ${field.max}`;
  }
  if (typeof value === 'string') {
    const length = [...value].length;
    if (field.minLength !== undefined && length < field.minLength) return `paling sedikit ${field.minLength} karakter`;
    if (field.maxLength !== undefined && length > field.maxLength) return `paling banyak ${field.maxLength} karakter`;
    if (field.pattern !== undefined && (length > PATTERN_INPUT_LIMIT || !new RegExp(field.pattern).test(value))) return `harus sesuai pola ${field.pattern}`;
  }
  return undefined;
}

/** A calendar date `YYYY-MM-DD` that exists (no 30 February), as form-js's date picker sends it. */
function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value && d.getUTCFullYear() >= 1900;
}

function checkField(field: FormField, value: unknown, variables: Record<string, unknown>, now: Date): { problem?: string; value?: unknown } {
  const typed = checkType(field, value, variables, now);
  const problem = typed.problem ?? constraintProblem(field, typed.value);
  return problem ? { problem } : typed;
}

function checkType(field: FormField, value: unknown, variables: Record<string, unknown>, now: Date): { problem?: string; value?: unknown } {
  switch (field.type) {
    case 'boolean':
      return typeof value === 'boolean' ? { value } : { problem: 'harus true atau false' };
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? { value } : { problem: 'harus berupa angka' };
    case 'date': {
      if (!isCalendarDate(value)) return { problem: 'harus tanggal YYYY-MM-DD yang ada, mis. 2026-01-05' };
      if (userInstantProblem(Date.parse(`${value}T00:00:00Z`), now)) return { problem: `harus antara 1900-01-01 dan ${new Date(latestUserInstant(now)).toISOString().slice(0, 10)}` };
      return { value };
    }
    case 'enum': {
      const offered = offeredOptions(field, variables);
      if (typeof value === 'string' && offered.some((o) => o.value === value)) return { value };
      return { problem: `harus salah satu dari: ${offered.map((o) => o.value).join(', ')}` };
    }
    case 'datetime': {
      const t = typeof value === 'string' ? parseIsoDateTime(value) : undefined;
      if (t === undefined) return { problem: 'harus tanggal dan jam ISO 8601 dengan zona waktu, mis. 2026-01-05T09:00:00+07:00' };
      // The window of dates a user may set (DESIGN.md): a far date would reach a step's working-time clock.
      if (userInstantProblem(t, now)) return { problem: `harus antara 1900-01-01 dan ${new Date(latestUserInstant(now)).toISOString().slice(0, 10)} (paling lama ${USER_YEARS_AHEAD} tahun ke depan)` };
      return { value: new Date(t).toISOString() };
    }
    default:
      return typeof value === 'string' ? { value } : { problem: 'harus berupa teks' };
  }
}

/** A scheduled time must fall on a working day of the calendar and start inside one of the field's slots. */
function outsideSlots(field: FormField, iso: string, calendar: WorkingCalendar): string | undefined {
  if (!field.slots) return undefined;
  const at = new Date(iso);
  const local = DateTime.fromJSDate(at, { zone: calendar.timeZone }).toFormat('HH:mm');
  const windows = field.slots.map((s) => `${s.start}-${s.end}`).join(', ');
  if (!isWorkingInstant(calendar, at) || !field.slots.some((s) => s.start <= local && local < s.end)) {
    return `harus pada hari kerja pukul ${windows} (${calendar.timeZone}); ${local} tidak termasuk`;
  }
  return undefined;
}

/**
 * Validates a completion in the contract's order: documents, then output, then form fields, then
 * scheduled times against the calendar. Returns the form values to store (datetimes normalised to UTC). A datetime
 * must be a date a user may set at `now`: 1900 or later and at most five years ahead.
 */
export function validateCompletion(step: SopStep | undefined, input: CompletionInput, variables: Record<string, unknown>, calendar: WorkingCalendar, now: Date): Record<string, unknown> {
  const missingDocs = missingNames(step?.requires ?? [], input.documents);
  if (missingDocs.length > 0) throw new MissingDocumentsError(missingDocs);
  const missingOut = missingNames(step?.output ?? [], input.output);
  if (missingOut.length > 0) throw new MissingOutputError(missingOut);

  const fields = step?.form ?? [];
  const problems: FieldProblem[] = [];
  const values: Record<string, unknown> = {};
  for (const name of Object.keys(input.variables)) {
    if (!fields.some((f) => f.name === name)) problems.push({ name, message: 'bukan isian formulir langkah ini' });
  }
  for (const field of fields) {
    const sent = Object.hasOwn(input.variables, field.name) ? input.variables[field.name] : undefined;
    if (field.readonly && sent !== undefined) {
      problems.push({ name: field.name, message: 'hanya untuk dibaca: tidak boleh diisi' });
      continue;
    }
    const raw = sent === undefined ? field.defaultValue : sent;
    if (raw === undefined || raw === null || raw === '') {
      if (field.required) problems.push({ name: field.name, message: 'wajib diisi' });
      continue;
    }
    const checked = checkField(field, raw, variables, now);
    if (checked.problem) problems.push({ name: field.name, message: checked.problem });
    else values[field.name] = checked.value;
  }
  if (problems.length > 0) throw new InvalidFormError(problems);
  const outside: FieldProblem[] = [];
  for (const field of fields) {
    const value = values[field.name];
    const problem = field.type === 'datetime' && typeof value === 'string' ? outsideSlots(field, value, calendar) : undefined;
    if (problem) outside.push({ name: field.name, message: problem });
  }
  if (outside.length > 0) throw new OutsideCalendarError(outside);
  return values;
}
