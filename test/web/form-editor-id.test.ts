// The modeler's Indonesian tables (bpmn-js and its properties panel, the form-js editor) leave no English in what they
// map; the form editor's palette keeps exactly the form-js types the server's reading accepts; the zeebe descriptor
// loads beside Camunda 7's.
import fs from 'node:fs';
import { BpmnModdle } from 'bpmn-moddle';
import t from 'tap';
import camunda from 'camunda-bpmn-moddle/resources/camunda.json' with { type: 'json' };
import zeebe from 'zeebe-bpmn-moddle/resources/zeebe.json' with { type: 'json' };
import { zeebeBesideCamunda } from '../../src/engine/zeebe-descriptor.js';
import { FORM_JS_ACCEPTED_TYPES, FORM_JS_INPUT_TYPES } from '../../src/sop/form-js-components.js';
import { readFormJs } from '../../src/sop/form-js.js';
import { FORM_EDITOR_TEXTS, FormEditorIdModule, translateFormEditor } from '../../web/src/form-editor-id.js';
import { MODELER_TEXTS, translateModeler } from '../../web/src/modeler-id.js';

/** Words the same in both languages. */
const SAME = new Set(['ID', 'Label', 'Minimum', 'Maximum', 'iFrame']);
/** Names owners know from Camunda Modeler, kept as they are (modeler-id.ts's rule). */
const TERMS = /Camunda Forms|(Execution|Task) listeners/g;
/** English words that must not be left in a translation once parenthesised attribute names and ${…} are set aside. */
const ENGLISH = /\b(the|and|or|of|to|an?|is|with|as|by|this|that|select|field|forms?|drag|drop|components?|search|date|due|users?|groups?|value|type|key|required|link|learn|more|specify|list|task|build|start|typing|expression|version|custom|options?|text|view|number|table|button|spacer|separator)\b/i;
const english = (value: string) => ENGLISH.exec(value.replace(TERMS, '').replace(/\([^)]*\)/g, '').replace(/\$\{[^}]*\}/g, '').replace(/"[^"]*"/g, ''))?.[0];

for (const [name, table] of [
  ['form editor', FORM_EDITOR_TEXTS],
  ['modeler', MODELER_TEXTS],
] as const) {
  t.test(`the ${name} table leaves no English in what it maps`, async (t) => {
    const left = Object.entries(table).filter(([key, value]) => (value === key && !SAME.has(key) && !/^<.*>$|^\W*$/.test(key)) || english(value) !== undefined);
    t.same(left, [], 'every mapped text is Indonesian');
  });
}

t.test('the descriptions owners read most are mapped (assignment, forms, due date)', async (t) => {
  for (const key of [
    'Specify more than one group as a comma separated list.',
    'The due date as an EL expression (e.g. ${someDate}) or an ISO date (e.g. 2015-06-26T09:54:00).',
    'Link or embed a form created with the Camunda Forms editor. To associate a custom form, application, or URL to the user task, specify a form key. ',
    'Define the assignment, schedule, and priority of the user task. Assignee, candidate groups, and candidate users can be combined. Use due date and follow-up date to express deadlines and urgency. ',
  ]) {
    t.not(translateModeler(key), key, key.slice(0, 40));
  }
  t.match(translateModeler('The due date as an EL expression (e.g. ${someDate}) or an ISO date (e.g. 2015-06-26T09:54:00).'), /\$\{tanggalBatas\}/, 'an expression example is no placeholder');
  t.equal(translateFormEditor('Search components'), 'Cari komponen');
  t.equal(translateFormEditor('List contains {numOfItems} items', { numOfItems: '2' }), 'List contains 2 items', 'an unmapped text stays, its placeholders filled');
  t.equal(translateFormEditor('{x}'), '{x}', 'a placeholder without a value stays');
});

t.test('the form editor palette keeps the types the server reads, and drops those it refuses', async (t) => {
  const registry: Record<string, unknown> = {};
  for (const type of ['default', ...FORM_JS_ACCEPTED_TYPES, 'checklist', 'taglist', 'filepicker', 'dynamiclist', 'expression']) registry[type] = {};
  const [, AcceptedFormFields] = FormEditorIdModule.acceptedFormFields;
  t.same((AcceptedFormFields as { $inject: string[] }).$inject, ['formFields']);
  (AcceptedFormFields as (f: { _formFields: Record<string, unknown> }) => void)({ _formFields: registry });
  t.same(Object.keys(registry).sort(), ['default', ...FORM_JS_ACCEPTED_TYPES].sort(), 'what the palette can list');
  t.equal(FormEditorIdModule.translate[1], translateFormEditor);

  // The server's reading agrees: every kept type deploys, every dropped one is refused by name.
  for (const type of FORM_JS_ACCEPTED_TYPES) {
    const component: Record<string, unknown> = { type, key: 'x', id: 'c' };
    if (type === 'select' || type === 'radio') component.values = [{ value: 'a', label: 'A' }];
    if (type === 'group') component.components = [];
    t.same(readFormJs({ components: [component] }).problems, [], `${type} is read`);
  }
  t.equal(readFormJs({ components: FORM_JS_INPUT_TYPES.map((type, i) => ({ type, key: `k${i}`, values: [{ value: 'a' }] })) }).fields.length, FORM_JS_INPUT_TYPES.length, 'each input type is a field');
  for (const type of ['checklist', 'taglist', 'filepicker', 'dynamiclist', 'expression']) {
    t.match(readFormJs({ components: [{ type, key: 'x' }] }).problems, [new RegExp(`form-js ${type} fields are not supported`)], `${type} is refused`);
  }
});

t.test('zeebe beside camunda: a Camunda 8 file parses into typed zeebe: elements', async (t) => {
  const xml = fs.readFileSync(new URL('../definitions/camunda-modeler/loan-approval-c8.bpmn', import.meta.url), 'utf8');
  const clash = await new BpmnModdle({ camunda, zeebe }).fromXML(xml);
  t.match(clash.warnings.map((w) => w.message).join('\n'), /modelerTemplate> already defined/, 'the two descriptors as published clash');
  const { rootElement, warnings } = await new BpmnModdle({ camunda, zeebe: zeebeBesideCamunda(zeebe) }).fromXML(xml);
  t.same(warnings, []);
  const process = (rootElement as unknown as { rootElements: Array<{ flowElements: Array<{ id: string; extensionElements?: { values: Array<{ $type: string }> } }> }> }).rootElements[0];
  const assess = process?.flowElements.find((e) => e.id === 'assess');
  t.same(assess?.extensionElements?.values.map((v) => v.$type), ['zeebe:UserTask', 'zeebe:FormDefinition', 'zeebe:AssignmentDefinition', 'zeebe:TaskSchedule', 'zeebe:TaskHeaders']);
});
