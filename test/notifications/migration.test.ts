// Migration 023 on a database with history: events recorded before notifications existed are history, not news, so
// the tail starts at the chain's head; its down step leaves the schema as it was.
import t from 'tap';
import { openDatabase } from '../../src/db/knex.js';
import { migrateToLatest, migrateUpTo } from '../../src/db/migrate.js';
import * as outboxMigration from '../../migrations/023_notifications_outbox.js';
import { auditChain } from '../../src/audit/audit-chain.js';
import { freshPostgresUrl, tempDir, testDatabases } from '../helpers/app.js';

for (const database of await testDatabases()) {
  t.test(`migration 023 (${database})`, async (t) => {
    const url = database === 'postgres' ? await freshPostgresUrl(t) : `sqlite:${tempDir(t)}/sop.db`;
    const db = openDatabase(url);
    t.teardown(() => db.close());
    await migrateUpTo(db.knex, '017_instance_business_key_index');
    const audit = auditChain(db.knex, db.kind);
    await db.knex.transaction((trx) => audit.append(trx, [1, 2, 3].map(() => ({ type: 'task.created' as const, at: '2026-03-02T01:00:00.000Z', taskId: 'old' }))));

    await migrateToLatest(db.knex);
    t.same(await db.knex('outbox_cursor').select('id', 'seq').then((rows) => rows.map((r: { id: number; seq: number | string }) => [Number(r.id), Number(r.seq)])), [[1, 3]], 'the tail starts after the 3 old events');
    t.ok(await db.knex.schema.hasColumn('users', 'email'));

    await outboxMigration.down(db.knex);
    t.notOk(await db.knex.schema.hasTable('outbox'));
    t.notOk(await db.knex.schema.hasTable('outbox_cursor'));
    t.notOk(await db.knex.schema.hasColumn('users', 'notifications'));
  });
}
