// The built-in send-task workers, end to end on the BKD NTB SOP: after row 2 the WhatsApp notification reaches a
// webhook receiver (signed), after row 3 the schedule is mailed to the ASN and the counsellor, each send task is
// completed in the run that reached it, the SOP sheet still lists the sheet's seven rows, and with no channel
// configured the messages are kept as undeliverable while the case goes on.
import { createHmac } from 'node:crypto';
import t, { type Test } from 'tap';
import { ADMIN_TOKEN, startApp, testDatabases, type TestApp } from '../helpers/app.js';
import { startSmtp, startWebhookReceiver } from '../helpers/notification-receivers.js';
import { NTB } from '../helpers/sealed-notes-case.js';
import { finishCase } from '../helpers/drive-case.js';

const SECRET = 'rahasia-webhook-uji-0123456789';
const values: Record<string, Record<string, unknown>> = {
  'fill-registration': { bentukDiinginkan: 'daring', unitKerja: 'BKD NTB', permasalahan: 'beban kerja' },
  'verify-and-schedule': { modus: 'daring', jadwalSesi: '2026-03-03T09:00:00+08:00', tautanZoom: 'https://zoom.us/j/123' },
};

/** Completes the case's open task with its documents, output and these values, as `token`. */
async function completeOpen(t: Test, app: TestApp, id: string, token: string): Promise<string> {
  const [task] = (await app.call('GET', `/tasks?instanceId=${id}`, ADMIN_TOKEN)).json().items;
  const res = await app.call('POST', `/tasks/${task.id}/complete`, token, { documents: task.requires.map((name: string) => ({ name })), output: task.output.map((name: string) => ({ name })), variables: values[task.elementId] ?? {} });
  t.equal(res.statusCode, 200, `${task.elementId} completed`);
  return task.elementId as string;
}

for (const database of await testDatabases()) {
  t.test(`[${database}] NTB end to end: the WA notification to a webhook, the schedule by e-mail`, async (t) => {
    const receiver = await startWebhookReceiver(t);
    const smtp = await startSmtp(t);
    const app = await startApp(t, { database, env: { WEBHOOK_URL: receiver.url, WEBHOOK_SECRET: SECRET, SMTP_URL: smtp.url } });
    const asn = await app.user(['bkd-ntb/asn'], 'Sari ASN');
    const uppk = await app.user(['bkd-ntb/admin-uppk'], 'Admin UPPK');
    const konselor = await app.user(['bkd-ntb/konselor'], 'Dr. Konselor');
    t.equal((await app.call('PATCH', '/me', asn.token, { phone: '+6281234567890', email: 'sari@ntb.go.id' })).statusCode, 200);
    t.equal((await app.call('PATCH', '/me', konselor.token, { email: 'konselor@ntb.go.id' })).statusCode, 200);
    const sheet = (await app.call('GET', `/definitions/${NTB}/sop`, ADMIN_TOKEN)).json();
    t.same(sheet.steps.map((s: { no: string }) => s.no), ['1', '2', '3', '4', '5', '6', '7'], 'the SOP sheet lists only its rows');

    const id = (await app.call('POST', `/definitions/${NTB}/instances`, asn.token, { businessKey: 'NTB-2026-001' })).json().id as string;
    t.equal(await completeOpen(t, app, id, asn.token), 'open-service-menu');
    t.equal(await completeOpen(t, app, id, asn.token), 'fill-registration');
    const [next] = (await app.call('GET', `/tasks?instanceId=${id}`, ADMIN_TOKEN)).json().items;
    t.equal(next.elementId, 'verify-and-schedule', 'the send task was done in the same request: row 3 is open');
    t.same(await app.app.services.externalTasks.forInstance(id), [], 'no external task waits');

    await app.app.services.notifications.dispatcher.tick();
    const wa = receiver.hooks.filter((h) => JSON.parse(h.body).type === 'send-task');
    t.equal(wa.length, 1, 'one WhatsApp message, to the ASN');
    const hook = wa[0]!;
    const signed = createHmac('sha256', Buffer.from(SECRET, 'utf8')).update(`${String(hook.headers['webhook-id'])}.${String(hook.headers['webhook-timestamp'])}.${hook.body}`).digest('base64');
    t.equal(hook.headers['webhook-signature'], `v1,${signed}`, 'the receiver verifies the HMAC');
    t.match(JSON.parse(hook.body).data, { recipient: { name: 'Sari ASN', phone: '+6281234567890' }, elementId: 'notify-registration-wa', businessKey: 'NTB-2026-001', variables: { unitKerja: 'BKD NTB', bentukDiinginkan: 'daring' } });
    t.match(String(hook.headers['webhook-id']), /^send-task:/);

    t.equal(await completeOpen(t, app, id, uppk.token), 'verify-and-schedule');
    await app.app.services.notifications.dispatcher.tick();
    const schedule = smtp.mails.filter((m) => /jadwal konseling/i.test(m.subject));
    t.same(schedule.map((m) => m.to).flat().sort(), ['konselor@ntb.go.id', 'sari@ntb.go.id'], 'the schedule goes to the ASN and the counsellor');
    t.match(schedule[0]?.text, /tautanZoom: https:\/\/zoom.us\/j\/123/);

    const events = (await app.call('GET', `/audit/instances/${id}`, ADMIN_TOKEN)).json().events as Array<{ type: string; elementId: string | null; userId: string | null }>;
    t.same(events.filter((e) => e.type.startsWith('external-task.')).map((e) => [e.type, e.elementId, e.userId]), [
      ['external-task.created', 'notify-registration-wa', asn.id],
      ['external-task.completed', 'notify-registration-wa', 'system'],
      ['external-task.created', 'send-schedule', uppk.id],
      ['external-task.completed', 'send-schedule', 'system'],
    ]);
    await finishCase(app, id, ADMIN_TOKEN);
    t.equal((await app.call('GET', `/instances/${id}`, ADMIN_TOKEN)).json().status, 'completed', 'the case runs to its end');
  });
}

t.test('with no channel configured the case goes on and the messages are kept as undeliverable', async (t) => {
  const app = await startApp(t);
  const asn = await app.user(['bkd-ntb/asn'], 'Sari ASN');
  await app.call('PATCH', '/me', asn.token, { phone: '+6281234567890' });
  const id = (await app.call('POST', `/definitions/${NTB}/instances`, asn.token, {})).json().id as string;
  await completeOpen(t, app, id, asn.token);
  await completeOpen(t, app, id, asn.token);
  t.equal((await app.call('GET', `/tasks?instanceId=${id}`, ADMIN_TOKEN)).json().items[0].elementId, 'verify-and-schedule');
  const rows = (await app.app.services.notifications.outbox.list({ limit: 50 })).filter((r) => r.kind === 'send-task');
  t.match(rows, [{ channel: 'webhook', status: 'undeliverable', lastError: 'WEBHOOK_URL is not set', recipientUserId: asn.id }]);
});

t.test('BUILTIN_SEND_WORKERS=off: a send task waits for an outside worker like any topic', async (t) => {
  const app = await startApp(t, { env: { BUILTIN_SEND_WORKERS: 'off' } });
  const asn = await app.user(['bkd-ntb/asn']);
  const id = (await app.call('POST', `/definitions/${NTB}/instances`, asn.token, {})).json().id as string;
  await completeOpen(t, app, id, asn.token);
  await completeOpen(t, app, id, asn.token);
  t.same((await app.call('GET', `/tasks?instanceId=${id}`, ADMIN_TOKEN)).json().items, [], 'no person has a task');
  t.match(await app.app.services.externalTasks.forInstance(id), [{ elementId: 'notify-registration-wa', topic: 'notify.webhook' }]);
});
