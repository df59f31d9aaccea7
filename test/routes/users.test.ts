// Users: admins list them, change roles, deactivate them (401 at once) and rotate tokens (the old one stops).
import t from 'tap';
import { ADMIN_TOKEN, startApp, tempDir } from '../helpers/app.js';

t.test('user administration', async (t) => {
  const app = await startApp(t, { processesDir: tempDir(t) });
  const a = await app.user(['bkd-kalteng/jft'], 'Ani');
  const b = await app.user(['auditor'], 'Budi');
  t.equal((await app.call('GET', '/users', a.token)).statusCode, 403);
  const page1 = (await app.call('GET', '/users?limit=2', ADMIN_TOKEN)).json();
  t.equal(page1.items.length, 2);
  const page2 = (await app.call('GET', `/users?limit=2&cursor=${page1.nextCursor}`, ADMIN_TOKEN)).json();
  t.same([...page1.items, ...page2.items].map((u: { name: string }) => u.name).sort(), ['Ani', 'Budi', 'admin (ADMIN_TOKEN)']);
  t.equal(page2.nextCursor, null);

  const changed = await app.call('PATCH', `/users/${a.id}`, ADMIN_TOKEN, { roles: ['bkd-kalteng/jft', 'bkd-kalteng/kabid', 'bkd-kalteng/kabid'] });
  t.same(changed.json().roles, ['bkd-kalteng/jft', 'bkd-kalteng/kabid']);
  t.same((await app.call('GET', '/me', a.token)).json().roles, ['bkd-kalteng/jft', 'bkd-kalteng/kabid']);
  t.match((await app.call('PATCH', `/users/${a.id}`, ADMIN_TOKEN, { roles: ['Not A Role'] })).json(), { statusCode: 400, details: { fields: [{ name: 'roles.0' }] } });
  t.equal((await app.call('PATCH', '/users/nobody', ADMIN_TOKEN, { active: false })).statusCode, 404);

  t.equal((await app.call('PATCH', `/users/${b.id}`, ADMIN_TOKEN, { active: false })).json().active, false);
  t.equal((await app.call('GET', '/me', b.token)).statusCode, 401, 'a deactivated user gets 401');
  await app.call('PATCH', `/users/${b.id}`, ADMIN_TOKEN, { active: true });
  t.equal((await app.call('GET', '/me', b.token)).statusCode, 200);

  const rotated = await app.call('POST', `/users/${b.id}/token`, ADMIN_TOKEN);
  t.equal(rotated.statusCode, 200);
  t.equal((await app.call('GET', '/me', b.token)).statusCode, 401, 'the old token stops at once');
  t.equal((await app.call('GET', '/me', rotated.json().token)).json().name, 'Budi');

  const me = (await app.call('GET', '/me', ADMIN_TOKEN)).json();
  t.equal((await app.call('PATCH', `/users/${me.id}`, ADMIN_TOKEN, { active: false })).statusCode, 409, 'an admin cannot lock themselves out');
  const types = (await app.app.services.db.knex('audit_events').select('type')).map((r: { type: string }) => r.type);
  t.ok(types.includes('user.updated') && types.includes('user.token-rotated'), 'every change is an audit event');
});
