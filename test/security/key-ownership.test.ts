// A SOP key belongs to its unit: another unit's owner cannot take it over by deploying a diagram with its process
// id, no version moves its cases into another unit's scope, and only an admin transfers it, audited.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { ADMIN_TOKEN, REPO_PROCESSES, startApp, tempDir, testDatabases } from '../helpers/app.js';

const KEY = 'kukar-fasilitasi-assessment';
const kukarXml = fs.readFileSync(path.join(REPO_PROCESSES, `${KEY}.bpmn`), 'utf8');
/** The same diagram with its lanes given to another unit. */
const withUnit = (unit: string, xml = kukarXml) => xml.replaceAll('role="kukar/', `role="${unit}/`);
/** A change that makes a new version without touching the lanes. */
/** A real change (an annotation): a comment or a blank is no new version, the canonical diagram is compared. */
const changed = (xml: string, n: number) => xml.replace('</bpmn:process>', `<bpmn:textAnnotation id="versi-${n}"><bpmn:text>versi ${n}</bpmn:text></bpmn:textAnnotation></bpmn:process>`);
const XML = { 'content-type': 'application/xml' };

for (const database of await testDatabases()) {
  t.test(`${database}: a unit's owner cannot take over another unit's SOP`, async (t) => {
    const dir = tempDir(t);
    fs.writeFileSync(path.join(dir, `${KEY}.bpmn`), kukarXml);
    const app = await startApp(t, { processesDir: dir, database });
    const ownerIpdn = await app.user(['owner:ipdn'], 'Pemilik IPDN');
    const ownerKukar = await app.user(['owner:kukar'], 'Pemilik Kukar');
    const auditorKukar = await app.user(['auditor:kukar'], 'Auditor Kukar');
    const ownerAll = await app.user(['owner'], 'Pemilik semua unit');
    const deploy = (token: string, xml: string) => app.call('POST', '/definitions', token, xml, XML);

    const takeover = await deploy(ownerIpdn.token, withUnit('ipdn'));
    t.equal(takeover.statusCode, 403, takeover.body);
    t.match(takeover.json(), { code: 'SOP_ERR_FORBIDDEN', message: new RegExp(KEY), details: { key: KEY, unit: 'kukar' } }, 'the answer names the key and its unit');
    t.equal((await app.call('GET', `/definitions/${KEY}`, ownerKukar.token)).json().version, 1, "Kukar's owner still sees version 1");
    t.equal((await app.call('GET', `/definitions/${KEY}`, auditorKukar.token)).statusCode, 200);
    t.equal((await app.call('GET', `/definitions/${KEY}`, ownerIpdn.token)).statusCode, 404, 'IPDN still does not see it');

    const moved = await deploy(ownerAll.token, withUnit('ipdn', changed(kukarXml, 2)));
    t.equal(moved.statusCode, 403, 'not even an owner of every unit moves the cases to another unit with a version');
    t.match(moved.json().details, { key: KEY, unit: 'kukar', diagramUnit: 'ipdn' });
    t.equal((await app.call('POST', '/definitions', ADMIN_TOKEN, withUnit('ipdn', changed(kukarXml, 2)), XML)).statusCode, 403, 'nor an admin: a transfer comes first');
    t.equal((await deploy(ownerKukar.token, changed(kukarXml, 2))).statusCode, 201, "Kukar's owner deploys version 2");

    t.equal((await app.call('POST', `/definitions/${KEY}/transfer`, ownerKukar.token, { unit: 'ipdn', reason: 'x' })).statusCode, 403, 'only an admin transfers');
    t.equal((await app.call('POST', '/definitions/nothing-here/transfer', ADMIN_TOKEN, { unit: 'ipdn', reason: 'x' })).statusCode, 404);
    const transfer = await app.call('POST', `/definitions/${KEY}/transfer`, ADMIN_TOKEN, { unit: 'ipdn', reason: 'SOP dialihkan ke IPDN' });
    t.same(transfer.json(), { key: KEY, unit: 'ipdn', previousUnit: 'kukar' }, transfer.body);
    t.equal((await deploy(ownerKukar.token, changed(kukarXml, 3))).statusCode, 403, 'after the transfer Kukar no longer deploys it');
    t.equal((await deploy(ownerIpdn.token, withUnit('ipdn', changed(kukarXml, 3)))).statusCode, 201, "IPDN's owner deploys it with IPDN lanes");
    t.equal((await app.call('GET', `/definitions/${KEY}`, ownerIpdn.token)).json().version, 3);

    const events = await app.app.services.db.knex('audit_events').where({ type: 'definition.transferred' });
    t.equal(events.length, 1, 'the transfer is in the audit chain');
    t.match(JSON.parse(events[0].data), { from: 'kukar', to: 'ipdn', reason: 'SOP dialihkan ke IPDN' });
    t.same((await app.call('GET', '/audit/verify', ADMIN_TOKEN)).json().ok, true);
  });
}

t.test('a new key belongs to the unit that first deployed it; a restart with the old file keeps the transfer', async (t) => {
  const dir = tempDir(t);
  fs.writeFileSync(path.join(dir, `${KEY}.bpmn`), kukarXml);
  const app = await startApp(t, { processesDir: dir });
  const ownerIpdn = await app.user(['owner:ipdn'], 'Pemilik IPDN');
  const ownerKukar = await app.user(['owner:kukar'], 'Pemilik Kukar');
  const fresh = withUnit('ipdn').replaceAll(KEY, 'ipdn-sop-baru');
  t.equal((await app.call('POST', '/definitions', ownerIpdn.token, fresh, XML)).statusCode, 201);
  const back = await app.call('POST', '/definitions', ownerKukar.token, fresh.replaceAll('role="ipdn/', 'role="kukar/'), XML);
  t.equal(back.statusCode, 403, "Kukar cannot take IPDN's new key either");
  t.match(back.json().details, { key: 'ipdn-sop-baru', unit: 'ipdn' });

  await app.call('POST', `/definitions/${KEY}/transfer`, ADMIN_TOKEN, { unit: 'ipdn', reason: 'dialihkan' });
  t.equal((await app.call('POST', '/definitions', ownerIpdn.token, withUnit('ipdn', changed(kukarXml, 2)), XML)).statusCode, 201);
  await app.close();
  // processes/ still holds Kukar's file, which differs from the latest version: it is skipped, not a failed start.
  const again = await startApp(t, { processesDir: dir, databaseUrl: app.databaseUrl, dir: app.dir });
  t.equal((await again.call('GET', `/definitions/${KEY}`, ownerIpdn.token)).json().version, 2);
});
