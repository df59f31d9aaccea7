// Tanggal Efektif and suspended versions: which version a new case starts on, read from the database at each start,
// so that two app instances on one database agree without a restart; the sheet's dates; the revision diff route.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { effectiveFrom, lifecycleOf, startableVersion } from '../../src/definitions/version-lifecycle.js';
import { sheetDate } from '../../src/sop/sop-sheet.js';
import { ADMIN_TOKEN, startApp, testDatabases, TestClock } from '../helpers/app.js';
import { linearDiagram } from '../helpers/linear-diagram.js';
import { finishCase } from '../helpers/drive-case.js';

const KEY = 'uji-daur';
const XML = { 'content-type': 'application/xml' };
const v1 = linearDiagram({ tasks: [{ id: 'a', iso: 'PT1H' }, { id: 'b' }] });
const v2 = linearDiagram({ revised: '2026-03-01', effective: '2026-03-03', tasks: [{ id: 'a', iso: 'PT2H', name: 'Menerima berkas' }, { id: 'b' }, { id: 'c' }] });

t.test('effectiveFrom is 00:00 of the date in the zone; only full dates count', async (t) => {
  t.equal(effectiveFrom('2026-03-03', 'Asia/Jakarta'), '2026-03-02T17:00:00.000Z');
  t.equal(effectiveFrom('2026-03-03', 'Asia/Makassar'), '2026-03-02T16:00:00.000Z');
  t.equal(effectiveFrom('2026', 'Asia/Jakarta'), null);
  t.equal(effectiveFrom(null, 'Asia/Jakarta'), null);
  t.equal(effectiveFrom('2026-02-30', 'Asia/Jakarta'), null);
});

t.test('effectiveFrom answers the same from its memory, past the memory\'s bound too', async (t) => {
  const zones = ['Asia/Jakarta', 'Asia/Makassar', 'Asia/Jayapura'];
  const days = Array.from({ length: 3500 }, (_, i) => new Date(Date.UTC(2020, 0, 1) + i * 86_400_000).toISOString().slice(0, 10));
  // 10,500 distinct (date, zone) pairs: the memory is cleared once on the way.
  for (const zone of zones) for (const day of days) effectiveFrom(day, zone);
  t.equal(effectiveFrom('2026-03-03', 'Asia/Jakarta'), '2026-03-02T17:00:00.000Z');
  t.equal(effectiveFrom('2026-03-03', 'Asia/Jakarta'), '2026-03-02T17:00:00.000Z');
  t.equal(effectiveFrom('2020-01-01', 'Asia/Jayapura'), '2019-12-31T15:00:00.000Z');
  t.equal(effectiveFrom('2026-02-30', 'Asia/Jakarta'), null);
  t.equal(effectiveFrom('2026-02-30', 'Asia/Jakarta'), null);
});

t.test('lifecycleOf and startableVersion', async (t) => {
  const versions = [
    { id: '1', version: 1, effective: null, suspendedAt: null },
    { id: '2', version: 2, effective: '2026-02-01', suspendedAt: null },
    { id: '3', version: 3, effective: '2026-04-01', suspendedAt: null },
  ];
  const now = new Date('2026-03-02T01:00:00Z');
  t.same(lifecycleOf(versions, 'Asia/Jakarta', now).map((v) => v.status), ['superseded', 'current', 'scheduled']);
  t.equal(startableVersion(KEY, versions, 'Asia/Jakarta', now).version, 2);
  t.equal(startableVersion(KEY, versions, 'Asia/Jakarta', now, 1).version, 1);
  t.throws(() => startableVersion(KEY, versions, 'Asia/Jakarta', now, 3), { code: 'SOP_ERR_CONFLICT', details: { state: 'scheduled', version: 3, effective: '2026-04-01' } });
  t.throws(() => startableVersion(KEY, versions, 'Asia/Jakarta', now, 9), { code: 'SOP_ERR_NOT_FOUND' });
  const suspended = versions.map((v) => (v.version === 2 ? { ...v, suspendedAt: '2026-03-01T00:00:00.000Z' } : v));
  t.throws(() => startableVersion(KEY, suspended, 'Asia/Jakarta', now), { code: 'SOP_ERR_CONFLICT', message: /version 2 .* suspended/, details: { state: 'suspended', version: 2 } });
  const none = [{ id: '9', version: 1, effective: '2026-05-01', suspendedAt: null }];
  t.throws(() => startableVersion(KEY, none, 'Asia/Jakarta', now), { details: { state: 'scheduled', version: 1 }, message: /no version of uji-daur is in effect yet: version 1 takes effect on 2026-05-01/ });
});

t.test('sheet dates are printed in Indonesian', async (t) => {
  t.same(sheetDate('2025-08-25'), { value: '2025-08-25', text: '25 Agustus 2025' });
  t.same(sheetDate('2026'), { value: '2026', text: '2026' });
  t.equal(sheetDate(null), null);
});

for (const database of await testDatabases()) {
  t.test(`${database}: a version effective tomorrow is scheduled today and current from 00:00 local, in both processes`, async (t) => {
    const clockA = new TestClock();
    const a = await startApp(t, { database, clock: clockA });
    const clockB = new TestClock();
    const b = await startApp(t, { databaseUrl: a.databaseUrl, dir: a.dir, clock: clockB });
    t.equal((await a.call('POST', '/definitions', ADMIN_TOKEN, v1, XML)).statusCode, 201);
    const staff = await a.user(['uji/staf'], 'Staf');
    // B starts a case (and caches version 1) before version 2 exists.
    t.equal((await b.call('POST', `/definitions/${KEY}/instances`, staff.token, {})).json().version, 1);
    const deployed = await a.call('POST', '/definitions', ADMIN_TOKEN, v2, XML);
    t.equal(deployed.statusCode, 201);
    const detail = (await b.call('GET', `/definitions/${KEY}`, staff.token)).json();
    t.same(detail.current, { version: 1, effective: '2026-01-01', effectiveFrom: '2025-12-31T17:00:00.000Z', suspended: false });
    t.same(detail.scheduled, [{ version: 2, effective: '2026-03-03', effectiveFrom: '2026-03-02T17:00:00.000Z', suspended: false }]);
    t.same(detail.versions.map((v: { status: string }) => v.status), ['current', 'scheduled']);
    t.equal(detail.version, 2, 'version stays the latest deployed');

    for (const app of [a, b]) t.equal((await app.call('POST', `/definitions/${KEY}/instances`, staff.token, {})).json().version, 1, 'new cases keep the version in effect');
    const early = await b.call('POST', `/definitions/${KEY}/instances`, staff.token, { version: 2 });
    t.equal(early.statusCode, 409);
    t.match(early.json(), { code: 'SOP_ERR_CONFLICT', message: /takes effect on 2026-03-03/, details: { state: 'scheduled', version: 2, effective: '2026-03-03' } });

    // One millisecond before 00:00 WIB of 3 March, then at it.
    clockA.set('2026-03-02T16:59:59.999Z');
    clockB.set('2026-03-02T16:59:59.999Z');
    t.equal((await b.call('POST', `/definitions/${KEY}/instances`, staff.token, {})).json().version, 1);
    clockA.set('2026-03-02T17:00:00.000Z');
    clockB.set('2026-03-02T17:00:00.000Z');
    for (const app of [b, a]) {
      const started = await app.call('POST', `/definitions/${KEY}/instances`, staff.token, {});
      t.equal(started.json().version, 2, 'current after 00:00 local, with no restart');
      const task = (await app.call('GET', `/tasks?instanceId=${started.json().id}`, staff.token)).json().items[0];
      t.equal(task.name, 'Menerima berkas');
    }
    t.equal((await a.call('POST', `/definitions/${KEY}/instances`, staff.token, { version: 1 })).json().version, 1, 'an older version may be started by name');
    const after = (await a.call('GET', `/definitions/${KEY}`, staff.token)).json();
    t.same([after.current.version, after.scheduled], [2, []]);
    t.same(after.versions.map((v: { status: string }) => v.status), ['superseded', 'current']);
  });

  t.test(`${database}: a suspended version takes no new case, its cases finish; resume undoes it`, async (t) => {
    const app = await startApp(t, { database });
    t.equal((await app.call('POST', '/definitions', ADMIN_TOKEN, v1, XML)).statusCode, 201);
    const staff = await app.user(['uji/staf'], 'Staf');
    const owner = await app.user(['owner:uji'], 'Pemilik');
    const other = await app.user(['owner:ipdn'], 'Pemilik lain');
    const running = (await app.call('POST', `/definitions/${KEY}/instances`, staff.token, {})).json().id as string;

    t.equal((await app.call('POST', `/definitions/${KEY}/versions/1/suspend`, staff.token, {})).statusCode, 403);
    const foreign = await app.call('POST', `/definitions/${KEY}/versions/1/suspend`, other.token, {});
    t.equal(foreign.statusCode, 403);
    t.match(foreign.json().message, /owner:uji/);
    t.equal((await app.call('POST', `/definitions/${KEY}/versions/7/suspend`, owner.token, {})).statusCode, 404);
    t.equal((await app.call('POST', `/definitions/nope/versions/1/suspend`, owner.token, {})).statusCode, 404);

    const suspended = await app.call('POST', `/definitions/${KEY}/versions/1/suspend`, owner.token, { reason: 'revisi SOP' });
    t.equal(suspended.statusCode, 200);
    t.match(suspended.json(), { key: KEY, version: 1, suspended: true, suspendedAt: '2026-03-02T01:00:00.000Z', suspendedBy: owner.id });
    t.match((await app.call('POST', `/definitions/${KEY}/versions/1/suspend`, owner.token)).json(), { suspended: true, suspendedAt: '2026-03-02T01:00:00.000Z' }, 'twice changes nothing');
    t.match((await app.call('GET', `/definitions/${KEY}`, staff.token)).json(), { current: { version: 1, suspended: true }, versions: [{ suspendedAt: '2026-03-02T01:00:00.000Z', suspendedBy: owner.id }] });

    for (const body of [{}, { version: 1 }]) {
      const refused = await app.call('POST', `/definitions/${KEY}/instances`, staff.token, body);
      t.equal(refused.statusCode, 409);
      t.match(refused.json(), { message: /version 1 of uji-daur is suspended/, details: { state: 'suspended', version: 1 } });
    }
    t.same(await finishCase(app, running), ['a', 'b'], 'its running case finishes');

    const resumed = await app.call('POST', `/definitions/${KEY}/versions/1/resume`, owner.token, {});
    t.match(resumed.json(), { suspended: false, suspendedAt: null });
    t.equal((await app.call('POST', `/definitions/${KEY}/versions/1/resume`, owner.token, {})).json().suspended, false);
    t.equal((await app.call('POST', `/definitions/${KEY}/instances`, staff.token, {})).statusCode, 201);
    const events = (await app.call('GET', '/audit/events', ADMIN_TOKEN)).json().items as Array<{ type: string; version: number; data: unknown; userId: string }>;
    t.match(
      events.filter((e) => e.type.startsWith('definition.s') || e.type === 'definition.resumed'),
      [
        { type: 'definition.suspended', version: 1, userId: owner.id, data: { reason: 'revisi SOP' } },
        { type: 'definition.resumed', version: 1, userId: owner.id },
      ],
    );
  });
}

t.test('the SOP sheet shows Tanggal Pembuatan, Revisi and Efektif', async (t) => {
  const app = await startApp(t);
  await app.call('POST', '/definitions', ADMIN_TOKEN, v1, XML);
  await app.call('POST', '/definitions', ADMIN_TOKEN, v2, XML);
  const sheet = (await app.call('GET', `/definitions/${KEY}/sop?version=2`, ADMIN_TOKEN)).json();
  t.same(sheet.dates, { created: { value: '2025-01-02', text: '2 Januari 2025' }, revised: { value: '2026-03-01', text: '1 Maret 2026' }, effective: { value: '2026-03-03', text: '3 Maret 2026' } });
  t.equal((await app.call('GET', `/definitions/${KEY}/sop?version=1`, ADMIN_TOKEN)).json().dates.revised, null);
  const html = (await app.call('GET', `/definitions/${KEY}/sop?version=2&format=html`, ADMIN_TOKEN)).body;
  t.match(html, /<td>Tanggal Pembuatan<\/td><td>2 Januari 2025<\/td>/);
  t.match(html, /<td>Tanggal Revisi<\/td><td>1 Maret 2026<\/td>/);
  t.match(html, /<td>Tanggal Efektif<\/td><td>3 Maret 2026<\/td>/);
  const partial = await app.call('POST', '/definitions', ADMIN_TOKEN, linearDiagram({ key: 'uji-tahun', effective: '2026', tasks: [{ id: 'a' }] }), XML);
  t.match(partial.json().warnings, [{ elementId: 'uji-tahun', message: /effective '2026' is no YYYY-MM-DD date/ }]);
  t.match((await app.call('GET', '/definitions/uji-tahun', ADMIN_TOKEN)).json(), { current: { version: 1, effective: null } });
});

t.test('GET /definitions/:key/sop/diff: the row-by-row difference of two versions', async (t) => {
  const app = await startApp(t);
  await app.call('POST', '/definitions', ADMIN_TOKEN, v1, XML);
  await app.call('POST', '/definitions', ADMIN_TOKEN, v2, XML);
  const res = await app.call('GET', `/definitions/${KEY}/sop/diff?fromVersion=1&toVersion=2`, ADMIN_TOKEN);
  t.equal(res.statusCode, 200);
  const diff = res.json();
  t.match(diff, { key: KEY, fromVersion: 1, toVersion: 2, summary: { same: 1, changed: 1, added: 1, removed: 0 } });
  t.match(diff.rows, [
    { elementId: 'a', kind: 'changed', changed: ['activity', 'waktu'], before: { activity: 'Langkah a', timeStandard: { iso: 'PT1H' } }, after: { activity: 'Menerima berkas', timeStandard: { iso: 'PT2H' } } },
    { elementId: 'b', kind: 'same', changed: [] },
    { elementId: 'c', kind: 'added', before: null },
  ]);
  t.same(diff.identity, [
    { field: 'revised', label: 'Tanggal Revisi', before: '', after: '2026-03-01' },
    { field: 'effective', label: 'Tanggal Efektif', before: '2026-01-01', after: '2026-03-03' },
  ]);
  t.equal(diff.columns[1].label, 'Kegiatan');
  const back = (await app.call('GET', `/definitions/${KEY}/sop/diff?fromVersion=2&toVersion=1`, ADMIN_TOKEN)).json();
  t.match(back.rows.at(-1), { elementId: 'c', kind: 'removed', after: null });
  t.equal((await app.call('GET', `/definitions/${KEY}/sop/diff?fromVersion=1&toVersion=9`, ADMIN_TOKEN)).statusCode, 404);
  t.equal((await app.call('GET', `/definitions/${KEY}/sop/diff?fromVersion=1`, ADMIN_TOKEN)).statusCode, 400);
  const stranger = await app.user(['ipdn/konselor'], 'Orang lain');
  t.equal((await app.call('GET', `/definitions/${KEY}/sop/diff?fromVersion=1&toVersion=2`, stranger.token)).statusCode, 404);
});

t.test('a call activity starts the called SOP on its version in effect, and not on a suspended one', async (t) => {
  const app = await startApp(t, { app: { calendarRefreshMs: 0 } });
  const dir = path.resolve(import.meta.dirname, '..', 'instances', 'call-activities');
  const childXml = fs.readFileSync(path.join(dir, 'child.bpmn'), 'utf8');
  for (const xml of [childXml, childXml.replace('effective="2026-01-01"', 'effective="2026-03-03"'), fs.readFileSync(path.join(dir, 'parent.bpmn'), 'utf8')]) {
    t.equal((await app.call('POST', '/definitions', ADMIN_TOKEN, xml, XML)).statusCode, 201);
  }
  const staff = await app.user(['uji/staf'], 'Staf');
  const reachCall = async () => {
    const id = (await app.call('POST', '/definitions/uji-induk/instances', staff.token, {})).json().id as string;
    const task = (await app.call('GET', `/tasks?instanceId=${id}`, staff.token)).json().items[0] as { id: string };
    return app.call('POST', `/tasks/${task.id}/complete`, staff.token, { output: [{ name: 'Agenda' }], variables: { jenis: 'baru' } });
  };
  t.equal((await reachCall()).statusCode, 200);
  const child = (await app.call('GET', '/instances?definitionKey=uji-anak', ADMIN_TOKEN)).json().items[0];
  t.equal(child.version, 1, 'the scheduled version 2 is not called before its date');
  t.equal((await app.call('POST', '/definitions/uji-anak/versions/1/suspend', ADMIN_TOKEN, {})).statusCode, 200);
  const refused = await reachCall();
  t.equal(refused.statusCode, 409);
  t.match(refused.json(), { details: { state: 'suspended', version: 1 } });
});
