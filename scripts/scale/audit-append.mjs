// How many audit appends per second the chain's one serialisation point allows on PostgreSQL: W writers, each
// appending one event per transaction (lock the head row, insert, update the head, commit) for S seconds.
// Usage: node scripts/scale/audit-append.mjs [--writers 8] [--seconds 10] [--pg postgres://postgres@127.0.0.1:5432/test]
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const WRITERS = Number(arg('writers', 8));
const SECONDS = Number(arg('seconds', 10));
const PG_URL = arg('pg', process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test');

const { openDatabase } = await import(path.join(root, 'dist', 'src', 'db', 'knex.js'));
const { migrateToLatest } = await import(path.join(root, 'dist', 'src', 'db', 'migrate.js'));
const { auditChain } = await import(path.join(root, 'dist', 'src', 'audit', 'audit-chain.js'));

const name = `sop_append_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
const admin = async (sql) => {
  const c = new pg.Client(PG_URL);
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
};
await admin(`create database ${name}`);
const url = new URL(PG_URL);
url.pathname = `/${name}`;
const db = openDatabase(url.toString());
try {
  await migrateToLatest(db.knex);
  const chain = auditChain(db.knex, db.kind);
  const until = Date.now() + SECONDS * 1000;
  const latencies = [];
  await Promise.all(
    Array.from({ length: WRITERS }, async (_, w) => {
      while (Date.now() < until) {
        const t0 = performance.now();
        await db.knex.transaction((trx) => chain.append(trx, [{ type: 'task.claimed', at: new Date().toISOString(), userId: `writer-${w}`, data: { w } }]));
        latencies.push(performance.now() - t0);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const verify = await chain.verify();
  const perSecond = Math.round(latencies.length / SECONDS);
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)].toFixed(1);
  console.log(`audit-append: ${perSecond}/s with ${WRITERS} writers for ${SECONDS}s (p50 ${pct(50)} ms, p99 ${pct(99)} ms), chain ${verify.ok ? 'verifies' : 'BROKEN'} over ${verify.events} events`);
  process.exitCode = verify.ok ? 0 : 1;
} finally {
  await db.knex.destroy();
  await admin(`drop database if exists ${name} with (force)`);
}
