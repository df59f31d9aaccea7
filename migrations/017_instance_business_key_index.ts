// Staff find a case by its business key (GET /instances?businessKey=): an index keeps that a lookup, not a scan.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('instances', (t) => {
    t.index(['business_key'], 'instances_business_key_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('instances', (t) => {
    t.dropIndex([], 'instances_business_key_index');
  });
}
