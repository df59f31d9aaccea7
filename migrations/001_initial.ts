// The first schema: users, definitions, instances, the task projection and the audit chain.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('users', (t) => {
    t.string('id', 36).primary();
    t.string('name', 200).notNullable();
    t.text('roles').notNullable();
    t.string('token_hash', 64).notNullable().unique();
    t.boolean('active').notNullable().defaultTo(true);
    t.string('created_at', 30).notNullable();
  });

  await knex.schema.createTable('definitions', (t) => {
    t.string('id', 36).primary();
    t.string('key', 200).notNullable();
    t.integer('version').notNullable();
    t.string('name', 500);
    t.text('xml').notNullable();
    t.string('hash', 64).notNullable();
    t.text('metadata').notNullable();
    t.string('deployed_by', 36);
    t.string('deployed_at', 30).notNullable();
    t.unique(['key', 'version']);
  });

  await knex.schema.createTable('instances', (t) => {
    t.string('id', 36).primary();
    t.string('definition_id', 36).notNullable().references('id').inTable('definitions');
    t.string('definition_key', 200).notNullable();
    t.integer('version').notNullable();
    t.string('business_key', 200);
    t.string('status', 20).notNullable();
    t.string('started_by', 36).notNullable();
    t.string('started_at', 30).notNullable();
    t.string('ended_at', 30);
    t.text('variables').notNullable();
    t.text('engine_state').notNullable();
    t.integer('rev').notNullable();
    t.text('cancel_reason');
    t.index(['definition_key', 'status']);
    t.index(['started_by']);
  });

  await knex.schema.createTable('tasks', (t) => {
    t.string('id', 36).primary();
    t.string('instance_id', 36).notNullable().references('id').inTable('instances');
    t.string('definition_id', 36).notNullable();
    t.string('definition_key', 200).notNullable();
    t.integer('version').notNullable();
    t.string('element_id', 200).notNullable();
    t.string('execution_id', 200).notNullable();
    t.string('name', 2000);
    t.string('step', 50);
    t.string('role', 200);
    t.string('candidate_user_id', 36);
    t.string('assignee', 36);
    t.string('status', 20).notNullable();
    t.string('created_at', 30).notNullable();
    t.string('claimed_at', 30);
    t.string('completed_at', 30);
    t.string('completed_by', 36);
    t.string('starts_at', 30);
    t.string('due_at', 30);
    t.bigInteger('standard_ms');
    t.string('overdue_at', 30);
    t.text('documents');
    t.text('output');
    t.text('variables');
    t.index(['role', 'status', 'due_at', 'id']);
    t.index(['assignee', 'status']);
    t.index(['instance_id', 'status']);
    t.index(['status', 'due_at']);
  });

  await knex.schema.createTable('audit_events', (t) => {
    t.bigInteger('seq').primary();
    t.string('at', 30).notNullable();
    t.string('type', 40).notNullable();
    t.string('definition_key', 200);
    t.integer('version');
    t.string('instance_id', 36);
    t.string('task_id', 36);
    t.string('element_id', 200);
    t.string('step', 50);
    t.string('user_id', 36);
    t.string('role', 200);
    t.text('documents');
    t.text('output');
    t.bigInteger('working_ms');
    t.bigInteger('wall_ms');
    t.bigInteger('standard_ms');
    t.boolean('breached');
    t.text('data');
    t.string('prev_hash', 64).notNullable();
    t.string('hash', 64).notNullable();
    t.index(['instance_id', 'seq']);
    t.index(['type', 'definition_key']);
  });

  // The chain's head: one row, locked by every append so that concurrent writers never fork the chain.
  await knex.schema.createTable('audit_head', (t) => {
    t.integer('id').primary();
    t.bigInteger('seq').notNullable();
    t.string('hash', 64).notNullable();
  });
  await knex('audit_head').insert({ id: 1, seq: 0, hash: '0'.repeat(64) });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['audit_head', 'audit_events', 'tasks', 'instances', 'definitions', 'users']) {
    await knex.schema.dropTableIfExists(table);
  }
}
