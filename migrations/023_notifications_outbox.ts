// Notifications: users' contact addresses and preferences, the outbox of deliveries (e-mail, webhook) and the
// position up to which the audit chain has been turned into deliveries.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.string('email', 254).nullable();
    t.string('phone', 20).nullable();
    // JSON {kind: {email?: boolean, webhook?: boolean}}; a kind or channel not named is on.
    t.text('notifications').nullable();
  });
  await knex.schema.createTable('outbox', (t) => {
    t.string('id', 36).primary();
    t.string('channel', 20).notNullable();
    t.string('kind', 40).notNullable();
    t.string('recipient_user_id', 36).nullable();
    // The e-mail address or the webhook URL the row was written for (null when its channel was not configured).
    t.string('address', 2000).nullable();
    t.text('subject').notNullable();
    t.text('body').notNullable();
    t.text('payload').notNullable();
    // Sent with every attempt (Message-ID / webhook-id): a receiver drops repeats by it.
    t.string('idempotency_key', 200).notNullable().unique();
    // The audit event that caused the row, when one did.
    t.bigInteger('audit_seq').nullable();
    t.string('status', 20).notNullable();
    t.integer('attempts').notNullable().defaultTo(0);
    t.string('next_attempt_at', 30).notNullable();
    t.text('last_error').nullable();
    t.string('locked_by', 100).nullable();
    t.string('locked_until', 30).nullable();
    t.string('created_at', 30).notNullable();
    t.string('delivered_at', 30).nullable();
    t.index(['status', 'next_attempt_at'], 'outbox_due_index');
    t.index(['created_at', 'id'], 'outbox_list_index');
  });
  await knex.schema.createTable('outbox_cursor', (t) => {
    t.integer('id').primary();
    t.bigInteger('seq').notNullable();
  });
  // Events recorded before notifications existed are history, not news: the tail starts at the chain's head.
  const head = (await knex('audit_head').select('seq').where({ id: 1 }).first()) as { seq: number | string } | undefined;
  await knex('outbox_cursor').insert({ id: 1, seq: Number(head?.seq ?? 0) });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('outbox_cursor');
  await knex.schema.dropTableIfExists('outbox');
  await knex.schema.alterTable('users', (t) => {
    t.dropColumn('notifications');
    t.dropColumn('phone');
    t.dropColumn('email');
  });
}
