// Runs the knex migrations at start from the static list in migrations/index.ts.
import type { Knex } from 'knex';
import { migrations, type Migration } from '../../migrations/index.js';

class StaticMigrationSource implements Knex.MigrationSource<readonly [string, Migration]> {
  getMigrations(): Promise<Array<readonly [string, Migration]>> {
    return Promise.resolve([...migrations]);
  }
  getMigrationName(migration: readonly [string, Migration]): string {
    return migration[0];
  }
  getMigration(migration: readonly [string, Migration]): Promise<Knex.Migration> {
    return Promise.resolve(migration[1]);
  }
}

/** Brings the schema up to date; knex's own lock table keeps concurrent starters from racing. */
export async function migrateToLatest(knex: Knex): Promise<void> {
  await knex.migrate.latest({ migrationSource: new StaticMigrationSource() });
}
