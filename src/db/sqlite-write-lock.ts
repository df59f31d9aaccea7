// How the serving SQLite connection waits for another process's write lock (WORKERS > 1, or a second service on the
// file). SQLite's own busy handler sleeps 1, 2, 5, 10 … 100 ms between tries, blocking the event loop all the while,
// and a process that has just released the lock takes it back first: measured with a writer holding the lock 2 ms at a
// time, a BEGIN IMMEDIATE waited 84 ms on average and up to 1.9 s (docs/BENCHMARKS.md). Trying again every ~0.1 ms,
// and letting the event loop run between tries, gets the lock within a transaction's length.

/** How long a connection waits for the write lock before SQLITE_BUSY reaches the caller, in ms (wall time). */
export const BUSY_TIMEOUT_MS = 5000;

/** The part of a better-sqlite3 statement knex uses. */
export interface RunnableStatement {
  reader: boolean;
  run(...bindings: unknown[]): unknown;
}

/** Sets the connection's busy_timeout in ms (SQLite's own wait, used by every statement but BEGIN IMMEDIATE). */
export type SetBusyTimeout = (ms: number) => void;

const pause = new Int32Array(new SharedArrayBuffer(4));

function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_BUSY_SNAPSHOT';
}

/**
 * Wraps the connection's `BEGIN IMMEDIATE` statement: `run()` resolves once this connection holds the write lock,
 * trying again every ~0.1 ms (a short Atomics.wait, then a turn of the event loop so other requests run meanwhile)
 * for up to `timeoutMs`. SQLite's busy handler is off (busy_timeout 0) only while it tries, and back to `timeoutMs`
 * after. Rejects with the driver's SQLITE_BUSY error when the lock stayed taken, or with any other error at once.
 */
export function patientBegin(begin: RunnableStatement, setBusyTimeout: SetBusyTimeout, timeoutMs = BUSY_TIMEOUT_MS, now: () => number = Date.now): RunnableStatement {
  return {
    reader: false,
    async run(...bindings: unknown[]) {
      const deadline = now() + timeoutMs;
      setBusyTimeout(0);
      try {
        for (;;) {
          try {
            return begin.run(...bindings);
          } catch (err) {
            if (!isBusy(err) || now() >= deadline) throw err;
          }
          Atomics.wait(pause, 0, 0, 0.1);
          await new Promise((resolve) => setImmediate(resolve));
        }
      } finally {
        setBusyTimeout(timeoutMs);
      }
    },
  };
}
