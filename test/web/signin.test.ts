// Sign-in in Chromium: a wrong token is refused with the server's message; the page then shows the pages the
// user's roles open, keeps the token for the tab only, and forgets it on sign-out.
import t from 'tap';
import { ADMIN_TOKEN } from '../helpers/app.js';
import { PHONE, screenshot, startWebApp } from '../helpers/browser.js';

t.test('sign in with a token; the roles decide the pages', async (t) => {
  const web = await startWebApp(t);
  t.teardown(() => {
    if (web.problems.length) t.comment(`browser problems:\n${web.problems.join('\n')}`);
  });
  const page = await web.browser.newPage();
  const res = await page.goto(`${web.baseUrl}/`);
  t.equal(new URL(page.url()).pathname, '/app/', '/ leads to the page');
  t.match(res?.headers()['content-security-policy'] ?? '', /script-src 'self'/);
  await page.waitForSelector('#token');
  await screenshot(page, 'web-signin');

  await page.fill('#token', 'not-a-token');
  await page.click('form.signin button[type=submit]');
  const error = page.locator('form.signin .notice.error');
  await error.waitFor();
  t.match(await error.innerText(), /Tidak dapat masuk \(401\): Token tidak dikenal atau tidak aktif/);
  t.equal(await page.evaluate(() => sessionStorage.getItem('sop-token')), null, 'a refused token is not kept');

  await page.fill('#token', ADMIN_TOKEN);
  await page.click('form.signin button[type=submit]');
  await page.waitForSelector('header.top .me');
  t.same(await page.locator('nav.tabs a').allInnerTexts(), ['Daftar Tugas', 'Pemodel SOP', 'Dasbor Audit'], 'an admin sees every page');
  t.equal(await page.evaluate(() => sessionStorage.getItem('sop-token')), ADMIN_TOKEN, 'kept in sessionStorage');
  await page.reload();
  await page.waitForSelector('header.top .me');
  t.pass('a reload keeps the session');
  // Moving between the pages releases one bpmn-js and draws the next.
  await page.click('nav.tabs a[data-page="pemodel"]');
  await page.waitForSelector('#modeler-canvas .djs-element[data-element-id]');
  await page.click('nav.tabs a[data-page="audit"]');
  await page.waitForSelector('#audit-diagram .djs-element[data-element-id]');
  t.equal(await page.locator('.djs-container').count(), 1, 'one diagram on the page at a time');
  await page.click('nav.tabs a[data-page="tugas"]');
  await page.waitForSelector('#tasks');
  t.equal(await page.locator('nav.tabs a.active').innerText(), 'Daftar Tugas');
  await page.click('#signout');
  await page.waitForSelector('#token');
  t.equal(await page.evaluate(() => sessionStorage.getItem('sop-token')), null, 'sign-out forgets the token');

  const nobody = await web.user([], 'Tanpa Peran');
  const empty = await web.open(nobody.token);
  t.match(await empty.locator('#page .notice').innerText(), /tidak membuka halaman apa pun/);

  // Loading the page and its three pages leaves nothing in the console: no error and no warning (a font that cannot
  // be decoded, a refused style or script). The bpmn icon font is loaded from its woff2 file.
  const fresh = await web.browser.newPage();
  const consoleMessages: string[] = [];
  fresh.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') consoleMessages.push(`${msg.type()}: ${msg.text().slice(0, 200)}`);
  });
  const fontFiles: string[] = [];
  fresh.on('response', (r) => {
    if (r.request().resourceType() === 'font') fontFiles.push(`${r.status()} ${r.headers()['content-type']} ${new URL(r.url()).pathname.replace(/-\w+\./, '.')}`);
  });
  await fresh.goto(`${web.baseUrl}/app/#/pemodel`);
  await fresh.fill('#token', ADMIN_TOKEN);
  await fresh.click('form.signin button[type=submit]');
  await fresh.waitForSelector('#modeler-canvas .djs-palette .entry');
  await fresh.click('nav.tabs a[data-page="audit"]');
  await fresh.waitForSelector('#audit-diagram .djs-element[data-element-id]');
  await fresh.click('nav.tabs a[data-page="tugas"]');
  await fresh.waitForSelector('#tasks');
  await fresh.click('nav.tabs a[data-page="pemodel"]');
  await fresh.waitForSelector('#modeler-canvas .djs-palette .entry');
  const bpmnFont = await fresh.evaluate(async () => {
    await document.fonts.ready;
    return [...document.fonts].filter((f) => f.family.replace(/["']/g, '') === 'bpmn').map((f) => f.status);
  });
  t.ok(bpmnFont.includes('loaded'), `the bpmn icon font is loaded (${bpmnFont.join(', ')})`);
  t.same(fontFiles, ['200 font/woff2 /app/fonts/bpmn.woff2'], 'only the woff2 file is fetched, with its font type');
  t.same(consoleMessages, [], 'no console error or warning on load');
  await fresh.close();

  const phone = await web.browser.newPage();
  await phone.setViewportSize(PHONE);
  await phone.goto(`${web.baseUrl}/app/`);
  await phone.waitForSelector('#token');
  await screenshot(phone, 'web-signin-phone');
  t.same(web.problems, [], 'no errors in the browser');
});
