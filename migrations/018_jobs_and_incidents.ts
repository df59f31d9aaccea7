// Durable timers: a job per timer a case waits on (due time, claim, retries), the schedule of each timer start event,
// and the incidents jobs become when their retries run out, kept after the retry that resolves them.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('jobs', (t) => {
    t.string('id', 36).primary();
    t.string('kind', 20).notNullable();
    t.string('instance_id', 36).notNullable().references('id').inTable('instances');
    t.string('definition_id', 36).notNullable();
    t.string('element_id', 200).notNullable();
    t.string('execution_id', 200).notNullable();
    /** When the wait began (the clock of a working-time duration starts here). */
    t.string('started_at', 30).notNullable();
    t.string('due_at', 30).notNullable();
    /** The timer's form and its resolved value, from which a calendar change computes its due time again. */
    t.string('timer_type', 20).notNullable();
    t.text('timer_value').notNullable();
    /** `waiting`, or `incident` once its retries ran out (the executor leaves it until a retry). */
    t.string('state', 20).notNullable();
    t.integer('retries').notNullable();
    t.text('last_error');
    t.string('locked_by', 36);
    t.string('locked_until', 30);
    t.string('created_at', 30).notNullable();
    t.unique(['instance_id', 'execution_id'], { indexName: 'jobs_instance_execution_unique' });
    t.index(['state', 'due_at'], 'jobs_state_due_index');
  });
  await knex.schema.createTable('timer_starts', (t) => {
    t.string('id', 36).primary();
    t.string('definition_key', 200).notNullable();
    /** The version whose timer start event this is: the key's latest when the schedule was made. */
    t.string('definition_id', 36).notNullable();
    t.string('element_id', 200).notNullable();
    /** The next slot: the case of this slot starts at it (once, across processes). */
    t.string('due_at', 30).notNullable();
    t.string('locked_by', 36);
    t.string('locked_until', 30);
    t.string('created_at', 30).notNullable();
    t.unique(['definition_key', 'element_id'], { indexName: 'timer_starts_key_element_unique' });
  });
  await knex.schema.createTable('incidents', (t) => {
    t.string('id', 36).primary();
    t.string('kind', 20).notNullable();
    /** The job (or external task) it stands for; its retry handler finds it by this id. */
    t.string('subject_id', 36).notNullable();
    t.string('instance_id', 36).notNullable();
    t.string('definition_id', 36).notNullable();
    t.string('element_id', 200).notNullable();
    t.text('message').notNullable();
    t.integer('retries').notNullable();
    t.string('created_at', 30).notNullable();
    t.string('resolved_at', 30);
    t.index(['resolved_at', 'created_at'], 'incidents_open_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('incidents');
  await knex.schema.dropTable('timer_starts');
  await knex.schema.dropTable('jobs');
}
