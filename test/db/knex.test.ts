// Given the service's SQLite connection, when it opens a transaction, then it holds the file's write lock from
// BEGIN on: another process cannot slip a write in between this transaction's reads and its writes.
import fs from 'node:fs';
import path from 'node:path';
import t, { type Test } from 'tap';
import knexFactory from 'knex';
import { tempDir } from '../helpers/app.js';
import { cachingPrepare, openDatabase } from '../../src/db/knex.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { startWalCheckpointer } from '../../src/db/wal-checkpointer.js';
import { BUSY_TIMEOUT_MS, patientBegin } from '../../src/db/sqlite-write-lock.js';
import { loadConfig } from '../../src/config.js';

/** Another connection to the file, one that does not wait for locks (busy_timeout 0). */
function impatientConnection(t: Test, file: string) {
  const other = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: file },
    useNullAsDefault: true,
    pool: { min: 1, max: 1, afterCreate: (conn: { pragma(sql: string): unknown }, done: (err: Error | null, conn: unknown) => void) => (conn.pragma('busy_timeout = 0'), done(null, conn)) },
  });
  t.teardown(() => other.destroy());
  return other;
}

t.test('an SQLite transaction takes the write lock at BEGIN (IMMEDIATE)', async (t) => {
  const file = path.join(tempDir(t), 'lock.db');
  const db = openDatabase(`sqlite:${file}`);
  t.teardown(() => db.knex.destroy());
  await migrateToLatest(db.knex);
  const other = impatientConnection(t, file);

  await db.knex.transaction(async (trx) => {
    // Only a read so far: a deferred BEGIN would not have locked anything yet.
    await trx('audit_head').where({ id: 1 }).first();
    await t.rejects(other.raw('BEGIN IMMEDIATE'), { code: 'SQLITE_BUSY' }, 'another writer is kept out');
  });
  await other.raw('BEGIN IMMEDIATE');
  await other.raw('COMMIT');
  t.pass('the lock is released at commit');
});

t.test('prepared statements are reused by their SQL, least recently used dropped first', async (t) => {
  const prepared: string[] = [];
  const prepare = cachingPrepare((sql) => {
    prepared.push(sql);
    return { sql };
  }, 2);
  const a = prepare('select 1');
  t.equal(prepare('select 1'), a, 'the same statement object again');
  t.same(prepare('BEGIN;'), { sql: 'BEGIN IMMEDIATE;' }, 'BEGIN takes the write lock');
  prepare('select 1');
  prepare('select 2');
  t.same(prepared, ['select 1', 'BEGIN IMMEDIATE;', 'select 2']);
  prepare('BEGIN;');
  t.same(prepared.at(-1), 'BEGIN IMMEDIATE;', 'the least recently used (BEGIN) was dropped when a third came');
  t.equal(prepare('select 2'), prepare('select 2'));

  const db = openDatabase(`sqlite:${path.join(tempDir(t), 'cache.db')}`);
  t.teardown(() => db.close());
  await db.knex.schema.createTable('t', (table) => table.integer('n'));
  for (let n = 0; n < 3; n++) await db.knex('t').insert({ n });
  await db.knex.schema.alterTable('t', (table) => table.text('s'));
  await db.knex('t').insert({ n: 9, s: 'baru' });
  t.same(await db.knex('t').select('n', 's').orderBy('n'), [{ n: 0, s: null }, { n: 1, s: null }, { n: 2, s: null }, { n: 9, s: 'baru' }], 'a cached statement still works after the table changed');
});

t.test('the serving connection leaves WAL checkpoints to a thread of their own', async (t) => {
  const file = path.join(tempDir(t), 'wal.db');
  const errors: string[] = [];
  const db = openDatabase(`sqlite:${file}`, { backgroundCheckpoints: { onError: (m) => errors.push(m) } });
  await migrateToLatest(db.knex);
  t.same(await db.knex.raw('pragma wal_autocheckpoint'), [{ wal_autocheckpoint: 0 }], 'no checkpoint inside a commit');
  t.same(await db.knex.raw('pragma cache_size'), [{ cache_size: -16000 }], "better-sqlite3's own page cache (16,000 KiB) unless asked");
  const before = fs.statSync(file).size;
  const rows = Array.from({ length: 400 }, (_, i) => ({ id: `u${i}`, name: 'x'.repeat(2000), roles: '[]', token_hash: `${i}`.padStart(64, '0'), active: true, created_at: '2026-01-01T00:00:00Z' }));
  for (let i = 0; i < rows.length; i += 20) await db.knex('users').insert(rows.slice(i, i + 20));
  t.ok(fs.statSync(`${file}-wal`).size > 800_000, 'the rows are in the log');
  let after = before;
  for (let i = 0; i < 40 && after < before + 800_000; i++) {
    await new Promise((r) => setTimeout(r, 100));
    after = fs.statSync(file).size;
  }
  t.ok(after >= before + 800_000, `the thread copied the log into the file (${before} → ${after} bytes)`);
  await db.close();
  t.notOk(fs.existsSync(`${file}-wal`), 'the log is gone after close');
  t.same(errors, []);
  const again = openDatabase(`sqlite:${file}`);
  t.teardown(() => again.close());
  t.equal(((await again.knex('users').count({ n: '*' })) as Array<{ n: number }>)[0]?.n, 400, 'every row is in the file');
});

t.test('a log that keeps growing starts over', async (t) => {
  const file = path.join(tempDir(t), 'big.db');
  const db = openDatabase(`sqlite:${file}`);
  t.teardown(() => db.close());
  await db.knex.raw('pragma wal_autocheckpoint = 0');
  await db.knex.raw('pragma journal_size_limit = 0');
  await db.knex.schema.createTable('t', (table) => table.text('s'));
  for (let i = 0; i < 50; i++) await db.knex('t').insert({ s: 'x'.repeat(20_000) });
  t.ok(fs.statSync(`${file}-wal`).size > 1_000_000);
  const errors: string[] = [];
  const checkpointer = startWalCheckpointer(file, (m) => errors.push(m), { intervalMs: 20, restartFrames: 10 });
  let size = fs.statSync(`${file}-wal`).size;
  for (let i = 0; i < 100 && size > 100_000; i++) {
    await new Promise((r) => setTimeout(r, 20));
    // Writes go on meanwhile; the one after a restart begins the log afresh and trims the file.
    await db.knex('t').insert({ s: 'y' });
    size = fs.statSync(`${file}-wal`).size;
  }
  t.ok(size < 100_000, `the log started over (${size} bytes)`);
  await checkpointer.stop();
  await checkpointer.stop();
  t.same(errors, []);
  t.ok(((await db.knex('t').count({ n: '*' })) as Array<{ n: number }>)[0]!.n > 50);
});

t.test('a checkpointer whose thread failed reports it and still stops', async (t) => {
  const file = path.join(tempDir(t), 'none.db');
  fs.writeFileSync(file, 'not a database');
  const errors: string[] = [];
  const checkpointer = startWalCheckpointer(file, (m) => errors.push(m), { intervalMs: 10 });
  for (let i = 0; i < 100 && errors.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
  t.match(errors[0], /not a database/);
  await checkpointer.stop();
});

t.test('the serving connection gets the page cache it asks for', async (t) => {
  const db = openDatabase(`sqlite:${path.join(tempDir(t), 'cache-size.db')}`, { cacheMiB: 16 });
  t.teardown(() => db.close());
  t.same(await db.knex.raw('pragma cache_size'), [{ cache_size: -16384 }], '16 MiB, in KiB as SQLite counts a negative size');
  t.equal(loadConfig({}).sqliteCacheMiB, 16, 'the service asks for 16 MiB by default');
  t.throws(() => loadConfig({ SQLITE_CACHE_MIB: '1' }), /SQLITE_CACHE_MIB/);
});

t.test('a transaction waits for another connection’s write lock without stopping the event loop', async (t) => {
  const file = path.join(tempDir(t), 'wait.db');
  const db = openDatabase(`sqlite:${file}`);
  t.teardown(() => db.close());
  await db.knex.schema.createTable('t', (table) => table.integer('n'));
  const other = impatientConnection(t, file);
  await other.raw('BEGIN IMMEDIATE');
  await other.raw('insert into t values (1)');
  // Released by a timer of this same thread: SQLite's own busy handler would sleep with the thread and never let it
  // fire, and the transaction would fail with SQLITE_BUSY after busy_timeout.
  let ticks = 0;
  const ticker = setInterval(() => ticks++, 1);
  setTimeout(() => void other.raw('COMMIT').then(() => undefined), 30);
  await db.knex.transaction(async (trx) => {
    await trx('t').insert({ n: 2 });
  });
  clearInterval(ticker);
  t.ok(ticks > 0, `timers ran while the transaction waited (${ticks})`);
  t.same(await db.knex('t').select('n').orderBy('n'), [{ n: 1 }, { n: 2 }], 'both writes are in');
  t.same(await db.knex.raw('pragma busy_timeout'), [{ timeout: BUSY_TIMEOUT_MS }], 'SQLite waits as before for every other statement');
});

t.test('BEGIN gives up with SQLITE_BUSY after the timeout, and fails at once on any other error', async (t) => {
  const busy = Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
  const timeouts: number[] = [];
  let clock = 0;
  let tries = 0;
  const begin = patientBegin(
    {
      reader: false,
      run: () => {
        tries++;
        clock += 40;
        throw busy;
      },
    },
    (ms) => timeouts.push(ms),
    100,
    () => clock,
  );
  t.equal(begin.reader, false);
  await t.rejects(Promise.resolve(begin.run()), { code: 'SQLITE_BUSY' });
  t.equal(tries, 3, 'tried until the deadline had passed');
  t.same(timeouts, [0, 100], "SQLite's own wait is off while it tries, and back after");
  const broken = patientBegin({ reader: false, run: () => { tries++; throw new Error('disk I/O error'); } }, () => undefined, 100, () => clock);
  tries = 0;
  await t.rejects(Promise.resolve(broken.run()), /disk I\/O error/);
  t.equal(tries, 1);
});
