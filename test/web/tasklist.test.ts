// The tasklist in Chromium: a staff member sees the overdue task in red, claims it, is told what is missing,
// then completes it with its documents (one uploaded) and output; the API shows exactly that.
import t from 'tap';
import { ADMIN_TOKEN, TestClock } from '../helpers/app.js';
import { caseWithSealedNotes } from '../helpers/sealed-notes-case.js';
import { checkPhoneWidth, screenshot, startWebApp } from '../helpers/browser.js';

const KEY = 'bkd-kalteng-konsultasi-ekinerja';
const ROLES = ['bkd-kalteng/kepala-badan', 'bkd-kalteng/kabid', 'bkd-kalteng/jft', 'bkd-kalteng/kasubbid-umum-kepegawaian', 'bkd-kalteng/jfu-tu'];

t.test('a staff member claims and completes a task with documents and output', async (t) => {
  const web = await startWebApp(t, { clock: new TestClock(new Date('2026-03-02T01:00:00Z')) });
  t.teardown(() => {
    if (web.problems.length) t.comment(`browser problems:\n${web.problems.join('\n')}`);
  });
  const staff = await web.user(ROLES, 'Petugas BKD');
  const late = (await web.call('POST', `/definitions/${KEY}/instances`, staff.token, { businessKey: 'KONS-001' })).json();
  web.clock.advance(10 * 60_000); // past register-request's 5 minutes
  const fresh = (await web.call('POST', `/definitions/${KEY}/instances`, staff.token, { businessKey: 'KONS-002' })).json();
  const [lateTask] = (await web.call('GET', `/tasks?instanceId=${late.id}`, staff.token)).json().items;
  const [freshTask] = (await web.call('GET', `/tasks?instanceId=${fresh.id}`, staff.token)).json().items;

  const page = await web.open(staff.token, 'tugas');
  const items = page.locator('#tasks li.task');
  await items.nth(1).waitFor();
  t.same(await items.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.taskId)), [lateTask.id, freshTask.id], 'sorted by due date');
  t.ok(await page.locator(`#tasks li.task.overdue[data-task-id="${lateTask.id}"]`).isVisible(), 'the task past its standard is marked overdue');
  t.equal(await page.locator(`#tasks li.task[data-task-id="${freshTask.id}"].overdue`).count(), 0, 'the fresh one is not');
  const lateColour = await page.locator(`#tasks li.task[data-task-id="${lateTask.id}"] .due`).evaluate((e) => getComputedStyle(e).color);
  t.equal(lateColour, 'rgb(198, 40, 40)', 'overdue in red');
  t.match(await page.locator(`#tasks li.task[data-task-id="${lateTask.id}"]`).innerText(), /Terlambat/);

  // The first task is open in the form, its step highlighted on the case's diagram.
  await page.waitForSelector('#task-detail h2');
  t.match(await page.locator('#task-detail h2').innerText(), /Langkah 1: .*/);
  t.match(await page.locator('#task-detail dl.facts').innerText(), /Pelaksana\s+JFU TU/i);
  await page.waitForSelector('#task-diagram .djs-element.step-current[data-element-id="register-request"]');
  await screenshot(page, 'web-tasklist', { fullPage: true });

  await page.click('#claim');
  await page.waitForSelector('#unclaim');
  t.equal((await web.call('GET', `/tasks/${lateTask.id}`, staff.token)).json().status, 'claimed', 'claimed through the page');

  // Completing without the document: the server's 422 and the missing name are shown.
  await page.click('#complete');
  const error = page.locator('#complete-form .notice.error');
  await error.waitFor();
  t.equal(await error.getAttribute('data-code'), 'SOP_ERR_MISSING_DOCUMENTS');
  t.match(await error.innerText(), /Lembar Konsultasi/);

  await page.check('input[data-document="Lembar Konsultasi"]');
  await page.fill('#doc-ref-0', 'LK-001');
  await page.setInputFiles('#doc-file-0', { name: 'lembar-konsultasi.txt', mimeType: 'text/plain', buffer: Buffer.from('Lembar Konsultasi KONS-001') });
  await page.check('input[data-output="Data Pemohon"]');
  await page.fill('#out-value-0', 'Pemohon: Budi');
  await page.check('input[data-output="Lembar Konsultasi"]');
  await page.click('#complete');
  // The claim's notice is still there until the completion answers; wait for the completion's own.
  const completed = page.locator('#task-detail .notice.ok', { hasText: 'Tugas selesai' });
  await completed.waitFor();
  t.match(await completed.innerText(), /Tugas selesai: Langkah 1, Menerima/);

  const done = (await web.call('GET', `/tasks/${lateTask.id}`, staff.token)).json();
  t.equal(done.status, 'completed');
  t.match(done.documents, [{ name: 'Lembar Konsultasi', ref: 'LK-001', attachmentId: String, sha256: /^[0-9a-f]{64}$/ }]);
  t.same(done.recordedOutput, [{ name: 'Data Pemohon', value: 'Pemohon: Budi' }, { name: 'Lembar Konsultasi' }]);

  // The case's next step is selected, and the completed one shows as done on the diagram.
  await page.waitForSelector('#task-diagram .djs-element.step-done[data-element-id="register-request"]');
  await page.waitForSelector('#task-diagram .djs-element.step-current[data-element-id="assign-escort"]');

  await checkPhoneWidth(t, web, staff.token, 'tugas', '#task-detail h2', 'web-tasklist-phone');
  t.same(web.problems, [], 'no errors in the browser');
});

t.test("a counsellor reads back the notes sealed at a confidential step, and the read is audited", async (t) => {
  const web = await startWebApp(t, { clock: new TestClock(new Date('2026-03-02T01:00:00Z')) });
  t.teardown(() => {
    if (web.problems.length) t.comment(`browser problems:\n${web.problems.join('\n')}`);
  });
  const asn = await web.user(['bkd-ntb/asn'], 'Ani');
  const uppk = await web.user(['bkd-ntb/admin-uppk'], 'Admin UPPK');
  const enrolled = await web.user(['bkd-ntb/konselor'], 'Konselor Dewi');
  // Sealed content needs the author's own token, not the one the admin issued.
  const konselor = { id: enrolled.id, token: (await web.call('POST', '/me/token', enrolled.token)).json().token as string };
  const { instanceId, notesTask } = await caseWithSealedNotes(t, web, { asn: asn.token, uppk: uppk.token, konselor: konselor.token });

  const page = await web.open(konselor.token, 'tugas');
  const record = page.locator(`#sealed-records li[data-task-id="${notesTask}"]`);
  await record.waitFor();
  t.match(await record.innerText(), /Langkah 5/);
  t.notMatch(await record.innerText(), /lebih tenang/, 'the content is not shown before it is asked for');
  await record.locator('button').click();
  await record.locator('dl.facts').waitFor();
  const shown = await record.locator('dl.facts').innerText();
  t.match(shown, /Konseli merasa lebih tenang setelah sesi\./);
  t.match(shown, /Laporan tersegel/);
  await screenshot(page, 'web-sealed-notes', { fullPage: true });
  const events = (await web.call('GET', `/audit/instances/${instanceId}`, ADMIN_TOKEN)).json().events as Array<{ type: string; userId: string }>;
  t.same(events.filter((e) => e.type === 'content.read').map((e) => e.userId), [konselor.id], 'one audited read, by the author');

  const colleague = await web.user(['bkd-ntb/konselor'], 'Konselor Eko');
  const other = await web.open(colleague.token, 'tugas');
  await other.waitForSelector('#tasks li');
  t.ok(await other.locator('#sealed-card').isHidden(), 'another counsellor has no sealed records to read');
  t.same(web.problems, [], 'no errors in the browser');
});
