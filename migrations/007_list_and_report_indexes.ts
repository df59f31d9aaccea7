// Indexes that keep GET /tasks and the SLA report flat as the task table grows to millions of rows.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => {
    // A task list's branch for the caller's own applicant tasks (candidate_user_id = me); without it that branch
    // scans the table.
    t.index(['candidate_user_id', 'status', 'due_at', 'id'], 'tasks_candidate_status_due_at_id_index');
    // The report reads completed steps grouped by definition, version and step, and seeks each percentile's rank
    // by working_ms inside a group: this order serves both, and the trailing columns cover what the counts read,
    // so neither touches the table rows.
    t.index(['status', 'definition_key', 'version', 'element_id', 'working_ms', 'standard_ms', 'breached', 'completed_at', 'role'], 'tasks_report_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => {
    t.dropIndex([], 'tasks_candidate_status_due_at_id_index');
    t.dropIndex([], 'tasks_report_index');
  });
}
