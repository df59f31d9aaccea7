// A task of a multi-instance or looped activity is one iteration: its index and the item it works on.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => {
    // 0-based, as bpmn-elements counts iterations and Camunda's loopCounter does.
    t.integer('loop_counter').nullable();
    // JSON {name, value}: the multi-instance element variable and this iteration's item.
    t.text('element_variable').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => {
    t.dropColumn('loop_counter');
    t.dropColumn('element_variable');
  });
}
