// The printable SOP sheet in Chromium: the tasklist, the modeler and the audit dashboard open
// GET /definitions/:key/sop?format=html in a new tab, fetched with the user's token, without any cookie.
import t from 'tap';
import type { Page } from 'playwright-core';
import { startWebApp, type WebApp } from '../helpers/browser.js';

const KEY = 'bkd-kalteng-konsultasi-ekinerja';
const ROLES = ['bkd-kalteng/jfu-tu'];

/** Clicks the page's sheet button and returns the new tab once the sheet is shown in it. */
async function openSheet(web: WebApp, page: Page, button: string): Promise<Page> {
  const [tab] = await Promise.all([web.browser.waitForEvent('page'), page.click(button)]);
  await tab.waitForURL(/^blob:/);
  await tab.waitForSelector('table.steps');
  return tab;
}

t.test('the SOP sheet opens from the page with the user token', async (t) => {
  const web = await startWebApp(t);
  t.teardown(() => {
    if (web.problems.length) t.comment(`browser problems:\n${web.problems.join('\n')}`);
  });
  const staff = await web.user(ROLES, 'Petugas TU');
  t.equal((await web.call('POST', `/definitions/${KEY}/instances`, staff.token, {})).statusCode, 201);

  // A plain link cannot do it: the page holds no cookie, so the browser alone is refused.
  const direct = await web.browser.newPage();
  const refused = await direct.goto(`${web.baseUrl}/definitions/${KEY}/sop?format=html`);
  t.equal(refused?.status(), 401, 'the sheet needs the token');
  await direct.close();

  const page = await web.open(staff.token, 'tugas');
  await page.waitForSelector('#task-detail #sop-sheet');
  const fromTasks = await openSheet(web, page, '#task-detail #sop-sheet');
  t.match(await fromTasks.locator('h1').innerText(), /STANDAR OPERASIONAL PROSEDUR/);
  t.match(await fromTasks.locator('body').innerText(), new RegExp(`Versi 1 · ${KEY}`), "the task's SOP version");
  t.ok(await fromTasks.locator(`table.steps tr[data-element-id="register-request"]`).count(), 'with its steps');
  t.equal(await fromTasks.evaluate(() => window.opener), null, 'the sheet has no handle on the page');
  await fromTasks.close();

  // The modeler (for the version shown) and the audit dashboard open it too.
  const admin = await web.user(['owner', 'auditor'], 'Pemilik dan Auditor');
  const modeler = await web.open(admin.token, 'pemodel');
  await modeler.waitForSelector('#modeler-canvas .djs-element[data-element-id="give-consultation"]');
  await modeler.selectOption('#model-definition', KEY);
  await modeler.waitForSelector('#modeler-canvas .djs-element[data-element-id="give-consultation"]');
  const fromModeler = await openSheet(web, modeler, '#sop-sheet');
  t.match(await fromModeler.locator('body').innerText(), new RegExp(`Versi 1 · ${KEY}`));
  await fromModeler.close();
  const audit = await web.open(admin.token, 'audit');
  await audit.selectOption('#audit-definition', KEY);
  await audit.waitForSelector('#audit-diagram .djs-element[data-element-id="give-consultation"]');
  const fromAudit = await openSheet(web, audit, '#sop-sheet');
  t.match(await fromAudit.locator('h1').innerText(), /STANDAR OPERASIONAL PROSEDUR/);

  t.same(await web.browser.cookies(), [], 'no cookie was set');
  t.same(web.problems, [], 'no errors in the browser');
});
