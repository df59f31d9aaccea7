// What running cases wait for from outside: a message, a signal or a condition. Written and deleted in the same
// transaction as the engine state, so a delivery finds exactly the cases waiting now (Camunda's ACT_RU_EVENT_SUBSCR).
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('event_subscriptions', (t) => {
    t.string('id', 36).primary();
    t.string('instance_id', 36).notNullable();
    t.string('definition_key', 200).notNullable();
    t.integer('version').notNullable();
    // message | signal | conditional
    t.string('kind', 20).notNullable();
    // The message's or signal's name; a condition's element id.
    t.string('name', 500).notNullable();
    t.string('element_id', 200).notNullable();
    t.string('execution_id', 200).notNullable();
    t.string('business_key', 200).nullable();
    t.string('created_at', 30).notNullable();
    // A delivery looks up by kind and name (and business key); a case's run replaces its own rows.
    t.index(['kind', 'name', 'business_key'], 'event_subscriptions_name_index');
    t.index(['instance_id'], 'event_subscriptions_instance_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('event_subscriptions');
}
