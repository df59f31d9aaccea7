// Delegations: an official's role held by an acting official (Plh./Plt.) for a period.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('delegations', (t) => {
    t.string('id', 36).primary();
    t.string('from_user', 36).notNullable().references('id').inTable('users');
    t.string('to_user', 36).notNullable().references('id').inTable('users');
    t.string('role', 200).notNullable();
    t.string('valid_from', 30).notNullable();
    t.string('valid_until', 30).notNullable();
    t.text('reason').notNullable();
    t.string('created_at', 30).notNullable();
    t.string('created_by', 36).notNullable();
    t.index(['to_user', 'valid_until']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('delegations');
}
