// Each completed step's measured durations on its task row, so reports and exports read one indexed table.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => {
    t.bigInteger('working_ms');
    t.bigInteger('wall_ms');
    t.boolean('breached');
    t.index(['definition_key', 'version', 'element_id', 'status']);
    t.index(['completed_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => {
    t.dropIndex(['definition_key', 'version', 'element_id', 'status']);
    t.dropIndex(['completed_at']);
    t.dropColumn('working_ms');
    t.dropColumn('wall_ms');
    t.dropColumn('breached');
  });
}
