// Dashboard and modeler details in Chromium: the dashboard opens on the version that has data and words every standard
// as the SOP sheet does; same-named SOPs show their key; the modeler's drop-downs follow an opened file; a refused
// condition is one problem, and the flow it names is drawn red.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { ADMIN_TOKEN, REPO_PROCESSES, TestClock, type TestApp } from '../helpers/app.js';
import { startWebApp } from '../helpers/browser.js';

const KEY = 'bkd-kalteng-konsultasi-ekinerja';
const COPY = `${KEY}-uji`;
const NAME = 'Pelayanan Konsultasi E-Kinerja BKN';
const ROLES = ['bkd-kalteng/kepala-badan', 'bkd-kalteng/kabid', 'bkd-kalteng/jft', 'bkd-kalteng/kasubbid-umum-kepegawaian', 'bkd-kalteng/jfu-tu'];
const XML = fs.readFileSync(path.join(REPO_PROCESSES, `${KEY}.bpmn`), 'utf8');

/** Completes every step of the case through the API, two working minutes each. */
async function walk(app: TestApp, token: string, instanceId: string): Promise<void> {
  for (let i = 0; i < 10; i++) {
    const [task] = (await app.call('GET', `/tasks?instanceId=${instanceId}`, token)).json().items as Array<{ id: string; requires: string[]; output: string[]; form: Array<{ name: string }> }>;
    if (!task) return;
    app.clock.advance(2 * 60_000);
    const variables = Object.fromEntries(task.form.map((f) => [f.name, 'ya']));
    const res = await app.call('POST', `/tasks/${task.id}/complete`, token, { documents: task.requires.map((name) => ({ name })), output: task.output.map((name) => ({ name })), variables });
    if (res.statusCode !== 200) throw new Error(`complete → ${res.statusCode} ${res.body}`);
  }
}

async function deploy(app: TestApp, xml: string): Promise<number> {
  return (await app.call('POST', '/definitions', ADMIN_TOKEN, xml, { 'content-type': 'application/xml' })).statusCode;
}

t.test('dashboard and modeler details', async (t) => {
  const web = await startWebApp(t, { clock: new TestClock(new Date('2026-03-02T01:00:00Z')) });
  t.teardown(() => {
    if (web.problems.length) t.comment(`browser problems:\n${web.problems.join('\n')}`);
  });
  t.match(XML, `name="${NAME}"`);
  const staff = await web.user(ROLES, 'Petugas BKD');
  const instance = (await web.call('POST', `/definitions/${KEY}/instances`, staff.token, {})).json();
  await walk(web, staff.token, instance.id);
  // v2 changes the first step's waktu; no case runs on it yet. A second SOP shares the name under another key.
  t.equal(await deploy(web, XML.replace('waktu="5 Menit" duration="PT5M"', 'waktu="10 Menit" duration="PT10M"')), 201);
  t.equal(await deploy(web, XML.replaceAll(`"${KEY}"`, `"${COPY}"`)), 201);

  const auditor = await web.user(['auditor:bkd-kalteng', 'owner:bkd-kalteng'], 'Auditor BKD');
  const page = await web.open(auditor.token, 'audit');
  const labels = await page.locator('#audit-definition option').allInnerTexts();
  t.same(labels.sort(), [`${NAME} (${KEY})`, `${NAME} (${COPY})`], 'same-named SOPs show their key');
  await page.selectOption('#audit-definition', KEY);
  await page.waitForSelector('#audit-diagram .djs-element.heat-ok[data-element-id="register-request"]');
  t.equal(await page.inputValue('#audit-version'), '1', 'the dashboard opens on the version with data');
  t.match(await page.locator('#version-note').innerText(), /Versi 2 belum punya data; ditampilkan versi 1/);
  const cell = page.locator('#step-table tr[data-element-id="register-request"] td').nth(6);
  t.equal(await cell.innerText(), '5 Menit', "the table words the standard as version 1's sheet");
  await page.hover('#audit-diagram .djs-element[data-element-id="register-request"]');
  await page.waitForFunction(() => document.querySelector('#heat-info')?.textContent?.includes('Median'));
  t.match(await page.locator('#heat-info').innerText(), /Standar 5 Menit ·/, 'and so does the hover');
  await page.selectOption('#audit-version', '2');
  await page.waitForFunction(() => document.querySelector('#step-table tr[data-element-id="register-request"] td:nth-child(7)')?.textContent === '10 Menit');
  t.pass("version 2's table words its own standard, 10 Menit");

  t.same(web.problems, [], 'no errors in the browser');
});

t.test('modeler details', async (t) => {
  const web = await startWebApp(t);
  t.teardown(() => {
    if (web.problems.length) t.comment(`browser problems:\n${web.problems.join('\n')}`);
  });
  t.equal(await deploy(web, XML.replace('waktu="5 Menit" duration="PT5M"', 'waktu="10 Menit" duration="PT10M"')), 201);
  t.equal(await deploy(web, XML.replaceAll(`"${KEY}"`, `"${COPY}"`)), 201);
  const owner = await web.user(['owner:bkd-kalteng'], 'Pemilik BKD');

  // Opening a file makes the drop-downs name its SOP.
  const modeler = await web.open(owner.token, 'pemodel');
  t.same((await modeler.locator('#model-definition option').allInnerTexts()).sort(), [`${NAME} (${KEY})`, `${NAME} (${COPY})`], 'same-named SOPs show their key');
  await modeler.waitForSelector('#modeler-canvas .djs-element[data-element-id="give-consultation"]');
  await modeler.selectOption('#model-definition', KEY);
  await modeler.waitForSelector('#version-list tr[data-version="2"].shown');
  await modeler.setInputFiles('#open-file', { name: 'salinan.bpmn', mimeType: 'application/xml', buffer: Buffer.from(XML.replaceAll(`"${KEY}"`, `"${COPY}"`)) });
  await modeler.locator('#modeler-notices .notice.ok', { hasText: 'salinan.bpmn' }).waitFor();
  t.equal(await modeler.inputValue('#model-definition'), COPY, "the SOP drop-down names the file's SOP");
  t.match(await modeler.locator('#model-version option:checked').innerText(), /berkas salinan\.bpmn \(belum dideploy\)/);
  const fresh = XML.replaceAll(`"${KEY}"`, '"bkd-kalteng-baru"');
  await modeler.setInputFiles('#open-file', { name: 'baru.bpmn', mimeType: 'application/xml', buffer: Buffer.from(fresh) });
  await modeler.locator('#modeler-notices .notice.ok', { hasText: 'baru.bpmn' }).waitFor();
  t.equal(await modeler.inputValue('#model-definition'), 'bkd-kalteng-baru', 'a new SOP from a file is named too');
  t.match(await modeler.locator('#model-definition option:checked').innerText(), /belum dideploy/);

  // A refused condition: one problem, and its flow drawn red.
  const flow = 'explanation-sufficient-yes';
  const bad = XML.replace("${penjelasanCukup == 'ya'}", "${penjelasanCukup == 'ya' && foo()}");
  t.not(bad, XML);
  await modeler.setInputFiles('#open-file', { name: 'kondisi.bpmn', mimeType: 'application/xml', buffer: Buffer.from(bad) });
  await modeler.locator('#modeler-notices .notice.ok', { hasText: 'kondisi.bpmn' }).waitFor();
  await modeler.click('#deploy');
  await modeler.waitForSelector('#deploy-error');
  t.equal(await modeler.locator(`#deploy-error li[data-element-id="${flow}"]`).count(), 1, 'one problem for one faulty condition');
  await modeler.waitForSelector(`#modeler-canvas .djs-element.sop-problem[data-element-id="${flow}"]`);
  const stroke = await modeler.locator(`#modeler-canvas .djs-element[data-element-id="${flow}"] .djs-visual > path`).evaluate((e) => {
    const style = getComputedStyle(e);
    return { stroke: style.stroke, fill: style.fill };
  });
  t.same(stroke, { stroke: 'rgb(198, 40, 40)', fill: 'none' }, 'the flow is drawn red');
  t.same(web.problems, [], 'no errors in the browser');
});
