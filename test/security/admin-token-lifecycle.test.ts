// The ADMIN_TOKEN account follows the configuration: a token no longer configured stops at the restart that drops
// it, and no sequence of API calls leaves a service that refuses to start with its ADMIN_TOKEN.
import path from 'node:path';
import { Writable } from 'node:stream';
import t, { type Test } from 'tap';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { ADMIN_TOKEN, startApp, tempDir, testDatabases, type TestApp } from '../helpers/app.js';

const NEW_TOKEN = 'another-admin-token-9876543210';

/** A restart of `app`'s service on its database, with `adminToken` configured (or none); its log collected. */
async function restart(t: Test, app: TestApp, adminToken: string | undefined) {
  await app.close();
  const chunks: string[] = [];
  const config = loadConfig({
    DATABASE_URL: app.databaseUrl,
    AUDIT_KEY_FILE: path.join(app.dir, 'audit-signing-key.pem'),
    CONTENT_KEY_FILE: path.join(app.dir, 'content-key'),
    PROCESSES_DIR: tempDir(t),
    LOG_LEVEL: 'info',
    ...(adminToken ? { ADMIN_TOKEN: adminToken } : {}),
  });
  const logStream = new Writable({ write: (chunk, _e, done) => (chunks.push(String(chunk)), done()) });
  const next = await buildApp(config, { clock: app.clock.fn, sweepIntervalMs: 0, logStream });
  t.teardown(() => next.close());
  const call = (method: string, url: string, token?: string, body?: object) =>
    next.inject({ method: method as 'GET', url, headers: token ? { authorization: `Bearer ${token}` } : {}, ...(body ? { payload: body } : {}) });
  const loggedToken = () => chunks.map((c) => JSON.parse(c) as { adminToken?: string }).find((l) => l.adminToken)?.adminToken;
  return { app: next, call, loggedToken, close: () => next.close() };
}

for (const database of await testDatabases()) {
  t.test(`${database}: a token no longer configured stops; the API cannot lock the service out of starting`, async (t) => {
    const app = await startApp(t, { database, processesDir: tempDir(t) });
    const bootstrapId = (await app.call('GET', '/me', ADMIN_TOKEN)).json().id as string;
    const boss = await app.user(['admin'], 'Kepala TI');
    t.match((await app.call('PATCH', `/users/${bootstrapId}`, boss.token, { active: false })).json(), { statusCode: 409, details: { state: 'bootstrap' } }, 'another admin cannot deactivate it');
    t.equal((await app.call('PATCH', `/users/${bootstrapId}`, boss.token, { roles: ['auditor'] })).statusCode, 409, 'nor demote it');
    t.equal((await app.call('POST', `/users/${bootstrapId}/token`, boss.token)).statusCode, 409, 'nor rotate its token');
    t.equal((await app.call('PATCH', `/users/${bootstrapId}`, boss.token, { roles: ['admin', 'auditor'] })).statusCode, 200, 'adding a role is fine');

    const without = await restart(t, app, undefined);
    t.equal((await without.call('GET', '/me', ADMIN_TOKEN)).statusCode, 401, 'after a restart without ADMIN_TOKEN the old token stops');
    t.equal((await without.call('GET', '/me', boss.token)).statusCode, 200, 'the other admin still works');
    t.equal(without.loggedToken(), undefined, 'an admin is left, so no token is issued');

    const changed = await restart(t, { ...app, close: without.close }, NEW_TOKEN);
    t.equal((await changed.call('GET', '/me', NEW_TOKEN)).json().id, bootstrapId, 'a new ADMIN_TOKEN signs in as the same account');
    const again = await restart(t, { ...app, close: changed.close }, ADMIN_TOKEN);
    t.equal((await again.call('GET', '/me', NEW_TOKEN)).statusCode, 401, 'and the value configured before it stops');
    t.equal((await again.call('GET', '/me', ADMIN_TOKEN)).statusCode, 200);
    const verified = await again.call('GET', '/audit/verify', ADMIN_TOKEN);
    t.equal(verified.json().ok, true);
  });
}

t.test('without ADMIN_TOKEN and no other admin, an admin token is issued once and survives later restarts', async (t) => {
  const app = await startApp(t, { processesDir: tempDir(t) });
  const first = await restart(t, app, undefined);
  t.equal((await first.call('GET', '/me', ADMIN_TOKEN)).statusCode, 401);
  const logged = first.loggedToken() as string;
  t.ok(logged, 'the log carries the issued admin token');
  t.match((await first.call('GET', '/me', logged)).json(), { roles: ['admin'], tokenKind: 'enrolment' });
  const second = await restart(t, { ...app, close: first.close }, undefined);
  t.equal(second.loggedToken(), undefined, 'a second restart issues nothing');
  t.equal((await second.call('GET', '/me', logged)).statusCode, 200, 'and the issued token still works');
});

t.test('an ADMIN_TOKEN account deactivated and demoted before this release is restored at start', async (t) => {
  const app = await startApp(t, { processesDir: tempDir(t) });
  const id = (await app.call('GET', '/me', ADMIN_TOKEN)).json().id as string;
  await app.app.services.db.knex('users').where({ id }).update({ active: false, roles: JSON.stringify(['auditor']) });
  const next = await restart(t, app, ADMIN_TOKEN);
  t.match((await next.call('GET', '/me', ADMIN_TOKEN)).json(), { id, roles: ['auditor', 'admin'] }, 'the service starts and the token is an admin again');
  const restored = await next.app.services.db.knex('audit_events').where({ type: 'user.updated' });
  t.match(JSON.parse(restored.at(-1).data), { id, active: true, source: 'ADMIN_TOKEN' }, 'the restoration is audited');
});
