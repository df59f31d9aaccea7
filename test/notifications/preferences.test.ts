// Without channels the outbox keeps messages as undeliverable; preferences switch kinds and channels off; PATCH /me
// and PATCH /users/:id validate addresses and name the field; the audit chain names what changed, not the values.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { ADMIN_TOKEN, FIXTURES, startApp, tempDir, testDatabases } from '../helpers/app.js';

for (const database of await testDatabases()) {
  t.test(`undeliverable without channels, and preferences (${database})`, async (t) => {
    const dir = tempDir(t);
    fs.copyFileSync(path.join(FIXTURES, 'two-step.bpmn'), path.join(dir, 'two-step.bpmn'));
    const app = await startApp(t, { database, processesDir: dir });
    const { dispatcher } = app.app.services.notifications;
    const ani = await app.user(['uji/staf'], 'Ani');
    const budi = await app.user(['uji/staf'], 'Budi');
    await app.call('PATCH', '/me', ani.token, { email: 'ani@uji.go.id', phone: '+6281111111111' });
    const patched = await app.call('PATCH', '/me', budi.token, { email: 'budi@uji.go.id', phone: '+6282222222222', notifications: { 'task.created': { email: false } } });
    t.match(patched.json().notifications, { 'task.created': { email: false, webhook: true }, 'task.overdue': { email: true, webhook: true }, 'case.ended': { email: true, webhook: true } });
    t.same((await app.call('GET', '/me', budi.token)).json().notifications, patched.json().notifications, 'GET /me shows them');
    const again = await app.call('PATCH', '/me', budi.token, { notifications: { 'task.overdue': { webhook: false } } });
    t.match(again.json().notifications, { 'task.created': { email: false, webhook: true }, 'task.overdue': { email: true, webhook: false } }, 'a patch keeps what it does not name');

    // Given no SMTP_URL and no WEBHOOK_URL, when a task for both is created,
    t.equal((await app.call('POST', '/definitions/uji-dua-langkah/instances', ani.token, {})).statusCode, 201);
    t.match(await dispatcher.tick(), { written: 3, delivered: 0, failedAttempts: 0 });

    // then every message is kept as undeliverable, naming the missing variable; Budi's e-mail was switched off.
    const rows = (await app.call('GET', '/outbox?status=undeliverable', ADMIN_TOKEN)).json().items as Array<Record<string, unknown>>;
    const seen = rows.map((r) => `${r.recipientUserId === ani.id ? 'ani' : 'budi'}:${r.channel}`).sort();
    t.same(seen, ['ani:email', 'ani:webhook', 'budi:webhook']);
    t.ok(rows.every((r) => r.status === 'undeliverable' && r.attempts === 0));
    t.match(rows.find((r) => r.channel === 'email'), { lastError: 'SMTP_URL is not set', address: 'ani@uji.go.id' });
    t.match(rows.find((r) => r.channel === 'webhook'), { lastError: 'WEBHOOK_URL is not set', address: null });
    t.equal((await app.call('GET', '/outbox?status=pending', ADMIN_TOKEN)).json().items.length, 0);

    // A retry without the channel configured finds it still missing.
    const retried = await app.call('POST', `/outbox/${rows[0]?.id}/retry`, ADMIN_TOKEN);
    t.match(retried.json(), { status: 'pending', attempts: 0 });
    await dispatcher.tick();
    t.match((await app.call('GET', '/outbox?limit=2', ADMIN_TOKEN)).json(), { items: [{}, {}], nextCursor: String });
    const all = (await app.call('GET', '/outbox?status=undeliverable', ADMIN_TOKEN)).json().items;
    t.equal(all.length, 3, 'back to undeliverable');
    t.match(all.find((r: { id: string }) => r.id === rows[0]?.id), { attempts: 1, lastError: /is not set/ });

    // Pages: newest first, the cursor continues where the page ended.
    const first = (await app.call('GET', '/outbox?limit=2', ADMIN_TOKEN)).json();
    const rest = (await app.call('GET', `/outbox?limit=2&cursor=${first.nextCursor}`, ADMIN_TOKEN)).json();
    t.equal(first.items.length + rest.items.length, 3);
    t.equal(rest.nextCursor, null);
    t.equal(new Set([...first.items, ...rest.items].map((r: { id: string }) => r.id)).size, 3);
    t.equal((await app.call('GET', '/outbox?cursor=bogus', ADMIN_TOKEN)).statusCode, 400);
    t.equal((await app.call('GET', '/outbox?status=lost', ADMIN_TOKEN)).statusCode, 400);
  });

  t.test(`contact validation and audit (${database})`, async (t) => {
    const app = await startApp(t, { database });
    const ani = await app.user(['staff'], 'Ani');
    const field = async (body: unknown, url = '/me', token = ani.token) => {
      const res = await app.call('PATCH', url, token, body);
      t.equal(res.statusCode, 400, JSON.stringify(body));
      return (res.json().details.fields as Array<{ name: string }>).map((f) => f.name);
    };
    t.match(await field({ email: 'not-an-address' }), [/email/]);
    t.match(await field({ phone: '0812345678' }), [/phone/], 'E.164 needs the country code');
    t.match(await field({ phone: '+62 81x' }), [/phone/]);
    t.match(await field({ notifications: { 'task.lunch': { email: true } } }), [/notifications/], 'an unknown kind');
    t.match(await field({ notifications: { 'task.created': { sms: true } } }), [/notifications/], 'an unknown channel');
    t.match(await field({ notifications: { 'task.created': { email: 'yes' } } }), [/notifications/]);
    t.match(await field({ roles: ['admin'] }), [/./], 'a user cannot change their own roles here');
    t.match(await field({ email: 'x@' }, `/users/${ani.id}`, ADMIN_TOKEN), [/email/]);

    const changed = await app.call('PATCH', `/users/${ani.id}`, ADMIN_TOKEN, { email: 'ani@uji.go.id', phone: '+62 (812) 3456.7890' });
    t.match(changed.json(), { id: ani.id, email: 'ani@uji.go.id', phone: '+6281234567890' });
    t.match((await app.call('GET', '/users', ADMIN_TOKEN)).json().items.find((u: { id: string }) => u.id === ani.id), { email: 'ani@uji.go.id' });
    t.equal((await app.call('PATCH', '/me', ani.token, { phone: null })).json().phone, null, 'null clears');
    t.match((await app.call('PATCH', '/me', ani.token, {})).json(), { email: 'ani@uji.go.id' }, 'an empty change changes nothing');
    t.equal((await app.call('PATCH', '/me', undefined, { phone: null })).statusCode, 401);

    const events = (await app.call('GET', '/audit/events?type=user.updated', ADMIN_TOKEN)).json().items as Array<{ userId: string; data: Record<string, unknown> }>;
    const mine = events.filter((e) => e.data.id === ani.id);
    t.equal(mine.length, 2);
    t.same(mine.map((e) => e.data.changed).sort(), [['email', 'phone'], ['phone']].sort());
    t.notOk(JSON.stringify(mine).includes('ani@uji.go.id'), 'the permanent chain holds no address');
  });
}
