// Text that is hashed is canonical: ill-formed Unicode is refused at the boundary (deploy, JSON bodies, business
// keys), everything else is stored in NFC, so the audit chain verifies and PostgreSQL stores what SQLite stores.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { auditChain } from '../../src/audit/audit-chain.js';
import { openDatabase } from '../../src/db/knex.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { oneTaskDiagram } from '../helpers/one-task-diagram.js';
import { ADMIN_TOKEN, FIXTURES, freshPostgresUrl, startApp, tempDir, testDatabases } from '../helpers/app.js';

/** The one-task diagram with `step` and `name` as given (character references included). */
const diagram = (key: string, step: string, name = 'Menerima') => oneTaskDiagram({ key, step, taskName: name });
const xmlHeaders = { 'content-type': 'application/xml' };
/** A processes folder holding the two-step fixture (uji-dua-langkah). */
const FIXTURE_DIR = (t: Parameters<typeof tempDir>[0]) => {
  const dir = tempDir(t);
  fs.copyFileSync(path.join(FIXTURES, 'two-step.bpmn'), path.join(dir, 'two-step.bpmn'));
  return dir;
};

for (const database of await testDatabases()) {
  t.test(`${database}: a lone surrogate in a step label is refused at deploy, naming the element`, async (t) => {
    const app = await startApp(t, { processesDir: tempDir(t), database });
    const res = await app.call('POST', '/definitions', ADMIN_TOKEN, diagram('uji-surrogate', 'A&#xD800;B'), xmlHeaders);
    t.equal(res.statusCode, 400, res.body);
    t.match(res.json(), { code: 'SOP_ERR_INVALID_BPMN', details: { problems: [{ elementId: 'u' }] } });
    t.match((await app.call('GET', '/audit/verify', ADMIN_TOKEN)).json(), { ok: true });
  });
}

for (const database of await testDatabases()) {
  t.test(`${database}: the chain stores what it hashes, even for text that slipped past a boundary`, async (t) => {
    const db = openDatabase(database === 'postgres' ? await freshPostgresUrl(t) : `sqlite:${path.join(tempDir(t), 'a.db')}`);
    t.teardown(() => db.knex.destroy());
    await migrateToLatest(db.knex);
    const chain = auditChain(db.knex, db.kind);
    const written = await db.knex.transaction((trx) =>
      chain.append(trx, [{ type: 'task.created', at: '2026-01-05T01:00:00.000Z', instanceId: 'i1', taskId: 't1', elementId: 'u', step: 'A\uD800B', role: 'x\u0000y', data: { note: 'z\uDC00' } }]),
    );
    t.equal(written[0]?.step, 'A\uFFFDB', 'the acknowledged event is the stored one');
    t.same(await chain.verify(), { ok: true, events: 1 });
    const [stored] = await chain.forInstance('i1');
    t.match(stored, { step: 'A\uFFFDB', role: 'x\uFFFDy', data: { note: 'z\uDC00' } });
  });

  t.test(`${database}: JSON bodies with ill-formed text are refused naming the field; others are stored in NFC`, async (t) => {
    const app = await startApp(t, { processesDir: FIXTURE_DIR(t), database });
    const json = { 'content-type': 'application/json' };
    const lone = await app.call('POST', '/users', ADMIN_TOKEN, '{"name":"a\\ud800b","roles":[]}', json);
    t.match(lone.json(), { statusCode: 400, code: 'SOP_ERR_VALIDATION', details: { fields: [{ name: 'name', message: /lone UTF-16 surrogate/ }] } });
    const nul = await app.call('POST', '/users', ADMIN_TOKEN, '{"name":"a\\u0000b","roles":[]}', json);
    t.match(nul.json(), { statusCode: 400, details: { fields: [{ name: 'name', message: /NUL/ }] } });
    const key = await app.call('POST', '/users', ADMIN_TOKEN, '{"name":"n","roles":[],"\\udc00":1}', json);
    t.match(key.json(), { statusCode: 400, details: { fields: [{ name: '\uFFFD', message: /the key/ }] } });
    const u = await app.user(['uji/staf', 'uji/kepala']);
    const business = await app.call('POST', '/definitions/uji-dua-langkah/instances', u.token, '{"businessKey":"K-\\udbff-1"}', json);
    t.match(business.json(), { statusCode: 400, details: { fields: [{ name: 'businessKey' }] } });
    const deep = await app.call('POST', '/tasks/x/complete', u.token, `{"variables":{"v":${'['.repeat(40)}${']'.repeat(40)}}}`, json);
    t.match(deep.json(), { statusCode: 400, details: { fields: [{ name: /^variables\.v(\.0)+$/, message: /deeper than 32/ }] } });
    const query = await app.call('GET', '/tasks?role=%ED%A0%80', u.token);
    t.ok(query.statusCode < 500, `a query that is not UTF-8 answers ${query.statusCode}`);

    const nfd = 'Kasus-e\u0301';
    const started = await app.call('POST', '/definitions/uji-dua-langkah/instances', u.token, { businessKey: nfd });
    t.equal(started.statusCode, 201);
    t.equal(started.json().businessKey, 'Kasus-\u00e9', 'acknowledged in NFC');
    t.equal((await app.call('GET', `/instances/${started.json().id}`, u.token)).json().businessKey, 'Kasus-\u00e9', 'stored as acknowledged');
    const named = await app.call('POST', '/users', ADMIN_TOKEN, { name: 'Andre\u0301', roles: [] });
    t.equal(named.json().name, 'Andr\u00e9');
    t.match((await app.call('GET', '/audit/verify', ADMIN_TOKEN)).json(), { ok: true });
  });

  t.test(`${database}: a diagram is stored and compared in NFC; character references that are not canonical are refused`, async (t) => {
    const app = await startApp(t, { processesDir: tempDir(t), database });
    const decomposed = diagram('uji-nfc', '1', 'Menyerahkan berkas ke Kepala Bagian Pe\u0301ngadaan');
    const first = await app.call('POST', '/definitions', ADMIN_TOKEN, decomposed, xmlHeaders);
    t.equal(first.statusCode, 201, first.body);
    const xml = (await app.call('GET', '/definitions/uji-nfc/xml', ADMIN_TOKEN)).body;
    t.ok(xml.includes('P\u00e9ngadaan'), 'the stored diagram is NFC');
    const again = await app.call('POST', '/definitions', ADMIN_TOKEN, decomposed.normalize('NFC'), xmlHeaders);
    t.equal(again.statusCode, 200, 'the same diagram in NFC is the same version');
    for (const [label, ref] of [
      ['NUL', '&#x0;'],
      ['a lone low surrogate', '&#56320;'],
      ['a combining mark after an entity', '&lt;&#x338;'],
    ] as const) {
      const res = await app.call('POST', '/definitions', ADMIN_TOKEN, diagram('uji-ref', '1', `X${ref}`), xmlHeaders);
      t.equal(res.statusCode, 400, label);
      t.match(res.json().details.problems, [{ elementId: 'u', message: /name/ }], label);
    }
    const user = await app.user(['uji/staf']);
    t.equal((await app.call('POST', '/definitions/uji-nfc/instances', user.token, {})).statusCode, 201);
    t.match((await app.call('GET', '/audit/verify', ADMIN_TOKEN)).json(), { ok: true });
  });
}

t.test('only what JSON.parse makes is walked; a Buffer body stays a Buffer', async (t) => {
  const { canonicalJson } = await import('../../src/text/canonical-text.js');
  const buffer = Buffer.from('e\u0301');
  t.equal(canonicalJson(buffer).value, buffer);
  t.same(canonicalJson(Object.assign(Object.create(null) as object, { a: 'e\u0301' })).value, { a: '\u00e9' }, 'a query object without prototype is walked');
});
