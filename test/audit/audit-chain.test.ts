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

t.test('PostgreSQL: appends predict the head; a wrong guess (another process, a rollback) still gives one chain', { skip: !(await testDatabases()).includes('postgres') && 'PostgreSQL is not reachable' }, async (t) => {
  const url = await freshPostgresUrl(t);
  // Two processes: each its own connection pool and its own chain object (its own guess of the head).
  const one = openDatabase(url);
  const two = openDatabase(url);
  t.teardown(async () => {
    await one.close();
    await two.close();
  });
  await migrateToLatest(one.knex);
  const chains = [auditChain(one.knex, one.kind), auditChain(two.knex, two.kind)];
  const dbs = [one, two];
  const statements = { predicted: 0, locked: 0, plain: 0 };
  for (const db of dbs) {
    db.knex.on('query', (q: { sql: string }) => {
      if (/^with .*moved as \(update audit_head/s.test(q.sql)) statements.predicted++;
      if (/^select seq, hash from audit_head where id = 1 for update/.test(q.sql)) statements.locked++;
      if (/^with appended as \(insert into "audit_events"/.test(q.sql)) statements.plain++;
    });
  }
  const event = (i: number) => ({ type: 'task.created' as const, at: '2026-01-05T01:00:00.000Z', instanceId: `i${i % 7}`, taskId: `t${i}` });
  const append = (p: number, i: number) => dbs[p]!.knex.transaction((trx) => chains[p]!.append(trx, [event(i), event(i + 1000)]));

  // One process alone: after its first append, every guess is right.
  for (let i = 0; i < 5; i++) await append(0, i);
  t.same(statements, { predicted: 4, locked: 1, plain: 1 }, 'one locking read and append, then one statement per append');

  // Both at once, 40 appends each: guesses go wrong and are corrected, nothing forks or waits forever.
  await Promise.all([0, 1].map((p) => Promise.all(Array.from({ length: 40 }, (_, i) => append(p, 100 + p * 40 + i)))));
  t.same(await chains[0]!.verify(), { ok: true, events: 170 }, 'one chain of 5 + 80 appends of two events');
  t.ok(statements.plain > 1, `wrong guesses appended after the real head (${statements.plain - 1} times)`);

  // A rollback after an append: the guess names a head that never was; the next append finds the real one.
  const before = await chains[0]!.head();
  await t.rejects(
    one.knex.transaction(async (trx) => {
      await chains[0]!.append(trx, [event(9000)]);
      throw new Error('rolled back');
    }),
    /rolled back/,
  );
  const after = await append(0, 9001);
  t.equal(after[0]?.seq, before.seq + 1, 'appended right after the head that was committed');
  t.equal(after[0]?.prevHash, before.hash);

  // Two appends in one transaction while another transaction of the process waits for its turn: no hang. The
  // other's guess (the first append's head) is wrong by then: it appends after the second.
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let holds!: () => void;
  const holding = new Promise<void>((r) => (holds = r));
  const first = one.knex.transaction(async (trx) => {
    await chains[0]!.append(trx, [event(9100)]);
    holds();
    await gate;
    return chains[0]!.append(trx, [event(9101)]);
  });
  await holding;
  const queued = append(0, 9200);
  setTimeout(release, 100);
  const [inner, outer] = await Promise.all([first, queued]);
  t.same(inner.map((e) => e.seq), [before.seq + 4], 'the first transaction appends twice (after 2 + 1 events)');
  t.same(outer.map((e) => e.seq), [before.seq + 5, before.seq + 6], 'the waiting one after it');
  t.same(await chains[1]!.verify(), { ok: true, events: before.seq + 6 });
});
