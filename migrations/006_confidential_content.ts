// Content recorded at a confidential step, sealed with the content key (AES-256-GCM): the text of its
// form fields and its output values on the task, and uploaded files flagged as sealed.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => {
    t.binary('sealed_content').nullable();
  });
  await knex.schema.alterTable('attachments', (t) => {
    t.boolean('sealed').notNullable().defaultTo(false);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('attachments', (t) => {
    t.dropColumn('sealed');
  });
  await knex.schema.alterTable('tasks', (t) => {
    t.dropColumn('sealed_content');
  });
}
