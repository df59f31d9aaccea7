// Call activities: a child case names the case (and the call activity's execution) that started it and waits for it.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('instances', (t) => {
    // No foreign key: a parent and its child are written in one transaction, and SQLite would rebuild the table.
    t.string('parent_instance_id', 36).nullable();
    t.string('parent_element_id', 200).nullable();
    t.string('parent_execution_id', 200).nullable();
    // A parent's children are read by this column (its view, its cancel, a list page).
    t.index(['parent_instance_id'], 'instances_parent_instance_id_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('instances', (t) => {
    t.dropIndex([], 'instances_parent_instance_id_index');
    t.dropColumn('parent_execution_id');
    t.dropColumn('parent_element_id');
    t.dropColumn('parent_instance_id');
  });
}
