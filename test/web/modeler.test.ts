// The modeler in Chromium: an owner changes a step's time standard in the properties panel's SOP group and deploys v2 (the rest of the
// sop extension survives the round trip through bpmn-js), compares the two sheets, and sees a refused diagram's
// problems on the elements they name.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { REPO_PROCESSES } from '../helpers/app.js';
import { checkPhoneWidth, screenshot, startWebApp } from '../helpers/browser.js';

const KEY = 'bkd-kalteng-konsultasi-ekinerja';

t.test('an owner changes a time standard and deploys v2', async (t) => {
  const web = await startWebApp(t);
  t.teardown(() => {
    if (web.problems.length) t.comment(`browser problems:\n${web.problems.join('\n')}`);
  });
  const owner = await web.user(['owner:bkd-kalteng'], 'Pemilik Proses BKD');
  const page = await web.open(owner.token, 'pemodel');
  t.same(await page.locator('nav.tabs a').allInnerTexts(), ['Pemodel SOP'], 'an owner of one unit sees the modeler only');
  t.same(await page.locator('#model-definition option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value)), [KEY], "only the unit's SOPs");

  // Select the consultation step on the canvas: the panel's SOP group shows its mutu baku.
  const field = (id: string) => `#properties-panel #bio-properties-panel-${id}`;
  await page.click('#modeler-canvas .djs-element[data-element-id="give-consultation"]');
  await page.waitForSelector(field('sop-waktu-n'));
  t.equal(await page.inputValue(field('sop-step')), '4', 'Langkah as printed');
  t.equal(await page.inputValue(field('sop-waktu-text')), '30 Menit');
  t.equal(await page.inputValue(field('sop-waktu-unit')), 'menit');
  t.match(await page.inputValue(field('sop-requires')), /Peraturan perundang-undangan/);
  t.match(await page.inputValue(field('sop-form')), /"name": "penjelasanCukup"/, 'the sop:form fields as JSON');
  await screenshot(page, 'web-modeler');

  // Text that is not a list of fields is refused on the entry and leaves the diagram as it was.
  await page.fill(field('sop-form'), '[{"name": 1}]');
  await page.locator('#properties-panel [data-entry-id="sop-form"] .bio-properties-panel-error', { hasText: '"name" harus nama variabel' }).waitFor();
  t.equal(await page.locator('#dirty').innerText(), '', 'nothing changed');

  await page.fill(field('sop-waktu-n'), '45');
  await page.press(field('sop-waktu-n'), 'Tab');
  await page.locator('#properties-panel [data-entry-id="sop-waktu-unit"]', { hasText: 'PT45M' }).waitFor();
  await page.waitForFunction((sel) => (document.querySelector(sel) as HTMLInputElement | null)?.value === '45 Menit', field('sop-waktu-text'));
  t.match(await page.locator('#dirty').innerText(), /belum dideploy/);

  await page.click('#deploy');
  await page.locator('#modeler-notices .notice.ok', { hasText: 'Versi 2' }).waitFor();

  const def = (await web.call('GET', `/definitions/${KEY}`, owner.token)).json();
  t.equal(def.version, 2, 'v2 exists');
  const v1 = (await web.call('GET', `/definitions/${KEY}/sop?version=1`, owner.token)).json();
  const v2 = (await web.call('GET', `/definitions/${KEY}/sop?version=2`, owner.token)).json();
  const consultation = v2.steps.find((s: { elementId: string }) => s.elementId === 'give-consultation');
  t.same(consultation.timeStandard, { text: '45 Menit', iso: 'PT45M' }, 'with the new waktu');
  const expected = structuredClone(v1);
  expected.version = 2;
  expected.steps.find((s: { elementId: string }) => s.elementId === 'give-consultation').timeStandard = { text: '45 Menit', iso: 'PT45M' };
  t.same(v2, expected, 'everything else of the sop extension survives the modeler');

  // The version list and the sheets' difference.
  await page.waitForSelector('#version-list tr[data-version="2"].shown');
  t.equal(await page.locator('#version-list tbody tr').count(), 2);
  t.same(await page.locator('#version-list tbody td.version-source').allInnerTexts(), ['oleh Pemilik Proses BKD', `berkas processes/${KEY}.bpmn`], 'who deployed each version');
  t.same(await page.locator('#version-list tbody td.version-status').allInnerTexts(), ['berlaku', 'digantikan'], 'which version new cases start on');
  await page.click('#diff-run');
  await page.waitForSelector('#sheet-diff');
  t.match(await page.locator('#diff-summary').innerText(), /1 baris berbeda antara versi 1 dan versi 2/);
  const changed = page.locator('#sheet-diff tr.diff-changed[data-element-id="give-consultation"] td.cell-changed');
  t.equal(await changed.count(), 1, 'only the waktu cell changed');
  t.match(await changed.innerText(), /30 Menit \(PT30M\)\s*→\s*45 Menit \(PT45M\)/);
  await page.locator('.versions').scrollIntoViewIfNeeded();
  await screenshot(page, 'web-modeler-versions');

  // A lane: its pelaksana's role id and whether it is the applicant's lane.
  const lane = page.locator('#modeler-canvas .djs-element[data-element-id="lane-kabid"]');
  const box = await lane.boundingBox();
  t.ok(box, 'the Kabid lane is drawn');
  await lane.click({ position: { x: 8, y: (box?.height ?? 20) / 2 } });
  await page.waitForSelector(field('sop-role'));
  t.equal(await page.inputValue(field('sop-role')), 'bkd-kalteng/kabid');
  t.equal(await page.inputValue(field('name')), 'Kabid', 'the lane name in the general group');
  t.notOk(await page.isChecked(field('sop-initiator')), 'not the applicant');

  // A diagram with a script task is refused: the server's message, and the element marked on the canvas.
  const xml = fs.readFileSync(path.join(REPO_PROCESSES, `${KEY}.bpmn`), 'utf8');
  const evil = xml.replace(/<bpmn:userTask id="study-substance"([\s\S]*?)<\/bpmn:userTask>/, '<bpmn:scriptTask id="study-substance" name="Jalankan skrip" scriptFormat="javascript"><bpmn:script>1</bpmn:script></bpmn:scriptTask>');
  t.not(evil, xml);
  await page.setInputFiles('#open-file', { name: 'evil.bpmn', mimeType: 'application/xml', buffer: Buffer.from(evil) });
  await page.locator('#modeler-notices .notice.ok', { hasText: 'evil.bpmn' }).waitFor();
  await page.click('#deploy');
  await page.waitForSelector('#deploy-error');
  t.match(await page.locator('#deploy-error').innerText(), /Deploy ditolak \(400\)/);
  t.match((await page.locator('#deploy-error li[data-element-id="study-substance"]').allInnerTexts()).join('\n'), /tugas skrip tidak diizinkan/);
  await page.waitForSelector('#modeler-canvas .djs-element.sop-problem[data-element-id="study-substance"]');
  await screenshot(page, 'web-modeler-problems');
  t.equal((await web.call('GET', `/definitions/${KEY}`, owner.token)).json().version, 2, 'nothing deployed');

  await checkPhoneWidth(t, web, owner.token, 'pemodel', '#modeler-canvas .djs-element[data-element-id="give-consultation"]', 'web-modeler-phone');
  t.same(web.problems, [], 'no errors in the browser');
});
