// At least once, never twice while a lease holds: two processes on one database deliver each message once; a
// process that dies holding a row leaves it to the next one once the lease runs out, with the same key.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { FIXTURES, startApp, tempDir, testDatabases, TestClock } from '../helpers/app.js';
import { startWebhookReceiver } from '../helpers/notification-receivers.js';

const SECRET = 'rahasia-webhook-uji-0123456789';

for (const database of await testDatabases()) {
  t.test(`two dispatchers on one database (${database})`, async (t) => {
    const receiver = await startWebhookReceiver(t);
    const dir = tempDir(t);
    fs.copyFileSync(path.join(FIXTURES, 'two-step.bpmn'), path.join(dir, 'two-step.bpmn'));
    const clock = new TestClock();
    const env = { WEBHOOK_URL: receiver.url, WEBHOOK_SECRET: SECRET };
    const a = await startApp(t, { database, processesDir: dir, clock, env });
    const b = await startApp(t, { databaseUrl: a.databaseUrl, dir: tempDir(t), processesDir: dir, clock, env });
    const staff = [];
    for (let i = 0; i < 4; i++) {
      const u = await a.user(['uji/staf'], `Staf ${i}`);
      await a.call('PATCH', '/me', u.token, { phone: `+628100000000${i}` });
      staff.push(u);
    }
    // Given 6 cases started through both processes (24 messages),
    for (let i = 0; i < 6; i++) {
      const via = i % 2 === 0 ? a : b;
      t.equal((await via.call('POST', '/definitions/uji-dua-langkah/instances', staff[0]!.token, {})).statusCode, 201);
    }
    // when both dispatchers run at the same time, twice,
    const [ta, tb] = await Promise.all([a.app.services.notifications.dispatcher.tick(), b.app.services.notifications.dispatcher.tick()]);
    await Promise.all([a.app.services.notifications.dispatcher.tick(), b.app.services.notifications.dispatcher.tick()]);

    // then every message was written once and reached the receiver exactly once.
    t.equal(ta.written + tb.written, 24, 'the rows were written once');
    t.equal(ta.delivered + tb.delivered, 24);
    const ids = receiver.hooks.map((h) => String(h.headers['webhook-id']));
    t.equal(ids.length, 24);
    t.equal(new Set(ids).size, 24, 'no key twice');
    const list = await a.app.services.notifications.outbox.list({ limit: 100 });
    t.equal(list.length, 24);
    t.ok(list.every((r) => r.status === 'delivered' && r.attempts === 1));
  });

  t.test(`a restart takes over a row whose lease ran out (${database})`, async (t) => {
    const receiver = await startWebhookReceiver(t);
    const dir = tempDir(t);
    fs.copyFileSync(path.join(FIXTURES, 'two-step.bpmn'), path.join(dir, 'two-step.bpmn'));
    const clock = new TestClock();
    const env = { WEBHOOK_URL: receiver.url, WEBHOOK_SECRET: SECRET };
    const first = await startApp(t, { database, processesDir: dir, clock, env });
    const ani = await first.user(['uji/staf'], 'Ani');
    const { outbox, expander } = first.app.services.notifications;
    // (news for nobody reachable moves the cursor alone; of two expansions at once, one moves it)
    await first.call('POST', '/definitions/uji-dua-langkah/instances', ani.token, {});
    const quiet = await Promise.all([expander.expandOnce(), expander.expandOnce()]);
    t.same(quiet.map((q) => q.more).sort(), [false, true]);
    await first.call('PATCH', '/me', ani.token, { phone: '+6281234567890' });
    await first.call('POST', '/definitions/uji-dua-langkah/instances', ani.token, {});

    // Given the first process wrote the row and took it for sending, then died (closed without marking it),
    // (two expansions at once: one writes the row, the other finds the cursor moved and writes nothing)
    const both = await Promise.all([expander.expandOnce(), expander.expandOnce()]);
    t.same(both.map((b) => b.deliveries).sort(), [0, 1]);
    t.ok(both.some((b) => b.deliveries === 0 && b.more), 'the loser reads again');
    t.match(await expander.expandOnce(), { events: 0, deliveries: 0, more: false });
    const [row] = await outbox.due(clock.now.toISOString(), 10);
    const claimed = await outbox.claim(row!.id, { by: 'first', now: clock.now.toISOString(), until: new Date(clock.now.getTime() + 60_000).toISOString() });
    t.match(claimed, { attempts: 1, lockedBy: 'first' });
    await first.close();

    // when a new process starts on the same database,
    const second = await startApp(t, { databaseUrl: first.databaseUrl, dir: first.dir, processesDir: dir, clock, env });
    const { dispatcher } = second.app.services.notifications;

    // then it leaves the row alone while the lease holds, and delivers it with the same key once it ran out.
    t.match(await dispatcher.tick(), { written: 0, delivered: 0 });
    t.equal(receiver.hooks.length, 0);
    clock.advance(60_000);
    t.match(await dispatcher.tick(), { written: 0, delivered: 1 });
    t.equal(receiver.hooks.length, 1);
    t.equal(receiver.hooks[0]?.headers['webhook-id'], row!.idempotencyKey);
    t.match(await second.app.services.notifications.outbox.byId(row!.id), { status: 'delivered', attempts: 2, lockedBy: null });
  });
}
