// A Camunda 8 file in the modeler, in Chromium: the form editor offers only the form-js components the server accepts
// and speaks Indonesian, and saves an edited form to the task's zeebe:formDefinition; an SOP edit deployed from the
// modeler keeps the file's zeebe: assignment, form and schedule.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { FORM_JS_ACCEPTED_TYPES } from '../../src/sop/form-js-components.js';
import { FORM_EDITOR_TEXTS } from '../../web/src/form-editor-id.js';
import { startWebApp } from '../helpers/browser.js';

const DIR = path.join(import.meta.dirname, '..', 'definitions', 'camunda-modeler');
const read = (name: string) => fs.readFileSync(path.join(DIR, name), 'utf8');
const KEY = 'loan-approval-c8';

t.test('a Camunda 8 file edited in the SOP group and deployed keeps its zeebe: elements; the form palette is the accepted one', async (t) => {
  const web = await startWebApp(t);
  t.teardown(() => {
    if (web.problems.length) t.comment(`browser problems:\n${web.problems.join('\n')}`);
  });
  const owner = await web.user(['owner:bank'], 'Pemilik Bank');
  t.equal((await web.call('POST', '/forms', owner.token, JSON.parse(read('loan-form.form')))).statusCode, 201);
  const deployed = await web.call('POST', '/definitions', owner.token, read('loan-approval-c8.bpmn'), { 'content-type': 'application/xml' });
  t.equal(deployed.statusCode, 201, deployed.body);

  const page = await web.open(owner.token, 'pemodel');
  await page.locator(`#model-definition option[value="${KEY}"]`).waitFor({ state: 'attached' });
  await page.click('#modeler-canvas .djs-element[data-element-id="assess"]');

  // The form editor: the accepted component types only, in Indonesian.
  await page.click('#edit-form');
  const editor = page.locator('#form-editor');
  await editor.locator('.fjs-palette-field').first().waitFor();
  const offered = await editor.locator('.fjs-palette-field').evaluateAll((es) => es.map((e) => e.getAttribute('data-field-type')));
  t.same([...offered].sort(), [...FORM_JS_ACCEPTED_TYPES].sort(), 'the palette offers exactly the types the server accepts');
  for (const refused of ['checklist', 'taglist', 'filepicker', 'dynamiclist', 'expression']) {
    t.equal(await editor.locator(`.fjs-palette-field[data-field-type="${refused}"]`).count(), 0, `no ${refused}`);
  }
  t.equal(await editor.locator('.fjs-palette-header').innerText(), 'Komponen');
  t.equal(await editor.locator('.fjs-palette-search').getAttribute('placeholder'), 'Cari komponen');
  t.equal(await editor.locator('.fjs-palette-field[data-field-type="textfield"] .fjs-palette-field-text').innerText(), 'Isian teks');
  t.same(await editor.locator('.fjs-palette-group-title').allInnerTexts(), ['Isian', 'Pilihan', 'Tampilan', 'Wadah', 'Tindakan']);
  const indonesian = new Set(Object.values(FORM_EDITOR_TEXTS));
  t.same((await editor.locator('.fjs-palette-field-text').allInnerTexts()).filter((text) => !indonesian.has(text)), [], 'no palette entry left in English');
  t.match(await editor.locator('.fjs-form-field-number .fjs-form-field-label').first().innerText(), /Amount/, "the task's deployed Camunda 8 form (zeebe:formDefinition) is the one opened, its labels untouched");
  await editor.locator('.fjs-form-field-number').first().click();
  await editor.locator('[data-group-id="group-general"] .bio-properties-panel-group-header-title', { hasText: 'Umum' }).waitFor();
  // A text field added and saved: the form keeps its formId, the task its zeebe:formDefinition.
  await editor.locator('.fjs-palette-field[data-field-type="textarea"]').focus();
  await page.keyboard.press('Enter');
  await editor.locator('.fjs-form-field-textarea').last().click();
  await editor.locator('[data-group-id="group-general"]').waitFor();
  if (!(await editor.locator('#bio-properties-panel-key').isVisible())) await editor.locator('[data-group-id="group-general"] .bio-properties-panel-group-header').click();
  await editor.locator('#bio-properties-panel-key').fill('catatan');
  await editor.locator('#bio-properties-panel-key').press('Tab');
  await page.click('#form-editor-save');
  await page.locator('#form-editor-status .notice.ok', { hasText: 'zeebe:formDefinition' }).waitFor();
  await page.click('#form-editor-close');

  // An SOP edit: the step's note (Ket).
  const note = page.locator('#properties-panel #bio-properties-panel-sop-note');
  await note.fill('Diperiksa petugas kredit');
  await note.press('Tab');
  await page.locator('#dirty', { hasText: 'belum dideploy' }).waitFor();
  await page.click('#deploy');
  await page.locator('#modeler-notices .notice.ok', { hasText: 'Versi 2 dari' }).waitFor();
  t.match(await page.locator('#modeler-notices').innerText(), /Formulir dideploy: loan-form versi 2/);

  const v2 = (await web.call('GET', `/definitions/${KEY}/xml?version=2`, owner.token)).body;
  t.match(v2, /Diperiksa petugas kredit/, 'v2 has the SOP edit');
  t.match(v2, /<zeebe:assignmentDefinition candidateGroups="staff, managers" \/>/, 'the zeebe assignment survived');
  t.match(v2, /<zeebe:formDefinition formId="loan-form" \/>/, 'the zeebe form link survived');
  t.match(v2, /<zeebe:taskSchedule dueDate="2026-03-06T16:00:00\+07:00" followUpDate="2026-03-05T09:00:00\+07:00" \/>/);
  t.match(v2, /<zeebe:assignmentDefinition assignee="=initiator" \/>/);
  t.notMatch(v2, /camunda:formRef/, 'no Camunda 7 form link added');
  const form = (await web.call('GET', '/forms/loan-form', owner.token)).json();
  t.equal(form.version, 2, 'the edited form deployed as loan-form v2');
  t.ok((form.schema.components as Array<{ key?: string }>).some((c) => c.key === 'catatan'), 'with the new field');
  const detail = (await web.call('GET', `/definitions/${KEY}?version=2`, owner.token)).json();
  t.equal(detail.version, 2);
  const started = await web.call('POST', `/definitions/${KEY}/instances`, owner.token, {});
  t.equal(started.statusCode, 201, started.body);
  const staff = await web.user(['staff'], 'Staf');
  const [task] = (await web.call('GET', `/tasks?instanceId=${started.json().id}`, staff.token)).json().items;
  t.match(task, { elementId: 'assess', version: 2, formSchema: { id: 'loan-form' } }, 'the zeebe candidate group and form still decide on v2');
  t.same(web.problems, [], 'no errors in the browser');
});
