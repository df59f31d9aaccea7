// Camunda forms become the service's form fields and back (form-js JSON), are checked on the server field by field,
// and Camunda due dates and assignments resolve per case; without the database.
import t from 'tap';
import type { ModdleElement } from 'bpmn-moddle';
import { parseBpmn } from '../../src/engine/bpmn-parser.js';
import { readCamundaFormData } from '../../src/engine/camunda-form-data.js';
import { FORM_JS_SCHEMA_VERSION, formJsSchemaOf, patternProblem, readFormJs } from '../../src/sop/form-js.js';
import { validateCompletion } from '../../src/sop/form-validation.js';
import { camundaDueAt, dueDateProblem } from '../../src/sop/camunda-due-date.js';
import { defaultCalendar } from '../../src/sop/working-calendar.js';
import { assignmentVariables, resolveAssignment } from '../../src/tasks/task-assignment.js';
import type { FormField, SopStep } from '../../src/sop/sop-metadata.js';
import { ActivityFailedError, InvalidFormError } from '../../src/errors.js';

const NOW = new Date('2026-03-02T01:00:00Z');
const calendar = defaultCalendar('wib');

async function formData(fields: string) {
  const xml = `<?xml version="1.0"?><bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d">
    <bpmn:process id="p" isExecutable="true"><bpmn:userTask id="u"><bpmn:extensionElements><camunda:formData businessKey="bk">${fields}</camunda:formData></bpmn:extensionElements></bpmn:userTask></bpmn:process></bpmn:definitions>`;
  const parsed = await parseBpmn(xml);
  const task = parsed.elementsById.u as ModdleElement;
  const form = ((task.extensionElements as ModdleElement).values as ModdleElement[])[0] as ModdleElement;
  const problems: Array<{ elementId: string; message: string }> = [];
  const warnings: Array<{ elementId: string; message: string }> = [];
  return { fields: readCamundaFormData(form, 'u', problems, warnings), problems: problems.map((p) => p.message), warnings: warnings.map((w) => w.message) };
}

const step = (form: FormField[]): SopStep => ({ elementId: 'u', no: '', activity: 'u', role: null, roleName: null, initiator: false, requires: [], output: [], timeStandard: null, confidential: false, startsAt: null, note: null, form });
const complete = (form: FormField[], variables: Record<string, unknown>) => validateCompletion(step(form), { documents: [], output: [], variables }, {}, calendar, NOW);
function formErrors(form: FormField[], variables: Record<string, unknown>): Array<{ name: string; message: string }> {
  try {
    complete(form, variables);
    return [];
  } catch (err) {
    if (err instanceof InvalidFormError) return (err.details as { fields: Array<{ name: string; message: string }> }).fields;
    throw err;
  }
}

t.test('camunda:formData: types, constraints and defaults as Camunda 7 generates its forms', async (t) => {
  const r = await formData(`
    <camunda:formField id="name" label="Name" type="string" defaultValue="Ani"><camunda:validation><camunda:constraint name="required"/><camunda:constraint name="minlength" config="2"/><camunda:constraint name="maxlength" config="5"/><camunda:constraint name="pattern" config="^[A-Z]"/></camunda:validation></camunda:formField>
    <camunda:formField id="count" type="long" defaultValue="3"><camunda:validation><camunda:constraint name="min" config="1"/><camunda:constraint name="max" config="9"/><camunda:constraint name="validator" config="org.Custom"/></camunda:validation></camunda:formField>
    <camunda:formField id="ok" type="boolean" defaultValue="true"/>
    <camunda:formField id="kind" type="enum" defaultValue="b"><camunda:value id="a" name="A"/><camunda:value id="b"/></camunda:formField>
    <camunda:formField id="when" type="date" datePattern="dd/MM/yyyy" defaultValue="\${today}"/>
    <camunda:formField id="shown" type="string" defaultValue="fixed"><camunda:properties><camunda:property id="p" value="v"/></camunda:properties><camunda:validation><camunda:constraint name="readonly"/></camunda:validation></camunda:formField>
    <camunda:formField id="odd" type="long" defaultValue="many"/>
    <camunda:formField id="untyped"/>`);
  t.same(r.problems, []);
  t.match(r.fields, [
    { name: 'name', label: 'Name', type: 'string', required: true, minLength: 2, maxLength: 5, pattern: '^[A-Z]', defaultValue: 'Ani' },
    { name: 'count', type: 'number', integer: true, min: 1, max: 9, defaultValue: 3 },
    { name: 'ok', type: 'boolean', defaultValue: true },
    { name: 'kind', type: 'enum', options: [{ value: 'a', label: 'A' }, { value: 'b', label: 'b' }], defaultValue: 'b' },
    { name: 'when', type: 'datetime' },
    { name: 'shown', readonly: true, defaultValue: 'fixed' },
    { name: 'odd', type: 'number' },
    { name: 'untyped', type: 'string', label: 'untyped' },
  ]);
  for (const expected of [/constraint 'validator' of 'count' is read but not honoured/, /defaultValue of 'when' is an expression/, /datePattern of 'when'/, /camunda:properties of 'shown'/, /defaultValue 'many' of 'odd' does not fit/, /businessKey is read but not honoured/]) {
    t.ok(r.warnings.some((w) => expected.test(w)), String(expected));
  }

  t.same(complete(r.fields, { count: 4 }), { name: 'Ani', count: 4, ok: true, kind: 'b', shown: 'fixed' }, 'defaults fill what is left out');
  t.match(formErrors(r.fields, { name: 'abc', count: 12, shown: 'x' }), [
    { name: 'name', message: 'harus sesuai pola ^[A-Z]' },
    { name: 'count', message: 'paling besar 9' },
    { name: 'shown', message: 'hanya untuk dibaca: tidak boleh diisi' },
  ]);
  t.match(formErrors(r.fields, { name: 'A', count: 2.5 }), [{ name: 'name', message: 'paling sedikit 2 karakter' }, { name: 'count', message: 'harus bilangan bulat' }]);
  t.match(formErrors(r.fields, { name: 'Abcdef' }), [{ name: 'name', message: 'paling banyak 5 karakter' }]);
});

t.test('camunda:formData that cannot be checked is refused naming the field', async (t) => {
  const r = await formData(`
    <camunda:formField id="a b" type="string"/>
    <camunda:formField id="x" type="customType"/>
    <camunda:formField id="e" type="enum"/>
    <camunda:formField id="n" type="long"><camunda:validation><camunda:constraint name="min" config="lots"/><camunda:constraint name="pattern" config="(a+)+$"/></camunda:validation></camunda:formField>
    <camunda:formField id="n" type="string"/>`);
  t.same(r.problems, [
    "form field id 'a b' must be a variable name and not a reserved name",
    "form field 'x' has type 'customType': Camunda's string, long, boolean, date and enum are supported",
    "enum field 'e' has no camunda:value",
    "constraint min of 'n' needs a number as its config",
    "constraint pattern of 'n' nests quantifiers (such as (a+)+), which can take exponential time",
    "form field 'n' is declared twice",
  ]);
});

t.test('form-js schemas: the components the server checks, and the way back', async (t) => {
  const schema = {
    id: 'f',
    components: [
      { type: 'textfield', key: 'nama', label: 'Nama', validate: { required: true, minLength: 2, maxLength: 20, pattern: '^[A-Za-z ]+$', validationType: 'email' } },
      { type: 'textarea', key: 'catatan', readonly: '=locked' },
      { type: 'number', key: 'jumlah', validate: { min: 0, max: 10 }, defaultValue: 1 },
      { type: 'checkbox', key: 'setuju', disabled: true },
      { type: 'select', key: 'pilih', values: [{ value: 'a', label: 'A' }, { value: 'b' }], conditional: { hide: '=x' } },
      { type: 'radio', key: 'r', values: [{ value: 'y', label: 'Ya' }] },
      { type: 'datetime', subtype: 'date', key: 'tgl' },
      { type: 'datetime', subtype: 'time', key: 'jam' },
      { type: 'datetime', subtype: 'datetime', key: 'kapan' },
      { type: 'group', id: 'g', components: [{ type: 'textfield', key: 'dalam' }, { type: 'text', text: 'info' }] },
      { type: 'spacer' },
    ],
  };
  const read = readFormJs(schema);
  t.same(read.problems, []);
  t.match(read.fields, [
    { name: 'nama', type: 'string', required: true, minLength: 2, maxLength: 20, pattern: '^[A-Za-z ]+$' },
    { name: 'catatan', type: 'string' },
    { name: 'jumlah', type: 'number', min: 0, max: 10, defaultValue: 1 },
    { name: 'setuju', type: 'boolean', readonly: true },
    { name: 'pilih', type: 'enum', options: [{ value: 'a', label: 'A' }, { value: 'b', label: 'b' }] },
    { name: 'r', type: 'enum' },
    { name: 'tgl', type: 'date' },
    { name: 'jam', type: 'string', pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' },
    { name: 'kapan', type: 'datetime' },
    { name: 'dalam', type: 'string' },
  ]);
  t.same(read.warnings, [
    "'nama': validate.validationType 'email' is not checked on the server",
    "'catatan': a FEEL readonly is not evaluated here; the field can be entered",
    "'pilih': conditional.hide is not evaluated here; the field is always asked for",
  ]);
  t.match(formErrors(read.fields, { nama: 'Budi', tgl: '2026-02-30', jam: '25:00', jumlah: 11 }), [
    { name: 'jumlah', message: 'paling besar 10' },
    { name: 'tgl', message: /YYYY-MM-DD/ },
    { name: 'jam', message: /pola/ },
  ]);
  t.match(formErrors(read.fields, { nama: 'Budi', tgl: '2040-01-01' }), [{ name: 'tgl', message: /antara 1900-01-01/ }]);
  t.match(complete(read.fields, { nama: 'Budi', tgl: '2026-03-20', jam: '09:30' }), { nama: 'Budi', tgl: '2026-03-20', jam: '09:30', jumlah: 1 });

  const back = formJsSchemaOf(read.fields, 'u');
  t.match(back, { type: 'default', id: 'u', schemaVersion: FORM_JS_SCHEMA_VERSION });
  t.match((back.components as unknown[]).map((c) => (c as { type: string }).type), ['textfield', 'textfield', 'number', 'checkbox', 'select', 'select', 'datetime', 'textfield', 'datetime', 'textfield']);
  t.match(formJsSchemaOf([{ name: 'n', label: 'N', type: 'number', required: true, integer: true }], 'x').components, [{ type: 'number', decimalDigits: 0, validate: { required: true } }]);
  t.match(
    formJsSchemaOf([{ name: 'ok', label: 'OK?', type: 'boolean', required: true, defaultValue: false }], 'x').components,
    [{ type: 'radio', key: 'ok', values: [{ value: 'true' }, { value: 'false' }], defaultValue: 'false', validate: { required: true } }],
    'a required boolean is a Ya/Tidak choice, not a checkbox that must be ticked',
  );
  t.notOk('defaultValue' in (formJsSchemaOf([{ name: 'ok', label: 'OK?', type: 'boolean', required: true }], 'x').components as Array<Record<string, unknown>>)[0]!, 'no default when none is set');
});

t.test('form-js components the server cannot check are refused', async (t) => {
  t.same(readFormJs(null).problems, ['a form-js schema is a JSON object with a components list']);
  const read = readFormJs({
    components: [
      { type: 'textfield', key: 'a.b' },
      { type: 'checklist', key: 'many' },
      { type: 'select', key: 's', valuesKey: 'options' },
      { type: 'radio', key: 'r', values: [{ label: 'no value' }] },
      { type: 'group', id: 'g', path: 'nested', components: [] },
      { type: 'number', key: 'n', validate: { min: '=x' } },
      { type: 'textfield', key: 'p', validate: { pattern: '(\\d*)*x' } },
      { type: 'textfield', key: 'p' },
    ],
  });
  t.same(read.problems, [
    "the textfield 'a.b' needs a key that is a variable name (letters, digits, _)",
    "'many': form-js checklist fields are not supported (textfield, textarea, number, checkbox, select, radio, datetime are)",
    "'s': options from a variable (valuesKey, valuesExpression) are not supported; list them in values",
    "'r': a radio needs values, each with a text value",
    "group 'g': a group with a path (nested variables) is not supported",
    "'n': validate.min must be a number (FEEL is not read here)",
    "'p': validate.pattern nests quantifiers (such as (a+)+), which can take exponential time",
    "the key 'p' is used twice",
  ]);
  t.equal(patternProblem('^(ab)+[a-z-]{2,8}$'), undefined, 'a quantified group without a quantifier inside is fine');
  t.match(patternProblem('^[a-z]+(-[a-z]+)*$'), /nests quantifiers/, 'star height two is refused even when unambiguous: the check is conservative');
  t.match(patternProblem('('), /not a valid regular expression/);
  t.match(patternProblem('(a)\\1'), /backreference/);
  t.match(patternProblem('x'.repeat(501)), /longer than 500/);
  t.match(patternProblem('((a+)b)+'), /nests quantifiers/, 'a quantifier deeper inside counts too');
});

t.test('Camunda due dates: a date-time, a date in the SOP zone, a duration in working or wall time, or an expression', async (t) => {
  t.equal(dueDateProblem('2026-03-05T10:00:00+07:00'), undefined);
  t.equal(dueDateProblem('2026-03-05'), undefined);
  t.equal(dueDateProblem('P3D'), undefined);
  t.equal(dueDateProblem('${due}'), undefined);
  t.match(dueDateProblem('P2Y'), /duration/);
  t.match(dueDateProblem('next week'), /must be an ISO 8601 date-time/);
  const created = new Date('2026-03-06T08:00:00Z'); // Friday 15:00 WIB
  t.equal(camundaDueAt('u', '2026-03-09T10:00:00+07:00', {}, calendar, created, true).toISOString(), '2026-03-09T03:00:00.000Z');
  t.equal(camundaDueAt('u', '2026-03-09', {}, calendar, created, true).toISOString(), '2026-03-08T17:00:00.000Z', 'midnight in Asia/Jakarta');
  t.equal(camundaDueAt('u', 'PT2H', {}, calendar, created, false).toISOString(), '2026-03-06T10:00:00.000Z', 'wall time');
  t.equal(camundaDueAt('u', 'PT2H', {}, calendar, created, true).toISOString(), '2026-03-09T01:00:00.000Z', 'working time: Friday closes 16:30, Monday opens 07:30');
  t.equal(camundaDueAt('u', '=deadline', { deadline: 'P1D' }, calendar, created, false).toISOString(), '2026-03-07T08:00:00.000Z');
  t.throws(() => camundaDueAt('u', '${deadline}', { deadline: 42 }, calendar, created, false), ActivityFailedError);
  t.throws(() => camundaDueAt('u', '${deadline}', {}, calendar, created, false), ActivityFailedError);
});

t.test('a Camunda assignment resolves per case: lists, expressions, the starter', async (t) => {
  const vars = assignmentVariables({ initiatorVariable: 'starter' }, { team: ['a', 'b', 7], lead: 'boss', initiator: 'spoofed' }, 'u-1');
  t.equal(vars.initiator, 'u-1', 'initiator is always the starter');
  t.equal(vars.starter, 'u-1');
  const s = { ...step([]), candidateGroups: ['staff', '${team}', '=missing'], candidateUsers: ['x, y'], assignee: '${lead}' };
  t.same(resolveAssignment(s, vars), { candidateGroups: ['staff', 'a', 'b'], candidateUsers: ['x', 'y', 'boss'], assignee: 'boss' });
  t.same(resolveAssignment(undefined, vars), { candidateGroups: [], candidateUsers: [], assignee: null });
  t.same(assignmentVariables({}, {}, 'u-2'), { initiator: 'u-2' });
});
