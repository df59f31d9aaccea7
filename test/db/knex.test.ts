// Given the service's SQLite connection, when it opens a transaction, then it holds the file's write lock from
// BEGIN on: another process cannot slip a write in between this transaction's reads and its writes.
import path from 'node:path';
import t from 'tap';
import knexFactory from 'knex';
import { tempDir } from '../helpers/app.js';
import { openDatabase } from '../../src/db/knex.js';
import { migrateToLatest } from '../../src/db/migrate.js';

t.test('an SQLite transaction takes the write lock at BEGIN (IMMEDIATE)', async (t) => {
  const file = path.join(tempDir(t), 'lock.db');
  const db = openDatabase(`sqlite:${file}`);
  t.teardown(() => db.knex.destroy());
  await migrateToLatest(db.knex);
  // Another connection to the file that does not wait for locks.
  const other = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: file },
    useNullAsDefault: true,
    pool: { min: 1, max: 1, afterCreate: (conn: { pragma(sql: string): unknown }, done: (err: Error | null, conn: unknown) => void) => (conn.pragma('busy_timeout = 0'), done(null, conn)) },
  });
  t.teardown(() => other.destroy());

  await db.knex.transaction(async (trx) => {
    // Only a read so far: a deferred BEGIN would not have locked anything yet.
    await trx('audit_head').where({ id: 1 }).first();
    await t.rejects(other.raw('BEGIN IMMEDIATE'), { code: 'SQLITE_BUSY' }, 'another writer is kept out');
  });
  await other.raw('BEGIN IMMEDIATE');
  await other.raw('COMMIT');
  t.pass('the lock is released at commit');
});
