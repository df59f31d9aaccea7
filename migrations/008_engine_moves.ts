// The report of the start-up move of cases stored by the flow interpreter to bpmn-engine: one row per case,
// moved or, with the reason, left where it was.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('engine_moves', (t) => {
    t.string('instance_id', 36).primary().references('id').inTable('instances');
    t.string('outcome', 20).notNullable();
    t.text('reason');
    t.string('at', 30).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('engine_moves');
}
