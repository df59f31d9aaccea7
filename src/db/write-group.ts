// Several writers' transactions committed as one. The job executor fires a round of due timers, each firing's engine
// run outside any transaction as before, and then commits the round's writes together: a firing pays no BEGIN,
// COMMIT and knex transaction of its own (on SQLite a knex transaction of one update costs ~0.2 ms more than the
// update; docs/BENCHMARKS.md, "Issues 15 and 19, sixth session").
import type { Knex } from 'knex';

/** Runs `work` in a transaction and resolves once it has committed; rejects with what `work` threw. */
export type Transact = (work: (trx: Knex.Transaction) => Promise<void>) => Promise<void>;

interface Parked {
  work: (trx: Knex.Transaction) => Promise<void>;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export interface WriteGroup {
  /** Parks `work` until `flush`; the promise settles as the work's own transaction would have. */
  transact: Transact;
  /** Resolves the next time a work is parked. */
  nextPark(): Promise<void>;
  /**
   * Runs every parked work in one transaction, in the order parked. When that transaction fails, each work runs again
   * alone in a transaction of its own, so that only the failing ones fail: a work must therefore read what it guards
   * (revisions, job locks) inside its transaction, as the case runs' writes do.
   */
  flush(): Promise<void>;
}

/** A group of writes on `knex`; see WriteGroup. */
export function writeGroup(knex: Knex): WriteGroup {
  let parked: Parked[] = [];
  let onPark: (() => void) | undefined;
  return {
    transact: (work) =>
      new Promise<void>((resolve, reject) => {
        parked.push({ work, resolve, reject });
        onPark?.();
      }),
    nextPark: () =>
      new Promise<void>((resolve) => {
        onPark = () => {
          onPark = undefined;
          resolve();
        };
      }),
    async flush() {
      const batch = parked;
      parked = [];
      if (batch.length === 0) return;
      try {
        await knex.transaction(async (trx) => {
          for (const p of batch) await p.work(trx);
        });
      } catch (err) {
        if (batch.length === 1) return (batch[0] as Parked).reject(err);
        for (const p of batch) await knex.transaction(p.work).then(p.resolve, p.reject);
        return;
      }
      for (const p of batch) p.resolve();
    },
  };
}
