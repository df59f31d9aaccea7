// The pure parts of notifications: configuration, templates, dates, backoff, signing key and Message-ID.
import t from 'tap';
import { loadConfig } from '../../src/config.js';
import { messageId, webhookHeaders, webhookKey } from '../../src/notifications/channels.js';
import { backoffMs } from '../../src/notifications/outbox-dispatcher.js';
import { mergePreferences, NOTIFICATION_KINDS, resolvePreferences } from '../../src/notifications/preferences.js';
import { fill, formatDue, render, TEMPLATES } from '../../src/notifications/templates.js';

t.test('configuration', async (t) => {
  const defaults = loadConfig({}).notifications;
  t.same(defaults, { smtpUrl: undefined, mailFrom: 'SOP BPMN <noreply@127.0.0.1>', webhookUrl: undefined, webhookSecret: undefined, publicUrl: 'http://127.0.0.1:3000', pollMs: 5000 });
  t.equal(loadConfig({ HOST: '::1', PORT: '8080' }).notifications.publicUrl, 'http://[::1]:8080');
  t.equal(loadConfig({ HOST: '::1' }).notifications.mailFrom, 'SOP BPMN <noreply@localhost>');
  const set = loadConfig({ SMTP_URL: 'smtps://u:p@mail.go.id:465', MAIL_FROM: 'SOP <sop@go.id>', WEBHOOK_URL: 'https://wa.go.id/hook', WEBHOOK_SECRET: 'whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQ=', PUBLIC_URL: 'https://sop.go.id//', OUTBOX_POLL_MS: '0' }).notifications;
  t.match(set, { smtpUrl: 'smtps://u:p@mail.go.id:465', mailFrom: 'SOP <sop@go.id>', webhookUrl: 'https://wa.go.id/hook', publicUrl: 'https://sop.go.id', pollMs: 0 });
  t.throws(() => loadConfig({ SMTP_URL: 'http://mail' }), /SMTP_URL: must be smtp:/);
  t.throws(() => loadConfig({ WEBHOOK_URL: 'ftp://x' }), /WEBHOOK_URL: must be an http/);
  t.throws(() => loadConfig({ WEBHOOK_URL: 'https://x/h' }), /WEBHOOK_SECRET: must be set when WEBHOOK_URL is/);
  t.throws(() => loadConfig({ WEBHOOK_SECRET: 'short' }), /WEBHOOK_SECRET: must be at least 16/);
  t.throws(() => loadConfig({ PUBLIC_URL: 'sop.go.id' }), /PUBLIC_URL/);
  t.throws(() => loadConfig({ OUTBOX_POLL_MS: '' }), /OUTBOX_POLL_MS: is empty/);
});

t.test('templates only substitute', async (t) => {
  const values = { recipientName: '{sopName}', sopName: 'SOP', sopKey: 'k', version: '1', organisation: 'O', step: '2', activity: 'A\nB', roleName: 'R', dueAt: 'D', link: 'L', businessKey: 'B', outcome: 'selesai', elementName: 'E' };
  t.equal(fill('{recipientName} {unknown} {constructor}', values), '{sopName} {unknown} {constructor}', 'a value is not read again; other names stay as written');
  t.equal(render('task.created', values).subject, 'Tugas baru: A B (SOP)', 'a subject is one line');
  for (const kind of NOTIFICATION_KINDS) t.ok(TEMPLATES[kind].body.includes('{recipientName}'), kind);
});

t.test('due dates in the SOP zone', async (t) => {
  t.equal(formatDue('2026-03-03T03:30:00Z', 'Asia/Jakarta'), 'Selasa, 3 Maret 2026 pukul 10.30 WIB');
  t.equal(formatDue('2026-03-03T03:30:00Z', 'Asia/Makassar'), 'Selasa, 3 Maret 2026 pukul 11.30 WITA');
  t.equal(formatDue('2026-03-03T03:30:00Z', 'Asia/Jayapura'), 'Selasa, 3 Maret 2026 pukul 12.30 WIT');
  t.equal(formatDue('2026-03-03T03:30:00Z', 'Asia/Tokyo'), 'Selasa, 3 Maret 2026 pukul 12.30 UTC+9');
  t.equal(formatDue(null, 'Asia/Jakarta'), 'tanpa batas waktu');
});

t.test('preferences', async (t) => {
  t.same(resolvePreferences(null)['task.overdue'], { email: true, webhook: true });
  t.same(mergePreferences({ 'case.ended': { email: false } }, { 'case.ended': { webhook: false }, escalation: { email: false } })['case.ended'], { email: false, webhook: false });
});

t.test('backoff, signing and Message-ID', async (t) => {
  t.same([1, 2, 3, 4].map((n) => backoffMs(30_000, n)), [30_000, 60_000, 120_000, 240_000]);
  t.equal(backoffMs(30_000, 40), 3_600_000, 'capped at an hour');
  t.same(webhookKey('whsec_AQID'), Buffer.from([1, 2, 3]));
  t.same(webhookKey('plain-secret'), Buffer.from('plain-secret'));
  // The example of the Standard Webhooks specification (standardwebhooks.com).
  const spec = webhookHeaders(webhookKey('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'), 'msg_p5jXN8AQM9LWM0D4loKWxJek', new Date(1614265330_000), '{"test": 2432232314}');
  t.equal(spec['webhook-signature'], 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  t.equal(spec['webhook-timestamp'], '1614265330');
  t.equal(messageId('audit-12:email:ab-cd', 'https://sop.go.id'), '<audit-12.email.ab-cd@sop.go.id>');
});
