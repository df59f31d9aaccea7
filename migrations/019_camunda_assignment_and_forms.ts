// Diagrams from Camunda Modeler: a task's candidate groups and users beside its lane role, and Camunda 8 forms
// (form-js JSON) deployed beside the diagrams that link them by id.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // What the task JSON shows and access checks read (JSON lists of role ids and user ids, null for none).
  await knex.schema.alterTable('tasks', (t) => {
    t.text('candidate_groups').nullable();
    t.text('candidate_users').nullable();
  });
  // The same candidates one per row, so that GET /tasks reads a group's or a user's tasks through an index.
  await knex.schema.createTable('task_candidates', (t) => {
    // No foreign key: the rows go in the same PostgreSQL statement as their task's (audit-chain's `ahead` CTEs).
    t.string('task_id', 36).notNullable();
    t.string('kind', 5).notNullable();
    t.string('value', 200).notNullable();
    t.primary(['task_id', 'kind', 'value']);
    t.index(['kind', 'value', 'task_id'], 'task_candidates_value_index');
  });
  // A form-js form, one row per version of its schema id; diagrams link it with zeebe:formDefinition formId.
  await knex.schema.createTable('forms', (t) => {
    t.string('id', 36).primary();
    t.string('form_id', 150).notNullable();
    t.integer('version').notNullable();
    t.text('schema').notNullable();
    t.string('hash', 64).notNullable();
    t.string('deployed_by', 36);
    t.string('deployed_at', 30).notNullable();
    t.unique(['form_id', 'version']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('forms');
  await knex.schema.dropTableIfExists('task_candidates');
  await knex.schema.alterTable('tasks', (t) => {
    t.dropColumn('candidate_users');
    t.dropColumn('candidate_groups');
  });
}
