// The audit dashboard in Chromium: a step done within its standard is green on the heat map; after a breach of
// the same step it turns red, the breach is listed, the chain verifies, and the exports download.
import t from 'tap';
import { TestClock, type TestApp } from '../helpers/app.js';
import { PHONE, screenshot, startWebApp } from '../helpers/browser.js';

const KEY = 'bkd-kalteng-konsultasi-ekinerja';
const ROLES = ['bkd-kalteng/kepala-badan', 'bkd-kalteng/kabid', 'bkd-kalteng/jft', 'bkd-kalteng/kasubbid-umum-kepegawaian', 'bkd-kalteng/jfu-tu'];
const STEP = 'give-consultation'; // 30 Menit

interface Task {
  id: string;
  elementId: string;
  requires: string[];
  output: string[];
  form: Array<{ name: string; type: string }>;
}

/** Completes the instance's tasks through the API, `minutes` of working time each (the clock stands in office hours). */
async function walk(app: TestApp, token: string, instanceId: string, minutes: (elementId: string) => number): Promise<void> {
  for (let i = 0; i < 10; i++) {
    const [task] = (await app.call('GET', `/tasks?instanceId=${instanceId}`, token)).json().items as Task[];
    if (!task) return;
    app.clock.advance(minutes(task.elementId) * 60_000);
    const variables = Object.fromEntries(task.form.map((f) => [f.name, f.type === 'enum' ? 'ya' : 'catatan']));
    const res = await app.call('POST', `/tasks/${task.id}/complete`, token, {
      documents: task.requires.map((name) => ({ name })),
      output: task.output.map((name) => ({ name })),
      variables,
    });
    if (res.statusCode !== 200) throw new Error(`complete ${task.elementId} → ${res.statusCode} ${res.body}`);
  }
}

async function fill(page: import('playwright-core').Page, elementId: string): Promise<string> {
  return page.locator(`#audit-diagram .djs-element[data-element-id="${elementId}"] .djs-visual > :first-child`).evaluate((e) => getComputedStyle(e).fill);
}

t.test('an auditor sees the step turn red after a breach', async (t) => {
  // Monday 08:00 WIB: the whole walk stays inside office hours.
  const web = await startWebApp(t, { clock: new TestClock(new Date('2026-03-02T01:00:00Z')) });
  t.teardown(() => {
    if (web.problems.length) t.comment(`browser problems:\n${web.problems.join('\n')}`);
  });
  const staff = await web.user(ROLES, 'Petugas BKD');
  const auditor = await web.user(['auditor'], 'Inspektorat');

  const first = (await web.call('POST', `/definitions/${KEY}/instances`, staff.token, {})).json();
  await walk(web, staff.token, first.id, () => 2); // every step within its standard

  const page = await web.open(auditor.token, 'audit');
  t.same(await page.locator('nav.tabs a').allInnerTexts(), ['Dasbor Audit'], 'an auditor sees the dashboard only');
  await page.selectOption('#audit-definition', KEY);
  await page.waitForSelector(`#audit-diagram .djs-element.heat-ok[data-element-id="${STEP}"]`);
  t.equal(await fill(page, STEP), 'rgb(200, 230, 201)', 'green while every execution met the standard');
  await page.waitForSelector('#chain-status.chain-ok');
  t.match(await page.locator('#chain-status').innerText(), /Rantai audit utuh: \d+ peristiwa/);
  t.match(await page.locator('#breaches-box').innerText(), /Tidak ada langkah yang melewati/);

  // A second case spends 40 working minutes on the 30-minute consultation.
  const second = (await web.call('POST', `/definitions/${KEY}/instances`, staff.token, {})).json();
  await walk(web, staff.token, second.id, (id) => (id === STEP ? 40 : 2));

  await page.click('#audit-refresh');
  await page.waitForSelector(`#audit-diagram .djs-element.heat-breach[data-element-id="${STEP}"]`);
  t.equal(await fill(page, STEP), 'rgb(255, 205, 210)', 'red after the breach');
  t.equal(await page.locator(`#audit-diagram .djs-element.heat-ok[data-element-id="register-request"]`).count(), 1, 'the other steps stay green');
  t.equal(await page.locator(`#audit-diagram .heat-badge[data-element-id="${STEP}"]`).innerText(), '50%');

  // Hover: median and p90 against the standard.
  await page.hover(`#audit-diagram .djs-element[data-element-id="${STEP}"]`);
  await page.waitForFunction(() => document.querySelector('#heat-info')?.textContent?.includes('Median'));
  t.match(await page.locator('#heat-info').innerText(), /Median 2 menit · P90 40 menit · Standar 30 Menit · 2 selesai, 1 melewati standar/);

  const breachRow = page.locator(`#breach-table tbody tr[data-element-id="${STEP}"]`);
  t.equal(await breachRow.count(), 1, 'the breach is listed');
  t.match(await breachRow.innerText(), /10 menit\s+Selesai/);
  t.match(await page.locator(`#step-table tr.heat-breach[data-element-id="${STEP}"]`).innerText(), /50%/);
  await screenshot(page, 'web-audit');

  // The exports download with the auditor's token.
  const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
  t.match(csv.suggestedFilename(), /^sop-audit-bkd-kalteng-konsultasi-ekinerja-.*\.csv$/);
  const [xes] = await Promise.all([page.waitForEvent('download'), page.click('#export-xes')]);
  t.match(xes.suggestedFilename(), /\.xes$/);

  const phone = await web.open(auditor.token, 'audit', PHONE);
  await phone.selectOption('#audit-definition', KEY);
  await phone.waitForSelector(`#audit-diagram .djs-element.heat-breach[data-element-id="${STEP}"]`);
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  t.ok(overflow <= 1, `no sideways scrolling at phone width (overflow ${overflow}px)`);
  await screenshot(phone, 'web-audit-phone');
  t.same(web.problems, [], 'no errors in the browser');
});
