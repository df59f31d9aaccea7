// The Camunda parts of the page in Chromium: an owner changes a task's candidate groups in the properties panel and
// builds its form in the form-js editor, then deploys (the new version and its form carry both); a staff member holding
// the candidate group completes that form in the tasklist, and a value the server refuses shows on its field.
import fs from 'node:fs';
import t from 'tap';
import { ADMIN_TOKEN, TestClock, tempDir } from '../helpers/app.js';
import { screenshot, startWebApp } from '../helpers/browser.js';

const KEY = 'verifikasi-berkas';
const FORM_ID = `${KEY}.periksa`;
// Lane-less, as Camunda Modeler draws it: the task's candidate groups alone say who does it; the deployer's unit owns it.
const XML = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="urn:x">
  <bpmn:process id="${KEY}" name="Verifikasi Berkas" isExecutable="true">
    <bpmn:startEvent id="s"/>
    <bpmn:userTask id="periksa" name="Periksa berkas" camunda:candidateGroups="pusat/lama"/>
    <bpmn:endEvent id="e"/>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="periksa"/>
    <bpmn:sequenceFlow id="f2" sourceRef="periksa" targetRef="e"/>
  </bpmn:process>
  <bpmndi:BPMNDiagram id="dia">
    <bpmndi:BPMNPlane id="plane" bpmnElement="${KEY}">
      <bpmndi:BPMNShape id="s_di" bpmnElement="s"><dc:Bounds x="180" y="132" width="36" height="36"/></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="periksa_di" bpmnElement="periksa"><dc:Bounds x="300" y="110" width="100" height="80"/></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="e_di" bpmnElement="e"><dc:Bounds x="500" y="132" width="36" height="36"/></bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="f1_di" bpmnElement="f1"><di:waypoint x="216" y="150"/><di:waypoint x="300" y="150"/></bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="f2_di" bpmnElement="f2"><di:waypoint x="400" y="150"/><di:waypoint x="500" y="150"/></bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>`;

t.test('an owner sets candidate groups and a form-js form; a candidate completes it; a refused value shows on its field', async (t) => {
  const web = await startWebApp(t, { processesDir: tempDir(t), clock: new TestClock(new Date('2026-03-02T02:00:00Z')) });
  t.teardown(() => {
    if (web.problems.length) t.comment(`browser problems:\n${web.problems.join('\n')}`);
  });
  const owner = await web.user(['owner:pusat'], 'Pemilik Pusat');
  const deployed = await web.call('POST', '/definitions', owner.token, XML, { 'content-type': 'application/xml' });
  t.equal(deployed.statusCode, 201, deployed.body);
  t.equal((await web.call('GET', `/definitions/${KEY}`, owner.token)).json().unit, 'pusat', "the deployer's unit owns the lane-less SOP");

  // The properties panel: the Camunda user assignment group of the selected task.
  const page = await web.open(owner.token, 'pemodel');
  await page.locator('#model-definition option').first().waitFor({ state: 'attached' });
  t.same(await page.locator('#model-definition option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value)), [KEY], "the unit's lane-less SOP is the owner's to model");
  await page.click('#modeler-canvas .djs-element[data-element-id="periksa"]');
  await page.click('#properties-panel [data-group-id="group-CamundaPlatform__UserAssignment"] .bio-properties-panel-group-header');
  const groups = page.locator('#properties-panel #bio-properties-panel-candidateGroups');
  t.equal(await groups.inputValue(), 'pusat/lama', 'the candidate groups as deployed');
  t.match(await page.locator('#properties-panel [data-entry-id="dueDate"] .bio-properties-panel-description').innerText(), /^Tenggat tugas: .*waktu kerja/, 'the due date described in Indonesian');
  await groups.fill('pusat/verifikator');
  await groups.press('Tab');

  // The form editor: a number and a date field, each given its key and label.
  await page.click('#edit-form');
  const editor = page.locator('#form-editor');
  for (const [type, key, label] of [
    ['number', 'jumlah', 'Jumlah berkas'],
    ['datetime', 'tanggalSurat', 'Tanggal surat'],
  ] as const) {
    await editor.locator(`.fjs-palette-field[data-field-type="${type}"]`).focus();
    await page.keyboard.press('Enter');
    // The field is added last; selecting it opens its properties.
    await editor.locator(`.fjs-form-field-${type}`).last().click();
    await editor.locator('[data-group-id="group-general"]').waitFor();
    if (!(await editor.locator('#bio-properties-panel-key').isVisible())) await editor.locator('[data-group-id="group-general"] .bio-properties-panel-group-header').click();
    await editor.locator('#bio-properties-panel-key').waitFor();
    // The label (a date field's date label) is a templating editor (CodeMirror), typed into.
    // A click can land before CodeMirror takes focus (CI at c132c39 typed nowhere): type until the editor holds it.
    const labelEditor = editor.locator('#bio-properties-panel-label, #bio-properties-panel-date-label').first();
    for (let attempt = 0; attempt < 3 && !(await labelEditor.innerText()).includes(label); attempt++) {
      await labelEditor.click();
      await page.keyboard.press('Control+A');
      await page.keyboard.type(label);
    }
    await editor.locator('#bio-properties-panel-key').fill(key);
    await editor.locator('#bio-properties-panel-key').press('Tab');
    await editor.locator('.fjs-form-field', { hasText: label }).first().waitFor();
  }
  await screenshot(page, 'web-form-editor', { fullPage: true });
  await page.click('#form-editor-save');
  await page.locator('#form-editor-status .notice.ok').waitFor();
  await page.click('#deploy');
  await page.locator('#modeler-notices .notice.ok', { hasText: 'Versi 2' }).waitFor();
  t.match(await page.locator('#modeler-notices').innerText(), new RegExp(`Formulir dideploy: ${FORM_ID.replace('.', '\\.')} versi 1`));

  const v2 = (await web.call('GET', `/definitions/${KEY}/xml?version=2`, owner.token)).body;
  t.match(v2, /camunda:candidateGroups="pusat\/verifikator"/, 'v2 has the new candidate groups');
  t.match(v2, new RegExp(`camunda:formRef="${FORM_ID.replace('.', '\\.')}"`), 'and links the form');
  const form = (await web.call('GET', `/forms/${FORM_ID}`, owner.token)).json();
  t.equal(form.version, 1);
  t.same(
    (form.schema.components as Array<{ key?: string; type: string }>).filter((c) => c.key).map((c) => [c.key, c.type]),
    [
      ['jumlah', 'number'],
      ['tanggalSurat', 'datetime'],
    ],
    'the form deployed as built',
  );

  // A staff member holding only the candidate group sees and completes the task in the tasklist.
  const staff = await web.user(['pusat/verifikator'], 'Verifikator');
  const started = await web.call('POST', `/definitions/${KEY}/instances`, ADMIN_TOKEN, {});
  t.equal(started.statusCode, 201, started.body);
  const [task] = (await web.call('GET', `/tasks?instanceId=${started.json().id}`, staff.token)).json().items;
  t.equal(task?.version, 2, 'the case runs on v2');
  const tasks = await web.open(staff.token, 'tugas');
  await tasks.waitForSelector(`#tasks li.task[data-task-id="${task.id}"]`);
  const amount = tasks.locator('#task-form .fjs-form-field-number input');
  await amount.fill('3');
  const date = tasks.locator('#task-form .fjs-form-field-datetime input.fjs-input').first();
  await date.fill('1/1/2099');
  await date.press('Enter');
  await date.press('Tab');
  await tasks.click('#complete');
  const refused = tasks.locator('#task-form .fjs-form-field-datetime .fjs-form-field-error');
  await refused.waitFor();
  t.match(await refused.innerText(), /harus antara 1900-01-01 dan/, "the server's refusal shows on the date field");
  t.equal(await tasks.locator('#task-form .fjs-form-field-number .fjs-form-field-error').count(), 0, 'and not on the number');
  const notice = tasks.locator('#complete-form .notice.error');
  t.equal(await notice.getAttribute('data-code'), 'SOP_ERR_INVALID_FORM');
  t.match(await notice.innerText(), /Tanggal surat: harus antara/, 'the notice names the field by its label');
  await screenshot(tasks, 'web-tasklist-field-error', { fullPage: true });

  await date.fill('2/3/2026');
  await date.press('Enter');
  await date.press('Tab');
  await tasks.click('#complete');
  await tasks.locator('#task-detail .notice.ok', { hasText: 'Tugas selesai' }).waitFor();
  const done = (await web.call('GET', `/tasks/${task.id}`, staff.token)).json();
  t.equal(done.status, 'completed');
  t.same(done.variables, { jumlah: 3, tanggalSurat: '2026-03-02' }, 'the form-js data as the completion variables');

  // The SOP group writes sop:form fields given as JSON.
  await page.click('#modeler-canvas .djs-element[data-element-id="periksa"]');
  const sopForm = page.locator('#properties-panel #bio-properties-panel-sop-form');
  await sopForm.fill('[{"name": "catatan", "label": "Catatan", "required": true}]');
  await page.locator('#dirty', { hasText: 'belum dideploy' }).waitFor();
  await page.click('#deploy');
  await page.locator('#modeler-notices .notice.ok', { hasText: 'Versi 3' }).waitFor();
  const v3 = (await web.call('GET', `/definitions/${KEY}/xml?version=3`, owner.token)).body;
  t.match(v3, /<sop:form>\s*<sop:field name="catatan" type="string" label="Catatan" required="true" \/>\s*<\/sop:form>/, 'v3 has the sop:form field');
  t.same(web.problems, [], 'no errors in the browser');
});

t.test('a Camunda 7 loan approval: a candidate answers its required boolean with Tidak in the form-js form', async (t) => {
  const web = await startWebApp(t, { processesDir: tempDir(t), clock: new TestClock(new Date('2026-03-02T02:00:00Z')) });
  t.teardown(() => {
    if (web.problems.length) t.comment(`browser problems:\n${web.problems.join('\n')}`);
  });
  const xml = fs.readFileSync(new URL('../definitions/camunda-modeler/loan-approval-c7.bpmn', import.meta.url), 'utf8');
  t.equal((await web.call('POST', '/definitions', ADMIN_TOKEN, xml, { 'content-type': 'application/xml' })).statusCode, 201);
  const staff = await web.user(['staff'], 'Petugas Kredit');
  const started = (await web.call('POST', '/definitions/loan-approval/instances', staff.token, { businessKey: 'L-7' })).json();
  const [review] = (await web.call('GET', `/tasks?instanceId=${started.id}`, staff.token)).json().items;

  const page = await web.open(staff.token, 'tugas');
  await page.waitForSelector(`#tasks li.task.selected[data-task-id="${review.id}"]`);
  await page.locator('#task-form .fjs-form-field-number input').fill('500');
  // Without an answer to the required yes/no, form-js stops the completion on the field (in Indonesian).
  await page.click('#complete');
  t.match(await page.locator('#task-form .fjs-form-field-radio .fjs-form-field-error').innerText(), /Wajib diisi/);
  await page.locator('#task-form .fjs-form-field-radio label', { hasText: 'Tidak' }).click();
  await page.click('#complete');
  await page.locator('#task-detail .notice.ok', { hasText: 'Tugas selesai' }).waitFor();

  const done = (await web.call('GET', `/tasks/${review.id}`, staff.token)).json();
  t.same(done.variables, { amount: 500, approved: false }, 'Tidak is the boolean false');
  const [next] = (await web.call('GET', `/tasks?instanceId=${started.id}`, staff.token)).json().items;
  t.equal(next?.elementId, 'notify', 'the case took the rejection path, to its requester');
  t.same(web.problems, [], 'no errors in the browser');
});
