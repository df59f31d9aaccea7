// The read the outbox expander makes at every tick (audit-chain ofTypes: events of the notified types after seq N),
// timed on an SQLite file of `rows` audit events (default 1,000,000; a quarter of them task.created) with migration
// 025's (type, seq) index and again after its down step, with SQLite's plan for each.
// Usage: npm run build && node scripts/bench/audit-type-index.mjs [rows=1000000]
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../dist/src/db/knex.js';
import { migrateToLatest } from '../../dist/src/db/migrate.js';
import { auditChain } from '../../dist/src/audit/audit-chain.js';
import { NOTIFIED_EVENT_TYPES } from '../../dist/src/notifications/notified-events.js';
import * as indexMigration from '../../dist/migrations/025_audit_type_seq_index.js';

const require = createRequire(import.meta.url);
const Database = require('better-sqlite3');
const ROWS = Number(process.argv[2] ?? 1_000_000);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-type-index-'));
const file = path.join(dir, 'sop.db');

const db = openDatabase(`sqlite:${file}`);
await migrateToLatest(db.knex);
await db.close();
const raw = new Database(file);
const types = ['instance.started', 'task.created', 'task.completed', 'element.started'];
const insert = raw.prepare('insert into audit_events (seq, at, type, definition_key, data, prev_hash, hash) values (?, ?, ?, ?, ?, ?, ?)');
raw.transaction(() => {
  for (let seq = 1; seq <= ROWS; seq++) insert.run(seq, '2026-01-01T00:00:00.000Z', types[seq % 4], 'bench', '{"x":1}', 'a'.repeat(64), 'b'.repeat(64));
})();
raw.prepare('update audit_head set seq = ? where id = 1').run(ROWS);
raw.close();

/** Times the read on a fresh connection to the file; returns the connection, open. */
async function measure(label) {
  const opened = openDatabase(`sqlite:${file}`);
  const { knex } = opened;
  const audit = auditChain(knex, 'sqlite');
  let sql = '';
  knex.on('query', (q) => (sql = q.sql));
  const query = { types: NOTIFIED_EVENT_TYPES, afterSeq: ROWS - 10, limit: 500 };
  await audit.ofTypes(query);
  const t0 = performance.now();
  for (let i = 0; i < 5; i++) await audit.ofTypes(query);
  const ms = (performance.now() - t0) / 5;
  const plan = (await knex.raw(`explain query plan ${sql}`, [...NOTIFIED_EVENT_TYPES, query.afterSeq, query.limit])).map((r) => r.detail);
  console.log(`${label}: ${ms.toFixed(2)} ms per read over ${ROWS.toLocaleString('en')} events; plan: ${plan.join('; ')}`);
  return opened;
}

const withIndex = await measure('with (type, seq)');
await indexMigration.down(withIndex.knex);
await withIndex.close();
await (await measure('after migration 025 down')).close();
fs.rmSync(dir, { recursive: true, force: true });
