// What a statement costs through knex against a prepared better-sqlite3 statement, and what a knex transaction costs,
// on an SQLite file in WAL mode with synchronous=NORMAL (as the service opens it), in µs per call.
// Usage: node scripts/bench/knex-statement.mjs [calls=20000]
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory from 'knex';

const require = createRequire(import.meta.url);
const Database = require('better-sqlite3');
const N = Number(process.argv[2] ?? 20_000);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knex-statement-'));
const filename = path.join(dir, 'bench.db');
const wal = (conn, done) => {
  conn.pragma('journal_mode = WAL');
  conn.pragma('synchronous = NORMAL');
  done();
};
const knex = knexFactory({ client: 'better-sqlite3', connection: { filename }, useNullAsDefault: true, pool: { afterCreate: wal } });
await knex.schema.createTable('t', (t) => {
  t.string('id').primary();
  t.string('instance_id').index();
  t.text('v');
});
await knex.batchInsert('t', Array.from({ length: 1000 }, (_, i) => ({ id: `id${i}`, instance_id: `i${i}`, v: 'x'.repeat(100) })), 200);

const perCall = async (n, fn) => {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await fn(i);
  return ((performance.now() - t0) * 1000) / n;
};
const figures = {
  knexSelect: await perCall(N, (i) => knex('t').where({ instance_id: `i${i % 1000}` })),
  knexUpdateInTransaction: await knex.transaction((trx) => perCall(N, (i) => trx('t').where({ id: `id${i % 1000}` }).update({ v: `y${i}` }))),
  knexTransactionOfOneUpdate: await perCall(N / 10, (i) => knex.transaction((trx) => trx('t').where({ id: `id${i % 1000}` }).update({ v: `z${i}` }))),
};
await knex.destroy();
const raw = new Database(filename);
const select = raw.prepare('select * from t where instance_id = ?');
figures.preparedSelect = await perCall(N, (i) => select.all(`i${i % 1000}`));
figures.prepareAndSelect = await perCall(N, (i) => raw.prepare('select * from t where instance_id = ?').all(`i${i % 1000}`));
raw.close();
fs.rmSync(dir, { recursive: true, force: true });
console.log(Object.entries(figures).map(([k, us]) => `${k}: ${us.toFixed(1)} µs`).join('\n'));
