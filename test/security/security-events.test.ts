// GET /audit/events shows the security and administration events of the chain (users, tokens, delegations,
// deploys, key transfers) to admins and auditors of every unit, and to a unit's auditor those of their unit.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { ADMIN_TOKEN, FIXTURES, startApp, tempDir, testDatabases } from '../helpers/app.js';

interface Ev {
  seq: number;
  type: string;
  userId: string | null;
  definitionKey: string | null;
  data: Record<string, unknown> | null;
}

for (const database of await testDatabases()) {
  t.test(`${database}: security events for auditors, scoped to their unit`, async (t) => {
    const dir = tempDir(t);
    const xml = fs.readFileSync(path.join(FIXTURES, 'two-step.bpmn'), 'utf8');
    fs.writeFileSync(path.join(dir, 'two-step.bpmn'), xml);
    const app = await startApp(t, { processesDir: dir, database });
    const adminId = (await app.call('GET', '/me', ADMIN_TOKEN)).json().id as string;
    const kepala = await app.user(['uji/kepala'], 'Kepala');
    const plh = await app.user(['uji/staf'], 'Plh.');
    const konselor = await app.user(['ipdn/konselor'], 'Konselor IPDN');
    const ownerIpdn = await app.user(['owner:ipdn'], 'Pemilik IPDN');
    const auditorUji = await app.user(['auditor:uji'], 'Auditor Uji');
    const auditor = await app.user(['auditor'], 'Auditor');
    const ownerUji = await app.user(['owner:uji'], 'Pemilik Uji');

    await app.call('POST', `/users/${konselor.id}/token`, ADMIN_TOKEN);
    await app.call('PATCH', `/users/${plh.id}`, ADMIN_TOKEN, { roles: ['uji/staf', 'uji/pengarsip'] });
    const delegation = (await app.call('POST', '/delegations', kepala.token, { to: plh.id, role: 'uji/kepala', from: '2026-03-02T00:00:00Z', until: '2026-03-05T00:00:00Z', reason: 'cuti' })).json().id as string;
    app.clock.advance(3_600_000);
    await app.call('POST', `/delegations/${delegation}/revoke`, kepala.token);
    const ipdnXml = xml.replaceAll('role="uji/', 'role="ipdn/').replaceAll('uji-dua-langkah', 'ipdn-dua-langkah');
    t.equal((await app.call('POST', '/definitions', ownerIpdn.token, ipdnXml, { 'content-type': 'application/xml' })).statusCode, 201);
    await app.call('POST', '/definitions/ipdn-dua-langkah/transfer', ADMIN_TOKEN, { unit: 'uji', reason: 'uji' });

    const list = async (token: string, query = '') => {
      const res = await app.call('GET', `/audit/events${query}`, token);
      t.equal(res.statusCode, 200, res.body);
      return res.json().items as Ev[];
    };
    const all = await list(ADMIN_TOKEN, '?limit=200');
    const types = new Set(all.map((e) => e.type));
    for (const type of ['user.created', 'user.updated', 'user.token-rotated', 'delegation.created', 'delegation.revoked', 'definition.deployed', 'definition.transferred']) t.ok(types.has(type), `the admin sees ${type}`);
    t.notOk(all.some((e) => ['instance.started', 'task.created'].includes(e.type)), 'case events are not security events');
    t.same((await list(auditor.token, '?limit=200')).map((e) => e.seq), all.map((e) => e.seq), 'an auditor of every unit sees the same');

    t.same((await list(ADMIN_TOKEN, '?type=user.token-rotated')).map((e) => e.data?.id), [konselor.id], 'by type');
    const aboutPlh = await list(ADMIN_TOKEN, `?userId=${plh.id}`);
    t.same(aboutPlh.map((e) => e.type), ['user.created', 'user.updated', 'delegation.created', 'delegation.revoked'], 'by user: acted on, delegated to');
    t.same((await list(ADMIN_TOKEN, '?type=delegation.revoked&from=2026-03-02T01:30:00Z&to=2026-03-02T03:00:00Z')).length, 1, 'by time');
    t.same((await list(ADMIN_TOKEN, '?type=delegation.revoked&to=2026-03-02T01:30:00Z')).length, 0);

    let cursor: string | null = null;
    const paged: number[] = [];
    do {
      const res = await app.call('GET', `/audit/events?limit=3${cursor ? `&cursor=${cursor}` : ''}`, ADMIN_TOKEN);
      paged.push(...(res.json().items as Ev[]).map((e) => e.seq));
      cursor = res.json().nextCursor;
    } while (cursor);
    t.same(paged, all.map((e) => e.seq), 'pages of 3 give the same events');

    const uji = await list(auditorUji.token, '?limit=200');
    t.ok(uji.some((e) => e.type === 'delegation.revoked'), "the unit's auditor sees its delegations");
    t.ok(uji.some((e) => e.type === 'user.updated' && e.data?.id === plh.id), 'and changes to its users');
    t.ok(uji.some((e) => e.type === 'definition.transferred'), 'and a key transferred to it');
    t.notOk(uji.some((e) => e.type === 'user.token-rotated' || e.data?.id === konselor.id || e.data?.id === ownerIpdn.id), "but nothing about IPDN's users");
    t.notOk(uji.some((e) => e.data?.id === adminId && e.type === 'user.created'), 'nor the admin account');

    for (const token of [ownerUji.token, kepala.token]) t.equal((await app.call('GET', '/audit/events', token)).statusCode, 403, 'owners and staff are refused');
    t.match((await app.call('GET', '/audit/events?type=task.created', ADMIN_TOKEN)).json(), { statusCode: 400, details: { fields: [{ name: 'query.type' }] } });
    t.match((await app.call('GET', '/audit/events?from=yesterday', ADMIN_TOKEN)).json(), { statusCode: 400, details: { fields: [{ name: 'query.from' }] } });
    t.equal((await app.call('GET', '/audit/events?cursor=eyJzIjoieCJ9', ADMIN_TOKEN)).statusCode, 400, 'a forged cursor');
  });
}
