// Versions stored before migration 020 get their effective date from their metadata, so a SOP deployed earlier
// with a Tanggal Efektif still ahead is scheduled, not current, after the upgrade; down removes the columns again.
import t from 'tap';
import { openDatabase } from '../../src/db/knex.js';
import { migrateUpTo } from '../../src/db/migrate.js';
import { migrations } from '../../migrations/index.js';
import { ADMIN_TOKEN, startApp } from '../helpers/app.js';
import { linearDiagram } from '../helpers/linear-diagram.js';

t.test('migration 020 copies each stored version’s effective date out of its metadata', async (t) => {
  const first = await startApp(t);
  const xml = { 'content-type': 'application/xml' };
  await first.call('POST', '/definitions', ADMIN_TOKEN, linearDiagram({ tasks: [{ id: 'a' }] }), xml);
  await first.call('POST', '/definitions', ADMIN_TOKEN, linearDiagram({ effective: '2026-06-01', tasks: [{ id: 'a' }, { id: 'b' }] }), xml);
  await first.call('POST', '/definitions', ADMIN_TOKEN, linearDiagram({ key: 'uji-tahun', effective: '2026', tasks: [{ id: 'a' }] }), xml);
  await first.close();

  // The schema and rows an earlier release had: no lifecycle columns.
  const db = openDatabase(first.databaseUrl);
  // 020 and every migration after it are undone, newest first, as if they had never run.
  for (const [name, migration] of migrations.slice(migrations.findIndex(([n]) => n === '020_version_lifecycle')).reverse()) {
    await migration.down(db.knex);
    await db.knex('knex_migrations').where({ name }).del();
  }
  t.notOk(await db.knex.schema.hasColumn('definitions', 'effective_date'), 'down drops the columns');
  await migrateUpTo(db.knex, '020_version_lifecycle');
  const rows = (await db.knex('definitions').select('key', 'version', 'effective_date', 'suspended_at').orderBy(['key', 'version'])) as Array<Record<string, unknown>>;
  t.same(
    rows.filter((r) => String(r.key).startsWith('uji-')),
    [
      { key: 'uji-daur', version: 1, effective_date: '2026-01-01', suspended_at: null },
      { key: 'uji-daur', version: 2, effective_date: '2026-06-01', suspended_at: null },
      { key: 'uji-tahun', version: 1, effective_date: null, suspended_at: null },
    ],
  );
  await db.close();

  const app = await startApp(t, { databaseUrl: first.databaseUrl, dir: first.dir });
  t.match((await app.call('GET', '/definitions/uji-daur', ADMIN_TOKEN)).json(), { current: { version: 1 }, scheduled: [{ version: 2, effective: '2026-06-01' }] });
});
