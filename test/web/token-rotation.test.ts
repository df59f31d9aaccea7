// "Ganti token" in Chromium: a counsellor signed in with the token an admin issued records a confidential step, is
// refused its content with an explanation, rotates the token in the page (shown once), and then reads the content;
// the old token is dead. The ADMIN_TOKEN account is offered no rotation.
import t from 'tap';
import { ADMIN_TOKEN, TestClock } from '../helpers/app.js';
import { caseWithSealedNotes } from '../helpers/sealed-notes-case.js';
import { startWebApp } from '../helpers/browser.js';

t.test('an enrolment token is rotated in the page, and the sealed notes open with the new one', async (t) => {
  const web = await startWebApp(t, { clock: new TestClock(new Date('2026-03-02T01:00:00Z')) });
  t.teardown(() => {
    if (web.problems.length) t.comment(`browser problems:\n${web.problems.join('\n')}`);
  });
  const asn = await web.user(['bkd-ntb/asn'], 'Ani');
  const uppk = await web.user(['bkd-ntb/admin-uppk'], 'Admin UPPK');
  // The token an admin issued: it records the confidential step, but cannot read it back.
  const konselor = await web.user(['bkd-ntb/konselor'], 'Konselor Dewi');
  t.equal((await web.call('GET', '/me', konselor.token)).json().tokenKind, 'enrolment');
  const { instanceId, notesTask } = await caseWithSealedNotes(t, web, { asn: asn.token, uppk: uppk.token, konselor: konselor.token });

  const page = await web.open(konselor.token, 'tugas');
  t.ok(await page.locator('#rotate-token').isVisible(), 'the header offers "Ganti token"');
  const record = page.locator(`#sealed-records li[data-task-id="${notesTask}"]`);
  await record.waitFor();
  await record.locator('button[data-read]').click();
  const notice = record.locator('.notice[data-reason="enrolment-token"]');
  await notice.waitFor();
  t.match(await notice.innerText(), /hanya terbuka dengan token milik Anda sendiri[\s\S]*diberikan oleh admin/);
  t.equal(await record.locator('dl.facts').count(), 0, 'no content with the enrolment token');

  // The explanation's button opens the rotation: a confirmation first, then the new token once.
  await notice.locator('button[data-action="rotate-token"]').click();
  const dialog = page.locator('#rotate-dialog');
  await dialog.waitFor();
  t.match(await dialog.innerText(), /Ganti token\?[\s\S]*diberikan oleh admin[\s\S]*hanya ditampilkan sekali[\s\S]*Token lama langsung berhenti berlaku/);
  await page.click('#rotate-confirm');
  const field = page.locator('#new-token');
  await field.waitFor();
  const fresh = await field.inputValue();
  t.ok(fresh.length >= 32 && fresh !== konselor.token, 'a new token is shown');
  t.match(await dialog.innerText(), /Token ini hanya ditampilkan sekali ini\. Token lama Anda sudah tidak berlaku/);
  await page.click('#copy-token');
  await dialog.locator('[role=status]', { hasText: /Tersalin|salin sendiri/ }).waitFor();
  t.equal(await page.evaluate(() => sessionStorage.getItem('sop-token')), fresh, 'the page goes on with the new token');

  await page.click('#rotate-done');
  await dialog.waitFor({ state: 'detached' });
  t.equal(await page.locator('#new-token').count(), 0, 'shown once: the token left the page with the dialog');

  // The read is tried again with the new token when the rotation ends; "Baca isi" reads it too.
  await record.locator('dl.facts').waitFor();
  await record.locator('button[data-read]').click();
  await record.locator('dl.facts').waitFor();
  const shown = await record.locator('dl.facts').innerText();
  t.match(shown, /Konseli merasa lebih tenang setelah sesi\./);
  t.match(shown, /Laporan tersegel/);

  t.equal((await web.call('GET', '/me', konselor.token)).statusCode, 401, 'the old token is refused by the API');
  t.match((await web.call('GET', '/me', fresh)).json(), { id: konselor.id, tokenKind: 'own' });
  const reads = (await web.call('GET', `/audit/instances/${instanceId}`, ADMIN_TOKEN)).json().events.filter((e: { type: string }) => e.type === 'content.read');
  t.ok(reads.length >= 1 && reads.every((e: { userId: string }) => e.userId === konselor.id), 'every read audited, by the author');

  // The header's button asks first; cancelling changes nothing.
  await page.click('#rotate-token');
  await page.locator('#rotate-dialog').waitFor();
  t.notMatch(await page.locator('#rotate-dialog').innerText(), /diberikan oleh admin/, 'an own token is not called an admin\'s');
  await page.click('#rotate-cancel');
  await page.locator('#rotate-dialog').waitFor({ state: 'detached' });
  t.equal((await web.call('GET', '/me', fresh)).statusCode, 200, 'cancelled: the token still works');

  // The ADMIN_TOKEN account's token is configuration: no button (POST /me/token would answer 409).
  const admin = await web.open(ADMIN_TOKEN, 'tugas');
  t.equal(await admin.locator('#rotate-token').count(), 0);
  t.equal((await web.call('POST', '/me/token', ADMIN_TOKEN)).statusCode, 409);
  t.same(web.problems, [], 'no errors in the browser');
});

t.test('a rotation refused because the account was deactivated meanwhile returns to sign-in', async (t) => {
  const web = await startWebApp(t);
  const user = await web.user(['bkd-ntb/konselor'], 'Konselor Eko');
  const page = await web.open(user.token, 'tugas');
  // The account is deactivated behind the page's back: the rotation is refused and the page returns to sign-in.
  await page.click('#rotate-token');
  await page.locator('#rotate-dialog').waitFor();
  t.equal((await web.call('PATCH', `/users/${user.id}`, ADMIN_TOKEN, { active: false })).statusCode, 200);
  await page.click('#rotate-confirm');
  await page.locator('form.signin .notice.error').waitFor();
  t.equal(await page.evaluate(() => sessionStorage.getItem('sop-token')), null, 'signed out');
});
