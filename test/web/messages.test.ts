// Indonesian on the page for what the server says in English: sign-in refusals, deploy problems and warnings, and
// conflicts are shown in Indonesian (the English stays on hover), while the API keeps its English messages and codes.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { REPO_PROCESSES } from '../helpers/app.js';
import { startWebApp } from '../helpers/browser.js';

const KEY = 'bkd-kalteng-konsultasi-ekinerja';
const ROOT = path.resolve(import.meta.dirname, '..', '..');

t.test('every error code of the API has an Indonesian sentence in the page', async (t) => {
  const sources = ['src/errors.ts', 'src/http/error-handler.ts'].map((f) => fs.readFileSync(path.join(ROOT, f), 'utf8')).join('\n');
  const codes = new Set([...sources.matchAll(/'(SOP_ERR_[A-Z_]+)'/g)].map((m) => m[1]));
  t.ok(codes.size >= 15, `${codes.size} codes found`);
  const catalogue = fs.readFileSync(path.join(ROOT, 'web', 'src', 'messages-id.ts'), 'utf8');
  for (const code of codes) t.match(catalogue, new RegExp(`\\b${code}: '`), `${code} has an Indonesian sentence`);
});

t.test('server messages reach the page in Indonesian', async (t) => {
  const web = await startWebApp(t);
  t.teardown(() => {
    if (web.problems.length) t.comment(`browser problems:\n${web.problems.join('\n')}`);
  });

  // Sign-in with a wrong token: the API says it in English, the page in Indonesian.
  const api = await web.call('GET', '/me', 'not-a-token');
  t.equal(api.json().message, 'unknown or inactive token', 'the API keeps its English message');
  const signin = await web.browser.newPage();
  await signin.goto(`${web.baseUrl}/app/`);
  await signin.fill('#token', 'not-a-token');
  await signin.click('form.signin button[type=submit]');
  const refused = signin.locator('form.signin .notice.error');
  await refused.waitFor();
  t.match(await refused.innerText(), /Tidak dapat masuk \(401\): Token tidak dikenal atau tidak aktif\./);
  t.notMatch(await refused.innerText(), /unknown or inactive/);
  t.equal(await refused.locator('.message').getAttribute('title'), 'unknown or inactive token', 'the English on hover');
  t.equal(await refused.getAttribute('data-code'), 'SOP_ERR_UNAUTHENTICATED');

  // A refused deploy: every problem in Indonesian, each with the element it names.
  const owner = await web.user(['owner:bkd-kalteng'], 'Pemilik');
  const page = await web.open(owner.token, 'pemodel');
  await page.waitForSelector('#modeler-canvas .djs-element[data-element-id="give-consultation"]');
  const xml = fs.readFileSync(path.join(REPO_PROCESSES, `${KEY}.bpmn`), 'utf8');
  const bad = xml
    .replace(/<bpmn:userTask id="study-substance"([\s\S]*?)<\/bpmn:userTask>/, '<bpmn:scriptTask id="study-substance" name="Jalankan skrip" scriptFormat="javascript"><bpmn:script>1</bpmn:script></bpmn:scriptTask>')
    .replace(' default="explanation-not-sufficient"', '');
  await page.setInputFiles('#open-file', { name: 'salah.bpmn', mimeType: 'application/xml', buffer: Buffer.from(bad) });
  await page.locator('#modeler-notices .notice.ok', { hasText: 'salah.bpmn' }).waitFor();
  await page.click('#deploy');
  const error = page.locator('#deploy-error');
  await error.waitFor();
  t.match(await error.locator('.message').innerText(), /^Diagram ditolak; perbaiki masalah berikut/);
  t.match(await error.locator('li[data-element-id="study-substance"]').innerText(), /bpmn:ScriptTask: tugas skrip tidak diizinkan/);
  t.match(await error.locator('li[data-element-id="explanation-not-sufficient"]').innerText(), /Alur keluar dari keputusan explanation-sufficient memerlukan kondisi/);
  const english = await error.locator('li').evaluateAll((lis) => lis.filter((li) => li.textContent?.includes(li.getAttribute('title') ?? '\u0000')).map((li) => li.textContent));
  t.same(english, [], 'no problem is left in English');

  // A deploy with a warning: in Indonesian too. 'belum' is no option of penjelasanCukup, so 'tidak' takes no flow.
  const warned = xml.replace(' default="explanation-not-sufficient"', '').replace('<bpmn:sequenceFlow id="explanation-not-sufficient" name="Belum" sourceRef="explanation-sufficient" targetRef="advise-further" />', `<bpmn:sequenceFlow id="explanation-not-sufficient" name="Belum" sourceRef="explanation-sufficient" targetRef="advise-further"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">\${penjelasanCukup == 'belum'}</bpmn:conditionExpression></bpmn:sequenceFlow>`);
  t.not(warned, xml);
  await page.setInputFiles('#open-file', { name: 'peringatan.bpmn', mimeType: 'application/xml', buffer: Buffer.from(warned) });
  await page.locator('#modeler-notices .notice.ok', { hasText: 'peringatan.bpmn' }).waitFor();
  await page.click('#deploy');
  await page.waitForSelector('#deploy-warnings');
  t.match(await page.locator('#deploy-warnings li[data-element-id="explanation-sufficient"]').innerText(), /Tidak ada alur keluar dari keputusan ini yang diambil bila penjelasanCukup = 'tidak'/);
  t.match(await page.locator('#deploy-warnings li[data-element-id="explanation-not-sufficient"]').innerText(), /membandingkan isian enum 'penjelasanCukup' .* yang bukan salah satu opsinya/);

  // A conflict in the tasklist: the task was claimed by someone else meanwhile.
  const staff = await web.user(['bkd-kalteng/jfu-tu'], 'Petugas A');
  const other = await web.user(['bkd-kalteng/jfu-tu'], 'Petugas B');
  const instance = (await web.call('POST', `/definitions/${KEY}/instances`, staff.token, {})).json();
  const [task] = (await web.call('GET', `/tasks?instanceId=${instance.id}`, staff.token)).json().items;
  const tasks = await web.open(staff.token, 'tugas');
  await tasks.waitForSelector('#claim');
  t.equal((await web.call('POST', `/tasks/${task.id}/claim`, other.token)).statusCode, 200);
  await tasks.click('#claim');
  const conflict = tasks.locator('#task-detail .notice.error');
  await conflict.waitFor();
  t.match(await conflict.innerText(), /Tidak dapat mengklaim \(409\): Tugas ini sudah diklaim petugas lain\./);
  t.same(web.problems, [], 'no errors in the browser');
});
