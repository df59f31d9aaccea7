// Migration 025: "events of these types after seq N" (the outbox expander's read at every tick) is a range per type on
// (type, seq), not a read of every such event ever recorded followed by a sort.
import t from 'tap';
import type { Knex } from 'knex';
import { openDatabase } from '../../src/db/knex.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import * as indexMigration from '../../migrations/025_audit_type_seq_index.js';
import { auditChain } from '../../src/audit/audit-chain.js';
import { NOTIFIED_EVENT_TYPES } from '../../src/notifications/notified-events.js';
import { freshPostgresUrl, tempDir, testDatabases } from '../helpers/app.js';

const INDEX = 'audit_events_type_seq_index';

async function hasIndex(knex: Knex, kind: 'sqlite' | 'postgres'): Promise<boolean> {
  const rows = kind === 'sqlite' ? await knex('sqlite_master').where({ type: 'index', name: INDEX }) : await knex('pg_indexes').where({ indexname: INDEX });
  return rows.length === 1;
}

for (const database of await testDatabases()) {
  t.test(`migration 025 (${database})`, async (t) => {
    const url = database === 'postgres' ? await freshPostgresUrl(t) : `sqlite:${tempDir(t)}/sop.db`;
    const db = openDatabase(url);
    t.teardown(() => db.close());
    await migrateToLatest(db.knex);
    t.ok(await hasIndex(db.knex, db.kind), 'the index is there');
    const audit = auditChain(db.knex, db.kind);
    await db.knex.transaction((trx) => audit.append(trx, ['task.created', 'task.completed', 'task.created'].map((type) => ({ type: type as 'task.created', at: '2026-03-02T01:00:00.000Z', taskId: 'x' }))));

    const seen: Array<{ sql: string; bindings: readonly unknown[] }> = [];
    const onQuery = (q: { sql: string; bindings?: readonly unknown[] }) => seen.push({ sql: q.sql, bindings: q.bindings ?? [] });
    db.knex.on('query', onQuery);
    const events = await audit.ofTypes({ types: NOTIFIED_EVENT_TYPES, afterSeq: 1, limit: 500 });
    db.knex.off('query', onQuery);
    t.same(events.map((e) => e.seq), [3], 'the read still answers the events after seq 1');
    if (db.kind === 'sqlite') {
      const read = seen.find((q) => q.sql.includes('audit_events'));
      t.ok(read, 'the read was seen');
      const plan = (await db.knex.raw(`explain query plan ${read?.sql ?? ''}`, (read?.bindings ?? []) as Knex.RawBinding[])) as Array<{ detail: string }>;
      t.match(plan.map((p) => p.detail).join('\n'), /USING INDEX audit_events_type_seq_index \(type=\? AND seq>\?\)/, 'SQLite reads a range of (type, seq)');
    }

    await indexMigration.down(db.knex);
    t.notOk(await hasIndex(db.knex, db.kind), 'down drops it');
  });
}
