// The lifecycle of a definition version: the date it takes effect (the sheet's Tanggal Efektif, copied out of the
// metadata so that a start reads it with one narrow query) and whether new cases may start on it (suspended).
import type { Knex } from 'knex';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('definitions', (t) => {
    // `YYYY-MM-DD` from sop:document effective; null when the sheet gives none or no full date (the version is in effect at once).
    t.string('effective_date', 10).nullable();
    t.string('suspended_at', 30).nullable();
    t.string('suspended_by', 36).nullable();
  });
  const rows = (await knex('definitions').select('id', 'metadata')) as Array<{ id: string; metadata: string }>;
  for (const row of rows) {
    const effective = (JSON.parse(row.metadata) as { identity?: { effective?: unknown } }).identity?.effective;
    if (typeof effective === 'string' && DATE.test(effective)) await knex('definitions').where({ id: row.id }).update({ effective_date: effective });
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('definitions', (t) => {
    t.dropColumn('suspended_by');
    t.dropColumn('suspended_at');
    t.dropColumn('effective_date');
  });
}
