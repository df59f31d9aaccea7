// Webhooks: signed per Standard Webhooks, retried with backoff until failed, then retried by an admin; an owner's
// assignment notifies the new assignee.
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { ADMIN_TOKEN, FIXTURES, startApp, tempDir, testDatabases } from '../helpers/app.js';
import { startWebhookReceiver, type ReceivedHook } from '../helpers/notification-receivers.js';

const SECRET = 'whsec_' + Buffer.from('rahasia-webhook-uji-0123456789').toString('base64');

/** What a receiver does (standardwebhooks.com): recompute the signature over id.timestamp.body with the decoded key. */
function verify(hook: ReceivedHook, nowS: number): boolean {
  const id = String(hook.headers['webhook-id']);
  const ts = String(hook.headers['webhook-timestamp']);
  if (Math.abs(nowS - Number(ts)) > 300) return false;
  const expected = createHmac('sha256', Buffer.from(SECRET.slice(6), 'base64')).update(`${id}.${ts}.${hook.body}`).digest('base64');
  return String(hook.headers['webhook-signature']).split(' ').includes(`v1,${expected}`);
}

for (const database of await testDatabases()) {
  t.test(`webhooks (${database})`, async (t) => {
    const receiver = await startWebhookReceiver(t);
    const dir = tempDir(t);
    fs.copyFileSync(path.join(FIXTURES, 'two-step.bpmn'), path.join(dir, 'two-step.bpmn'));
    const app = await startApp(t, { database, processesDir: dir, env: { WEBHOOK_URL: receiver.url, WEBHOOK_SECRET: SECRET } });
    const { dispatcher } = app.app.services.notifications;
    const ani = await app.user(['uji/staf'], 'Ani');
    const budi = await app.user(['uji/staf'], 'Budi');
    const owner = await app.user(['owner:uji'], 'Pemilik');
    t.match((await app.call('PATCH', '/me', budi.token, { phone: '+62 812-3456-7890' })).json(), { phone: '+6281234567890' });

    // Given a case whose first task goes to the role Budi holds, when the dispatcher runs,
    const id = (await app.call('POST', '/definitions/uji-dua-langkah/instances', ani.token, {})).json().id as string;
    const task = (await app.call('GET', `/tasks?instanceId=${id}`, ani.token)).json().items[0];
    t.match(await dispatcher.tick(), { written: 1, delivered: 1 });

    // then the receiver got one signed, timestamped POST naming Budi's phone and the task.
    t.equal(receiver.hooks.length, 1);
    const hook = receiver.hooks[0]!;
    t.ok(verify(hook, app.clock.now.getTime() / 1000), 'the HMAC and the timestamp verify');
    t.notOk(verify({ ...hook, body: hook.body.replace('Budi', 'Bud1') }, app.clock.now.getTime() / 1000), 'a changed body does not');
    t.notOk(verify(hook, app.clock.now.getTime() / 1000 + 3600), 'an old delivery replayed an hour later does not');
    t.equal(hook.headers['content-type'], 'application/json');
    const payload = JSON.parse(hook.body);
    t.match(payload, { type: 'task.created', data: { recipient: { id: budi.id, name: 'Budi', phone: '+6281234567890' }, taskId: task.id, step: '1', activity: 'Menerima berkas', subject: 'Tugas baru: Menerima berkas (Uji dua langkah)' } });
    t.match(String(hook.headers['webhook-id']), new RegExp(`^audit-\\d+:webhook:${budi.id}$`));

    // Given the receiver is down, when an owner assigns the task to Budi,
    receiver.status = 503;
    t.equal((await app.call('POST', `/tasks/${task.id}/assign`, owner.token, { userId: budi.id })).statusCode, 200);
    t.match(await dispatcher.tick(), { written: 1, delivered: 0, failedAttempts: 1 });
    const failing = (await app.call('GET', '/outbox?status=pending', ADMIN_TOKEN)).json().items;
    t.equal(failing.length, 1);
    t.match(failing[0], { kind: 'task.assigned', attempts: 1, lastError: /webhook answered 503/ });
    t.equal(failing[0].nextAttemptAt, new Date(app.clock.now.getTime() + 30_000).toISOString(), 'the first retry waits 30 s');

    // then nothing is tried before its time; each attempt waits twice as long as the one before, and the sixth is the last.
    t.match(await dispatcher.tick(), { delivered: 0, failedAttempts: 0 }, 'not due yet');
    const waits: number[] = [];
    for (let attempt = 2; attempt <= 6; attempt++) {
      const row = (await app.call('GET', '/outbox?status=pending', ADMIN_TOKEN)).json().items[0];
      const wait = Date.parse(row.nextAttemptAt) - app.clock.now.getTime();
      waits.push(wait);
      app.clock.advance(wait);
      t.match(await dispatcher.tick(), { failedAttempts: 1 }, `attempt ${attempt}`);
    }
    t.same(waits, [30_000, 60_000, 120_000, 240_000, 480_000]);
    const failed = (await app.call('GET', '/outbox?status=failed', ADMIN_TOKEN)).json().items;
    t.equal(failed.length, 1);
    t.match(failed[0], { status: 'failed', attempts: 6, lockedBy: null });
    t.equal(receiver.hooks.length, 7);
    t.ok(receiver.hooks.slice(1).every((h) => h.headers['webhook-id'] === failed[0].idempotencyKey), 'every attempt carries the same key');
    app.clock.advance(3_600_000);
    t.match(await dispatcher.tick(), { delivered: 0, failedAttempts: 0 }, 'a failed row waits for an admin');

    // When the receiver is back and an admin retries, it is delivered with the same key.
    receiver.status = 200;
    t.equal((await app.call('POST', `/outbox/${failed[0].id}/retry`, budi.token)).statusCode, 403, 'admins only');
    t.equal((await app.call('POST', '/outbox/nope/retry', ADMIN_TOKEN)).statusCode, 404);
    t.equal((await app.call('POST', `/outbox/${failing[0].id}/retry`, ADMIN_TOKEN)).statusCode, 200);
    t.match(await dispatcher.tick(), { delivered: 1 });
    const retried = (await app.call('GET', '/outbox?status=delivered', ADMIN_TOKEN)).json().items;
    t.equal(retried.length, 2);
    t.equal(receiver.hooks.at(-1)?.headers['webhook-id'], failed[0].idempotencyKey);
    t.match((await app.call('POST', `/outbox/${failed[0].id}/retry`, ADMIN_TOKEN)).json(), { statusCode: 409, details: { state: 'delivered' } });
    t.equal((await app.call('GET', '/outbox', budi.token)).statusCode, 403);
  });
}
