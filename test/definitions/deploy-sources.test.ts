// A restart deploys a file of PROCESSES_DIR only when it changed since the version last deployed from it, so a
// version an owner deployed through the API stays current; each version names its source and its deployer.
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import t from 'tap';
import knexFactory from 'knex';
import { ADMIN_TOKEN, FIXTURES, startApp, tempDir, testDatabases } from '../helpers/app.js';

const KEY = 'uji-dua-langkah';
const FILE = 'two-step.bpmn';
const original = fs.readFileSync(path.join(FIXTURES, FILE), 'utf8');
const withWaktu = (minutes: number) => original.replace('waktu="15 Menit" duration="PT15M"', `waktu="${minutes} Menit" duration="PT${minutes}M"`);

interface Detail {
  version: number;
  versions: Array<{ version: number; deployedAt: string; source: string | null; deployedBy: { id: string; name: string } | null }>;
}

for (const database of await testDatabases()) {
  t.test(`[${database}] an API deploy survives restarts; a changed file deploys once`, async (t) => {
    const processesDir = tempDir(t);
    fs.writeFileSync(path.join(processesDir, FILE), original);
    const dir = tempDir(t);
    const first = await startApp(t, { database, dir, processesDir });
    const owner = await first.user(['owner'], 'Ibu Pemilik');
    const v2 = await first.call('POST', '/definitions', owner.token, withWaktu(30), { 'content-type': 'application/xml' });
    t.equal(v2.statusCode, 201);
    await first.close();

    const second = await startApp(t, { database, dir, processesDir, databaseUrl: first.databaseUrl });
    const detail = (await second.call('GET', `/definitions/${KEY}`, ADMIN_TOKEN)).json() as Detail;
    t.equal(detail.version, 2, 'the unchanged file was not deployed again over the API version');
    t.match(detail.versions, [
      { version: 1, source: `processes/${FILE}`, deployedBy: null, deployedAt: String },
      { version: 2, source: 'api', deployedBy: { id: owner.id, name: 'Ibu Pemilik' } },
    ]);
    const started = await second.call('POST', `/definitions/${KEY}/instances`, ADMIN_TOKEN, {});
    t.equal(started.json().version, 2, 'new cases start on the API version');
    await second.close();

    fs.writeFileSync(path.join(processesDir, FILE), withWaktu(45));
    const chunks: string[] = [];
    const logStream = new Writable({ write: (chunk, _enc, done) => (chunks.push(String(chunk)), done()) });
    const third = await startApp(t, { database, dir, processesDir, databaseUrl: first.databaseUrl, logLevel: 'warn', app: { logStream } });
    const warned = chunks.map((l) => JSON.parse(l) as { level: number; msg: string; supersededDeployer?: string }).find((l) => l.msg.includes('replaces version 2'));
    t.match(warned, { level: 40, msg: `processes/${FILE} changed: deployed as version 3, which replaces version 2 deployed through the API`, supersededDeployer: owner.id }, 'a file deployed over an API version is a warning');
    const changed = (await third.call('GET', `/definitions/${KEY}`, ADMIN_TOKEN)).json() as Detail;
    t.equal(changed.version, 3, 'a changed file is deployed');
    t.match(changed.versions.at(-1), { version: 3, source: `processes/${FILE}`, deployedBy: null });
    const trail = (await third.call('GET', '/audit/verify', ADMIN_TOKEN)).json();
    t.match(trail, { ok: true });
    await third.close();

    const fourth = await startApp(t, { database, dir, processesDir, databaseUrl: first.databaseUrl });
    t.equal(((await fourth.call('GET', `/definitions/${KEY}`, ADMIN_TOKEN)).json() as Detail).version, 3, 'and only once');
  });
}

t.test('a database from before sources were recorded keeps its API version across the first restart', async (t) => {
  const processesDir = tempDir(t);
  fs.writeFileSync(path.join(processesDir, FILE), original);
  const dir = tempDir(t);
  const first = await startApp(t, { dir, processesDir });
  const v2 = await first.call('POST', '/definitions', ADMIN_TOKEN, withWaktu(30), { 'content-type': 'application/xml' });
  t.equal(v2.statusCode, 201);
  await first.close();
  // As the schema before sources: no version says where it came from.
  const knex = knexFactory({ client: 'better-sqlite3', connection: { filename: first.dbFile }, useNullAsDefault: true });
  await knex('definitions').update({ source: null });
  await knex.destroy();

  const second = await startApp(t, { dir, processesDir, databaseUrl: first.databaseUrl });
  const detail = (await second.call('GET', `/definitions/${KEY}`, ADMIN_TOKEN)).json() as Detail;
  t.equal(detail.version, 2);
  t.same(detail.versions.map((v) => v.source), [null, null]);
});
