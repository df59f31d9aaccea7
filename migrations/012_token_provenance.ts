// Where each user's token came from: issued by an admin (an enrolment token), chosen by its holder, or ADMIN_TOKEN.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    // 'issued' (by an admin or at first start), 'self' (rotated by its holder), 'config' (ADMIN_TOKEN), 'withdrawn'.
    t.string('token_source', 20).notNullable().defaultTo('issued');
    t.string('token_rotated_at', 30).nullable();
    t.string('token_rotated_by', 36).nullable();
    // The account ADMIN_TOKEN signs in as: managed by configuration, not through the API.
    t.boolean('bootstrap').notNullable().defaultTo(false);
  });
  await knex('users').update({ token_rotated_at: knex.ref('created_at') });
  // Accounts made from ADMIN_TOKEN before this column existed are named by their creation event.
  const created = (await knex('audit_events').select('data').where({ type: 'user.created' })) as Array<{ data: string | null }>;
  const ids = created
    .map((r) => (r.data ? (JSON.parse(r.data) as { id?: string; source?: string }) : {}))
    .filter((d) => d.source === 'ADMIN_TOKEN' && typeof d.id === 'string')
    .map((d) => d.id as string);
  if (ids.length > 0) await knex('users').whereIn('id', ids).update({ bootstrap: true, token_source: 'config' });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.dropColumn('bootstrap');
    t.dropColumn('token_rotated_by');
    t.dropColumn('token_rotated_at');
    t.dropColumn('token_source');
  });
}
