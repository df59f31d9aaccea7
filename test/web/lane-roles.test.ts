// Lane roles in Chromium: a lane whose role id has no unit prefix (`staff`) opens the tasklist for its holder, who
// sees and completes its tasks there; the service's own roles (owner, auditor) do not open it.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { ADMIN_TOKEN, FIXTURES } from '../helpers/app.js';
import { startWebApp } from '../helpers/browser.js';

const KEY = 'uji-dua-langkah';

t.test('a lane role without a unit prefix opens the tasklist', async (t) => {
  const web = await startWebApp(t);
  t.teardown(() => {
    if (web.problems.length) t.comment(`browser problems:\n${web.problems.join('\n')}`);
  });
  const xml = fs.readFileSync(path.join(FIXTURES, 'two-step.bpmn'), 'utf8').replaceAll('role="uji/staf"', 'role="staff"').replaceAll('role="uji/kepala"', 'role="kepala"');
  const deployed = await web.call('POST', '/definitions', ADMIN_TOKEN, xml, { 'content-type': 'application/xml' });
  t.equal(deployed.statusCode, 201, 'the diagram with unprefixed lane roles deploys');
  const staff = await web.user(['staff'], 'Staf Tanpa Unit');
  const started = await web.call('POST', `/definitions/${KEY}/instances`, staff.token, { businessKey: 'UJI-001' });
  t.equal(started.statusCode, 201, 'the lane role starts a case through the API');
  const [task] = (await web.call('GET', `/tasks?instanceId=${started.json().id}`, staff.token)).json().items;
  t.equal(task.role, 'staff', 'and the API serves its task');

  const page = await web.open(staff.token);
  t.same(await page.locator('nav.tabs a').allInnerTexts(), ['Daftar Tugas'], 'the lane role opens the tasklist');
  t.equal(await page.locator('#page .notice', { hasText: 'tidak membuka halaman' }).count(), 0, 'no "opens nothing" notice');
  await page.waitForSelector(`#tasks li.task[data-task-id="${task.id}"]`);
  t.same(await page.locator('#start-definition option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value)), [KEY], 'the SOP can be started from the page');
  await page.waitForSelector('#task-detail h2');
  t.match(await page.locator('#task-detail h2').innerText(), /Langkah 1: Menerima berkas/);
  // The fixture has no diagram layout: the card says so, and the task's form stays usable.
  t.match(await page.locator('.diagram-note').innerText(), /tidak berisi gambar diagram/);
  await page.check('input[data-document="Surat Permohonan"]');
  await page.check('input[data-output="Agenda"]');
  await page.click('#complete');
  await page.locator('#task-detail .notice.ok', { hasText: 'Tugas selesai' }).waitFor();
  t.equal((await web.call('GET', `/tasks/${task.id}`, staff.token)).json().status, 'completed', 'completed from the page');

  // The service's own roles are not lane roles: an owner or auditor alone does not get the tasklist.
  const owner = await web.user(['owner', 'auditor:uji'], 'Pemilik');
  const ownerPage = await web.open(owner.token);
  t.same(await ownerPage.locator('nav.tabs a').allInnerTexts(), ['Pemodel SOP', 'Dasbor Audit']);
  t.same(web.problems, [], 'no errors in the browser');
});
