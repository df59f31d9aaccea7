// Runs the knex migrations at start from the static list in migrations/index.ts.
import type { Knex } from 'knex';
import { migrations, type Migration } from '../../migrations/index.js';

class StaticMigrationSource implements Knex.MigrationSource<readonly [string, Migration]> {
  constructor(private readonly list: ReadonlyArray<readonly [string, Migration]> = migrations) {}
  getMigrations(): Promise<Array<readonly [string, Migration]>> {
    return Promise.resolve([...this.list]);
  }
  getMigrationName(migration: readonly [string, Migration]): string {
    return migration[0];
  }
  getMigration(migration: readonly [string, Migration]): Promise<Knex.Migration> {
    return Promise.resolve(migration[1]);
  }
}

/**
 * Brings the schema up to date. knex's lock table keeps concurrent starters from racing, but a starter that
 * finds it locked fails at once; here it waits for the one migrating and then finds nothing left to do.
 */
export async function migrateToLatest(knex: Knex, { attempts = 60, waitMs = 500 } = {}): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await knex.migrate.latest({ migrationSource: new StaticMigrationSource() });
      return;
    } catch (err) {
      const locked = (err as Error).name === 'MigrationLocked' || /already locked|knex_migrations_lock|duplicate key|already exists/i.test((err as Error).message);
      if (!locked || attempt >= attempts) throw err;
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }
}

/** Brings the schema up to the migration named `last` and no further: the schema an older release ran on. */
export async function migrateUpTo(knex: Knex, last: string): Promise<void> {
  const end = migrations.findIndex(([name]) => name === last);
  if (end < 0) throw new Error(`no migration named ${last}`);
  await knex.migrate.latest({ migrationSource: new StaticMigrationSource(migrations.slice(0, end + 1)) });
}
