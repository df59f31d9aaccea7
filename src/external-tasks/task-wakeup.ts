// Wakes long-polling fetches when an external task may have become fetchable: in this process after the commit that
// created or freed it, and on PostgreSQL in every process through LISTEN/NOTIFY (a NOTIFY sent inside the writing
// transaction is delivered when it commits, never before). A fetch that is woken queries again; nothing polls.
import type { Knex } from 'knex';
import type pg from 'pg';
import type { DatabaseKind } from '../db/knex.js';
import type { Logger } from '../logger.js';

/**
 * On SQLite no other process can announce its tasks (WORKERS > 1, or a second service on the file), so a waiting
 * fetch also looks again this often, in ms: one indexed query a second per waiting worker, not a busy loop.
 */
export const SQLITE_RECHECK_MS = 1000;

/** The PostgreSQL channel new external tasks are announced on. */
export const EXTERNAL_TASK_CHANNEL = 'sop_external_tasks';

export interface ExternalTaskWakeup {
  /**
   * Announces, inside `trx`, that external tasks became fetchable: the waiters of this process wake after the commit
   * (none on a rollback), those of other processes through NOTIFY on PostgreSQL.
   */
  announce(trx: Knex.Transaction): Promise<void>;
  /** Wakes this process's waiters now (a change committed outside a run: an unlock, a retry). */
  wake(): void;
  /** A counter of wakes: read before a query, passed to `wait`, it makes a wake during the query count. */
  epoch(): number;
  /**
   * Resolves at the next wake or after `ms` (ms of wall time), at once when a wake came since `since` (an epoch)
   * or when `signal` aborts.
   */
  wait(ms: number, signal?: AbortSignal, since?: number): Promise<void>;
  /** Whether the wakeup closed (the process is stopping): long polls answer at once. */
  closed(): boolean;
  /** Starts listening on PostgreSQL (a no-op on SQLite); errors are logged and the listener reconnects. */
  start(): Promise<void>;
  close(): Promise<void>;
}

/** Builds the wakeup of one process; `kind` decides whether other processes are told through NOTIFY. */
export function externalTaskWakeup(knex: Knex, kind: DatabaseKind, log: Logger): ExternalTaskWakeup {
  const waiters = new Set<() => void>();
  let listener: pg.PoolClient | undefined;
  let closed = false;
  let wakes = 0;

  const wake = (): void => {
    wakes++;
    for (const resolve of [...waiters]) resolve();
  };

  async function listen(): Promise<void> {
    if (closed) return;
    try {
      const conn = (await knex.client.acquireConnection()) as pg.PoolClient;
      listener = conn;
      conn.on('notification', (n) => {
        if (n.channel === EXTERNAL_TASK_CHANNEL) wake();
      });
      // A lost connection would silently stop the wakeups: a new listener is opened, and every waiter queries again.
      conn.once('error', (err: Error) => {
        log.warn({ err: err.message }, 'external task listener lost its connection');
        listener = undefined;
        // Back to the pool, which drops a broken connection (knex marks it disposed); kept, it would hold a slot and
        // the pool's destroy at shutdown would wait for it for ever.
        void Promise.resolve(knex.client.releaseConnection(conn)).catch(() => undefined);
        wake();
        setTimeout(() => void listen(), 1000).unref();
      });
      await conn.query(`LISTEN ${EXTERNAL_TASK_CHANNEL}`);
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'external task listener could not start');
      setTimeout(() => void listen(), 1000).unref();
    }
  }

  return {
    async announce(trx) {
      if (kind === 'postgres') await trx.raw('select pg_notify(?, ?)', [EXTERNAL_TASK_CHANNEL, '']);
      trx.executionPromise.then(wake, () => undefined);
    },
    wake,
    epoch: () => wakes,
    closed: () => closed,
    wait(ms, signal, since) {
      return new Promise<void>((resolve) => {
        if (signal?.aborted || closed || (since !== undefined && since !== wakes)) return resolve();
        const done = (): void => {
          clearTimeout(timer);
          waiters.delete(done);
          signal?.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, kind === 'sqlite' ? Math.min(ms, SQLITE_RECHECK_MS) : ms);
        waiters.add(done);
        signal?.addEventListener('abort', done, { once: true });
      });
    },
    async start() {
      if (kind === 'postgres') await listen();
    },
    async close() {
      closed = true;
      wake();
      const conn = listener;
      listener = undefined;
      if (conn) {
        await conn.query(`UNLISTEN ${EXTERNAL_TASK_CHANNEL}`).catch(() => undefined);
        await knex.client.releaseConnection(conn);
      }
    },
  };
}
