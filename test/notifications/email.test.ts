// A task created for a role reaches its holders by e-mail through an SMTP server, in Indonesian, with a link.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { ADMIN_TOKEN, FIXTURES, startApp, tempDir, testDatabases } from '../helpers/app.js';
import { startSmtp } from '../helpers/notification-receivers.js';

for (const database of await testDatabases()) {
  t.test(`the mail of a created task (${database})`, async (t) => {
    const smtp = await startSmtp(t);
    const dir = tempDir(t);
    fs.copyFileSync(path.join(FIXTURES, 'two-step.bpmn'), path.join(dir, 'two-step.bpmn'));
    const app = await startApp(t, { database, processesDir: dir, env: { SMTP_URL: smtp.url, MAIL_FROM: 'SOP Uji <sop@uji.go.id>', PUBLIC_URL: 'https://sop.uji.go.id/' } });
    const ani = await app.user(['uji/staf'], 'Ani');
    const kepala = await app.user(['uji/kepala'], 'Kepala Bagian');
    const nobody = await app.user(['uji/kepala'], 'Tanpa Surel');
    t.equal((await app.call('PATCH', '/me', ani.token, { email: 'ani@uji.go.id' })).statusCode, 200);
    t.match((await app.call('PATCH', '/me', kepala.token, { email: 'kepala@uji.go.id' })).json(), { email: 'kepala@uji.go.id', phone: null });

    // Given a case whose first step Ani completes, when the Kepala's step is created and the outbox is dispatched,
    const id = (await app.call('POST', '/definitions/uji-dua-langkah/instances', ani.token, { businessKey: 'UJI-7' })).json().id as string;
    const first = (await app.call('GET', `/tasks?instanceId=${id}`, ani.token)).json().items[0];
    const done = await app.call('POST', `/tasks/${first.id}/complete`, ani.token, { documents: [{ name: 'Surat Permohonan' }], output: [{ name: 'Agenda' }] });
    t.equal(done.statusCode, 200);
    const second = (await app.call('GET', `/tasks?instanceId=${id}`, kepala.token)).json().items[0];
    const tick = await app.app.services.notifications.dispatcher.tick();

    // then Ani got the first step's mail and the Kepala the second's; the holder without an address none.
    t.match(tick, { written: 1, delivered: 1, failedAttempts: 0 }, "the first step was done before the tick: stale news is not sent");
    t.equal(smtp.mails.length, 1);
    const mail = smtp.mails[0]!;
    t.same(mail.to, ['kepala@uji.go.id']);
    t.equal(mail.from, 'sop@uji.go.id');
    t.equal(mail.subject, 'Tugas baru: Memutuskan (Uji dua langkah)');
    t.match(mail.text, 'Yth. Kepala Bagian');
    t.match(mail.text, 'Langkah: 2');
    t.match(mail.text, 'Kegiatan: Memutuskan');
    t.match(mail.text, 'Pelaksana: Kepala');
    t.match(mail.text, 'Nomor berkas: UJI-7');
    t.match(mail.text, `https://sop.uji.go.id/app/#/tugas/${second.id}`);
    t.match(mail.text, /Batas waktu: \w+, \d+ \w+ 2026 pukul \d\d\.\d\d WITA/, 'the due date in the SOP calendar zone (wita)');
    const outbox = (await app.call('GET', '/outbox', ADMIN_TOKEN)).json();
    t.equal(outbox.items.length, 1);
    const row = outbox.items[0];
    t.match(row, { channel: 'email', kind: 'task.created', recipientUserId: kepala.id, address: 'kepala@uji.go.id', status: 'delivered', attempts: 1, deliveredAt: String });
    t.equal(mail.headers.get('x-idempotency-key'), row.idempotencyKey);
    t.match(mail.headers.get('message-id'), /^<audit-\d+\.email\.[0-9a-f-]+@sop\.uji\.go\.id>$/);
    t.notOk(outbox.items.some((r: { recipientUserId: string }) => r.recipientUserId === nobody.id));

    // A second tick finds nothing new.
    t.match(await app.app.services.notifications.dispatcher.tick(), { written: 0, delivered: 0 });
    t.equal(smtp.mails.length, 1);
  });
}

t.test('a refusing SMTP server, and delivery after commit without a tick from the test', async (t) => {
  const smtp = await startSmtp(t);
  const dir = tempDir(t);
  fs.copyFileSync(path.join(FIXTURES, 'two-step.bpmn'), path.join(dir, 'two-step.bpmn'));
  // The poll is on (an hour, so only the kick after the request's commit can deliver in this test).
  const app = await startApp(t, { processesDir: dir, env: { SMTP_URL: smtp.url, OUTBOX_POLL_MS: '3600000' } });
  const ani = await app.user(['uji/staf'], 'Ani');
  await app.call('PATCH', '/me', ani.token, { email: 'ani@uji.go.id' });

  // Given the server refuses, when a task is created, the attempt fails with the server's answer.
  smtp.refuse = true;
  await app.call('POST', '/definitions/uji-dua-langkah/instances', ani.token, {});
  const { dispatcher, outbox } = app.app.services.notifications;
  await dispatcher.tick();
  const [row] = await outbox.list({ limit: 5 });
  t.match(row, { status: 'pending', attempts: 1, lastError: /451|mailbox busy/ });

  // When it accepts again and a later request commits, the kick delivers both without the test ticking.
  smtp.refuse = false;
  app.clock.advance(30_000);
  await app.call('POST', '/definitions/uji-dua-langkah/instances', ani.token, {});
  await smtp.arrived;
  await dispatcher.stop();
  const delivered = (await outbox.list({ limit: 5, status: 'delivered' })).length;
  t.ok(delivered >= 1, 'delivered after the commit');
  t.equal(smtp.mails.length, new Set(smtp.mails.map((m) => m.headers.get('x-idempotency-key'))).size, 'no key twice');
});
