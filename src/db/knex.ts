// Opens the database named by DATABASE_URL: an SQLite file in WAL mode (embedded default) or PostgreSQL.
import fs from 'node:fs';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';

export type DatabaseKind = 'sqlite' | 'postgres';

export interface Database {
  knex: Knex;
  kind: DatabaseKind;
}

interface SqliteConnection {
  pragma(sql: string): unknown;
  prepare(sql: string): unknown;
}

/** Creates the knex instance; for SQLite the file's folder is created when missing. */
export function openDatabase(databaseUrl: string): Database {
  if (databaseUrl.startsWith('sqlite:')) {
    const filename = databaseUrl.slice('sqlite:'.length);
    if (filename !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(filename)), { recursive: true });
    const knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename },
      useNullAsDefault: true,
      pool: {
        min: 1,
        max: 1,
        afterCreate(conn: SqliteConnection, done: (err: Error | null, conn: unknown) => void) {
          // WAL lets readers (another process, an auditor's sqlite3 shell) run beside the writer.
          conn.pragma('journal_mode = WAL');
          conn.pragma('synchronous = NORMAL');
          conn.pragma('foreign_keys = ON');
          conn.pragma('busy_timeout = 5000');
          // knex opens every transaction with a deferred BEGIN: a transaction that reads before it writes would then
          // fail at once with SQLITE_BUSY when another process (WORKERS > 1, or a second service on the file) wrote
          // in between, busy_timeout or not. BEGIN IMMEDIATE takes the write lock first, waiting up to busy_timeout.
          const prepare = conn.prepare.bind(conn);
          conn.prepare = (sql: string) => prepare(sql === 'BEGIN;' ? 'BEGIN IMMEDIATE;' : sql);
          done(null, conn);
        },
      },
    });
    return { knex, kind: 'sqlite' };
  }
  const knex = knexFactory({
    client: 'pg',
    connection: databaseUrl,
    pool: { min: 0, max: 10 },
  });
  return { knex, kind: 'postgres' };
}
