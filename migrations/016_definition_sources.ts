// Definition sources: each version records where it came from (a file of PROCESSES_DIR, or the API), so a restart
// redeploys a file only when that file changed, never over a version an owner deployed through the API.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('definitions', (t) => {
    // `processes/<file>` or `api`; null for versions stored before sources were recorded.
    t.string('source', 300).nullable();
    t.index(['source', 'version'], 'definitions_source_index');
  });
  // A version with a deploying user came through the API; a folder deploy had none, but which file is not known.
  await knex('definitions').whereNotNull('deployed_by').update({ source: 'api' });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('definitions', (t) => {
    t.dropIndex([], 'definitions_source_index');
    t.dropColumn('source');
  });
}
