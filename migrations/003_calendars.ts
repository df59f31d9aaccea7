// Business calendars as data: time zone, office hours per weekday and holidays, editable by an admin.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('calendars', (t) => {
    t.string('id', 50).primary();
    t.string('name', 200).notNullable();
    t.string('time_zone', 100).notNullable();
    t.text('hours').notNullable();
    t.text('holidays').notNullable();
    t.string('updated_at', 30).notNullable();
    t.string('updated_by', 36);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('calendars');
}
