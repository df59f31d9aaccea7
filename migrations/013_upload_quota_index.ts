// The upload quota counts a user's recent uploads on every upload: an index on who uploaded when keeps that a seek.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('attachments', (t) => {
    t.index(['uploaded_by', 'uploaded_at'], 'attachments_uploaded_by_at');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('attachments', (t) => {
    t.dropIndex(['uploaded_by', 'uploaded_at'], 'attachments_uploaded_by_at');
  });
}
