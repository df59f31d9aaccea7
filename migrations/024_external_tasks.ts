// External tasks: one row per service, send or business-rule task execution a running case waits on, written and
// deleted in the same transaction as the case's engine state (Camunda's ACT_RU_EXT_TASK). Workers fetch and lock
// rows over /engine-rest; a lock is a conditional update, so one worker holds a row at a time across processes.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('external_tasks', (t) => {
    t.string('id', 36).primary();
    // No foreign key: a case's first run writes its tasks before the instance row, which goes with the audit append.
    t.string('instance_id', 36).notNullable();
    t.string('definition_id', 36).notNullable();
    t.string('definition_key', 200).notNullable();
    t.integer('version').notNullable();
    t.string('element_id', 200).notNullable();
    t.string('execution_id', 200).notNullable();
    t.string('topic', 200).notNullable();
    t.integer('priority').notNullable();
    t.string('business_key', 200).nullable();
    /** The worker that locked it last (kept after the lock expires, as Camunda keeps it). */
    t.string('worker_id', 200).nullable();
    /** Fetchable again once this passes (a lock, or a failure's retryTimeout); ISO 8601 UTC. */
    t.string('lock_expiration', 30).nullable();
    /** Null until a worker reports a failure (Camunda 7), or the diagram's retries (Camunda 8); 0: an incident. */
    t.integer('retries').nullable();
    t.text('error_message').nullable();
    t.text('error_details').nullable();
    t.string('created_at', 30).notNullable();
    t.unique(['instance_id', 'execution_id'], { indexName: 'external_tasks_instance_execution_unique' });
    t.index(['topic', 'lock_expiration'], 'external_tasks_topic_lock_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('external_tasks');
}
