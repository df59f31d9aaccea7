// Documents uploaded as evidence for a task: content kept in the database so every process sees it.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('attachments', (t) => {
    t.string('id', 36).primary();
    t.string('task_id', 36).notNullable().references('id').inTable('tasks');
    t.string('instance_id', 36).notNullable();
    t.string('name', 500).notNullable();
    t.string('content_type', 200).notNullable();
    t.integer('size').notNullable();
    t.string('sha256', 64).notNullable();
    t.binary('content').notNullable();
    t.string('uploaded_by', 36).notNullable();
    t.string('uploaded_at', 30).notNullable();
    t.index(['task_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('attachments');
}
