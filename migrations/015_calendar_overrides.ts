// Calendars grow dated office hours (periods such as Ramadan, half days, extra working days), a parent they inherit
// from (a unit's calendar over the national wib, wita or wit) with the parent's holidays they do not keep, and the
// unit whose owners may edit them.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('calendars', (t) => {
    t.text('periods');
    t.text('days');
    t.string('inherits', 50);
    t.text('removed');
    t.string('unit', 200);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('calendars', (t) => {
    t.dropColumn('periods');
    t.dropColumn('days');
    t.dropColumn('inherits');
    t.dropColumn('removed');
    t.dropColumn('unit');
  });
}
