// Opens the database named by DATABASE_URL: an SQLite file in WAL mode (embedded default) or PostgreSQL.
import fs from 'node:fs';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { startWalCheckpointer, type WalCheckpointer } from './wal-checkpointer.js';
import { BUSY_TIMEOUT_MS, patientBegin, type RunnableStatement } from './sqlite-write-lock.js';

export type DatabaseKind = 'sqlite' | 'postgres';

export interface Database {
  knex: Knex;
  kind: DatabaseKind;
  /** Ends the connections (and the SQLite checkpointing thread, when there is one). */
  close(): Promise<void>;
}

export interface OpenOptions {
  /**
   * SQLite: checkpoint the write-ahead log from a worker thread instead of inside commits (see wal-checkpointer.ts).
   * The serving app turns it on; scripts and tests that open the file keep SQLite's automatic checkpoint.
   */
  backgroundCheckpoints?: { onError: (message: string) => void } | undefined;
  /** SQLite page cache in MiB; better-sqlite3's default (16,000 KiB) when not given. */
  cacheMiB?: number | undefined;
}

interface SqliteConnection {
  pragma(sql: string): unknown;
  prepare(sql: string): unknown;
}

/** Sets a connection's busy_timeout with statements prepared once per value (it changes around every BEGIN). */
function busyTimeoutSetter(prepare: (sql: string) => unknown): (ms: number) => void {
  const statements = new Map<number, { get(): unknown }>();
  return (ms) => {
    let statement = statements.get(ms);
    if (!statement) {
      statement = prepare(`PRAGMA busy_timeout = ${Math.trunc(ms)}`) as { get(): unknown };
      statements.set(ms, statement);
    }
    statement.get();
  };
}

/** Prepared statements kept per SQLite connection; knex prepares every query again, which cost 12 % of the CPU. */
export const STATEMENT_CACHE_SIZE = 500;

/**
 * Wraps a connection's prepare: BEGIN becomes BEGIN IMMEDIATE (passed through `begin`, which may wrap it), and
 * statements are reused by their SQL text (least recently used dropped first). Safe because better-sqlite3 runs each
 * statement to its end synchronously and knex only calls run()/all() on them; SQLite re-prepares a cached statement
 * itself after a schema change.
 */
export function cachingPrepare(prepare: (sql: string) => unknown, size = STATEMENT_CACHE_SIZE, begin: (statement: unknown) => unknown = (s) => s): (sql: string) => unknown {
  const cache = new Map<string, unknown>();
  return (sql: string) => {
    const hit = cache.get(sql);
    if (hit !== undefined) {
      cache.delete(sql);
      cache.set(sql, hit);
      return hit;
    }
    const statement = sql === 'BEGIN;' ? begin(prepare('BEGIN IMMEDIATE;')) : prepare(sql);
    cache.set(sql, statement);
    if (cache.size > size) cache.delete(cache.keys().next().value as string);
    return statement;
  };
}

/** Creates the knex instance; for SQLite the file's folder is created when missing. */
export function openDatabase(databaseUrl: string, options: OpenOptions = {}): Database {
  if (databaseUrl.startsWith('sqlite:')) {
    const filename = databaseUrl.slice('sqlite:'.length);
    if (filename !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(filename)), { recursive: true });
    const background = options.backgroundCheckpoints !== undefined && filename !== ':memory:';
    let checkpointer: WalCheckpointer | undefined;
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
          conn.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
          // The serving app sizes the page cache (SQLITE_CACHE_MIB, 16 MiB by default like the driver): more keeps more of
          // a large database in memory, and the process's RSS grows until the cache is full.
          if (options.cacheMiB !== undefined) conn.pragma(`cache_size = ${-Math.round(options.cacheMiB * 1024)}`);
          if (background) {
            conn.pragma('wal_autocheckpoint = 0');
            conn.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
            // The file exists in WAL mode now; one thread per database, whatever the pool re-creates.
            checkpointer ??= startWalCheckpointer(filename, options.backgroundCheckpoints?.onError ?? (() => undefined));
          }
          // knex opens every transaction with a deferred BEGIN: a transaction that reads before it writes would then
          // fail at once with SQLITE_BUSY when another process (WORKERS > 1, or a second service on the file) wrote
          // in between, busy_timeout or not. BEGIN IMMEDIATE takes the write lock first, waiting for it as
          // sqlite-write-lock.ts says.
          const prepare = conn.prepare.bind(conn);
          const setBusyTimeout = busyTimeoutSetter(prepare);
          conn.prepare = cachingPrepare(prepare, STATEMENT_CACHE_SIZE, (begin) => patientBegin(begin as RunnableStatement, setBusyTimeout));
          done(null, conn);
        },
      },
    });
    return {
      knex,
      kind: 'sqlite',
      async close() {
        await checkpointer?.stop();
        await knex.destroy();
      },
    };
  }
  const knex = knexFactory({
    client: 'pg',
    connection: databaseUrl,
    pool: { min: 0, max: 10 },
  });
  return { knex, kind: 'postgres', close: () => knex.destroy() };
}
