// SOP keys belong to a unit, and a delegation can be ended before its period runs out.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // The unit whose owners may deploy a key; written at a key's first deploy and by an admin's transfer. A key
  // without a row belongs to the unit of its first version (keys deployed before this table existed).
  await knex.schema.createTable('definition_keys', (t) => {
    t.string('key', 200).primary();
    t.string('unit', 200).nullable();
    t.string('assigned_at', 30).notNullable();
    t.string('assigned_by', 36).nullable();
  });
  await knex.schema.alterTable('delegations', (t) => {
    t.string('revoked_at', 30).nullable();
    t.string('revoked_by', 36).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('delegations', (t) => {
    t.dropColumn('revoked_by');
    t.dropColumn('revoked_at');
  });
  await knex.schema.dropTableIfExists('definition_keys');
}
