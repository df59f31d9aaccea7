// The audit chain links every event to the one before; a changed row or a rewritten head is found.
import path from 'node:path';
import t from 'tap';
import { openDatabase } from '../../src/db/knex.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { auditChain } from '../../src/audit/audit-chain.js';
import { tempDir } from '../helpers/temp-dir.js';
import { freshPostgresUrl, testDatabases } from '../helpers/app.js';

t.test('appends, verifies, and names the first broken event', async (t) => {
  const db = openDatabase(`sqlite:${path.join(tempDir(t), 'a.db')}`);
  t.teardown(() => db.knex.destroy());
  await migrateToLatest(db.knex);
  await migrateToLatest(db.knex);
  const chain = auditChain(db.knex, db.kind);
  t.same(await chain.verify(), { ok: true, events: 0 });

  await db.knex.transaction(async (trx) => {
    const written = await chain.append(trx, [
      { type: 'instance.started', at: '2026-01-05T01:00:00.000Z', instanceId: 'i1', userId: 'u1' },
      { type: 'task.created', at: '2026-01-05T01:00:00.000Z', instanceId: 'i1', taskId: 't1', elementId: 'e1', standardMs: 900000 },
    ]);
    t.equal(written[1]?.prevHash, written[0]?.hash);
    t.same(await chain.append(trx, []), []);
  });
  await db.knex.transaction((trx) =>
    chain.append(trx, [
      { type: 'task.completed', at: '2026-01-05T01:20:00.000Z', instanceId: 'i1', taskId: 't1', documents: [{ name: 'Lembar', ref: 'x' }], output: [{ name: 'Out', value: 'v' }], workingMs: 1200000, wallMs: 1200000, standardMs: 900000, breached: true, data: { a: 1 } },
    ]),
  );
  const events = await chain.forInstance('i1');
  t.same(events.map((e) => e.seq), [1, 2, 3]);
  t.match(events[2], { breached: true, workingMs: 1200000, documents: [{ name: 'Lembar' }] });
  t.same(await chain.verify(2), { ok: true, events: 3 }, 'verified across pages');

  await db.knex('audit_events').where({ seq: 2 }).update({ standard_ms: 1 });
  t.same(await chain.verify(), { ok: false, events: 1, brokenAt: 2 }, 'a changed row is found');
  await db.knex('audit_events').where({ seq: 2 }).update({ standard_ms: 900000 });
  t.same(await chain.verify(), { ok: true, events: 3 });

  await db.knex('audit_events').where({ seq: 3 }).delete();
  t.match(await chain.verify(), { ok: false, brokenAt: 3 }, 'a deleted tail no longer matches the head');
});

t.test('a signed checkpoint stops matching once an old event is changed, and survives a restart', async (t) => {
  const { startApp, ADMIN_TOKEN, FIXTURES } = await import('../helpers/app.js');
  const fs = await import('node:fs');
  const dir = tempDir(t);
  const processes = path.join(dir, 'processes');
  fs.mkdirSync(processes);
  fs.copyFileSync(path.join(FIXTURES, 'two-step.bpmn'), path.join(processes, 'two-step.bpmn'));
  const first = await startApp(t, { dir, processesDir: processes });
  const u = await first.user(['uji/staf']);
  await first.call('POST', '/definitions/uji-dua-langkah/instances', u.token, {});
  const cp = (await first.call('GET', '/audit/checkpoint', ADMIN_TOKEN)).json();
  t.match(cp, { seq: Number, hash: /^[0-9a-f]{64}$/, signature: String, publicKey: /BEGIN PUBLIC KEY/ });
  t.equal((await first.call('GET', '/audit/checkpoint', u.token)).statusCode, 403);
  const { publicKey: _pk, ...kept } = cp;
  await first.call('POST', '/definitions/uji-dua-langkah/instances', u.token, {});
  t.match((await first.call('POST', '/audit/checkpoint/verify', ADMIN_TOKEN, kept)).json(), { signatureValid: true, chainMatches: true });
  t.match((await first.call('POST', '/audit/checkpoint/verify', ADMIN_TOKEN, { ...kept, seq: kept.seq + 1 })).json(), { signatureValid: false });
  await first.close();

  const second = await startApp(t, { dir, processesDir: processes });
  t.match((await second.call('POST', '/audit/checkpoint/verify', ADMIN_TOKEN, kept)).json(), { signatureValid: true, chainMatches: true }, 'the key is kept beside the database');
  await second.app.services.db.knex('audit_events').where({ seq: 2 }).update({ at: '2020-01-01T00:00:00.000Z' });
  t.match((await second.call('POST', '/audit/checkpoint/verify', ADMIN_TOKEN, kept)).json(), { signatureValid: true, chainMatches: false, recomputedHash: null });
  t.match((await second.call('GET', '/audit/verify', ADMIN_TOKEN)).json(), { ok: false, brokenAt: 2 });
});

for (const database of await testDatabases()) {
  t.test(`an append longer than one insert stays one chain (${database})`, async (t) => {
    const url = database === 'postgres' ? await freshPostgresUrl(t) : `sqlite:${path.join(tempDir(t), 'long.db')}`;
    const db = openDatabase(url);
    t.teardown(() => db.close());
    await migrateToLatest(db.knex);
    const chain = auditChain(db.knex, db.kind);
    const events = Array.from({ length: 450 }, (_, i) => ({ type: 'task.created' as const, at: '2026-01-05T01:00:00.000Z', instanceId: 'i1', taskId: `t${i}` }));
    await db.knex.transaction((trx) => chain.append(trx, events.slice(0, 1)));
    const written = await db.knex.transaction((trx) => chain.append(trx, events.slice(1)));
    t.same(written.map((e) => e.seq), Array.from({ length: 449 }, (_, i) => i + 2), 'three inserts, seq in order');
    t.same(await chain.head(), { seq: 450, hash: written.at(-1)?.hash, at: '2026-01-05T01:00:00.000Z' }, 'the head moved with the last insert');
    t.same(await chain.verify(), { ok: true, events: 450 });
    await t.rejects(
      db.knex.transaction(async (trx) => {
        await chain.append(trx, events.slice(0, 3));
        throw new Error('rolled back');
      }),
      /rolled back/,
    );
    t.same((await chain.head()).seq, 450, 'a rolled-back append leaves no trace');
    t.same(await chain.verify(), { ok: true, events: 450 });
  });
}
