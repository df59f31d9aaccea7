// The audit dashboard and the modeler in Chromium name the calendar a SOP counts on, and warn while a calendar
// lacks confirmed holidays for the next year (within 90 days of its start), as GET /health does.
import t from 'tap';
import { TestClock } from '../helpers/app.js';
import { startWebApp } from '../helpers/browser.js';

const KEY = 'bkd-kalteng-konsultasi-ekinerja';

t.test('the auditor and the owner see which calendar counts and which lacks 2027', async (t) => {
  // 5 October 2026: 88 days before 2027, whose holidays are not loaded.
  const web = await startWebApp(t, { clock: new TestClock(new Date('2026-10-05T01:00:00Z')) });
  t.teardown(() => {
    if (web.problems.length) t.comment(`browser problems:\n${web.problems.join('\n')}`);
  });
  const auditor = await web.user(['auditor'], 'Inspektorat');
  const owner = await web.user(['owner:bkd-kalteng'], 'Pemilik Proses BKD');

  const audit = await web.open(auditor.token, 'audit');
  await audit.selectOption('#audit-definition', KEY);
  await audit.waitForFunction(() => document.querySelector('#audit-calendar')?.textContent?.includes('Kalender kerja'));
  t.equal(await audit.locator('#audit-calendar').innerText(), 'Kalender kerja: wib (Asia/Jakarta)');
  await audit.locator('#calendar-warnings li[data-calendar="wib"][data-year="2027"]').waitFor();
  t.match(await audit.locator('#calendar-warnings').innerText(), /Kalender wib belum memuat hari libur resmi tahun 2027/);

  const modeler = await web.open(owner.token, 'pemodel');
  await modeler.waitForFunction(() => document.querySelector('#model-calendar')?.textContent?.includes('wib'));
  t.equal(await modeler.locator('#model-calendar').innerText(), 'Kalender kerja: wib (Asia/Jakarta)');
  t.equal(await modeler.locator('#calendar-warnings li').count(), 3, 'wib, wit and wita');
});
