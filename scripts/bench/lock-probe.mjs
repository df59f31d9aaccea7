// How long a server's SQLite connection waits for the write lock and then holds it: preloaded with `--import` (node's
// cluster workers inherit it), it wraps better-sqlite3's Statement.run and times, per process, each BEGIN IMMEDIATE
// from its first try to the try that took the lock (patientBegin tries again while another process holds it) and each
// transaction from that BEGIN to its COMMIT or ROLLBACK (wall time: whatever the event loop runs meanwhile counts).
// Every 2 s and at exit it writes the count, mean, p50, p90, p99 and the sum of both to lock-probe-<pid>.txt in
// LOCK_PROBE_DIR (default: the OS temp dir), with the time in SQLite within each hold, the statements per
// transaction and BEGIN's busy tries; at exit also lock-holds-<pid>.json, each hold as [from, to] in µs of the
// monotonic clock V8's CPU profiles use, for hold-profile.mjs (what the process ran while it held the lock).
// Usage: npm run build && WORKERS=2 NODE_ARGS="--import=$PWD/scripts/bench/lock-probe.mjs" node scripts/bench/cpu-cost.mjs 1500
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(fileURLToPath(import.meta.url));
const Database = require('better-sqlite3');
const probe = new Database(':memory:');
const Statement = Object.getPrototypeOf(probe.prepare('select 1'));
probe.close();

const waits = [];
const holds = [];
const inSql = [];
const statements = [];
let firstTry = null;
let heldSince = null;
let sqlMs = 0;
let count = 0;
let busyTries = 0;
const triesPerWait = [];
const windows = [];
let heldSinceUs = null;
const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);
// A statement run while this connection holds the lock: its time in SQLite counts toward the hold's.
const countInHold = (ms) => {
  if (heldSince === null) return;
  sqlMs += ms;
  count++;
};
const original = Statement.run;
Statement.run = function timed(...args) {
  const sql = this.source.trim().toUpperCase();
  const t = performance.now();
  if (sql.startsWith('BEGIN')) firstTry ??= t;
  let result;
  try {
    result = original.apply(this, args); // a busy BEGIN throws here and is tried again
  } catch (err) {
    if (sql.startsWith('BEGIN')) busyTries++;
    throw err;
  }
  const done = performance.now();
  countInHold(done - t);
  if (sql.startsWith('BEGIN')) {
    waits.push(done - firstTry);
    triesPerWait.push(busyTries);
    busyTries = 0;
    firstTry = null;
    heldSince = done;
    heldSinceUs = monotonicUs();
    sqlMs = 0;
    count = 0;
  } else if ((sql.startsWith('COMMIT') || sql.startsWith('ROLLBACK')) && heldSince !== null) {
    holds.push(done - heldSince);
    inSql.push(sqlMs);
    statements.push(count);
    windows.push([heldSinceUs, monotonicUs()]);
    heldSince = null;
  }
  return result;
};

// Reads inside a transaction hold the lock as well: count their time in SQLite too.
const originalAll = Statement.all;
Statement.all = function timedAll(...args) {
  const t = performance.now();
  const rows = originalAll.apply(this, args);
  countInHold(performance.now() - t);
  return rows;
};

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
const line = (name, values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const sum = sorted.reduce((a, b) => a + b, 0);
  const f = (ms) => `${ms.toFixed(2)} ms`;
  return `${name}: ${sorted.length}, mean ${f(sum / (sorted.length || 1))}, p50 ${f(quantile(sorted, 0.5))}, p90 ${f(quantile(sorted, 0.9))}, p99 ${f(quantile(sorted, 0.99))}, sum ${f(sum)}`;
};
const out = path.join(process.env.LOCK_PROBE_DIR ?? os.tmpdir(), `lock-probe-${process.pid}.txt`);
const write = () =>
  fs.writeFileSync(out, `${line('waited for the write lock', waits)}\n${line('held it', holds)}\n${line('of it in SQLite (run and all)', inSql)}\n${line('statements per transaction, COMMIT included', statements).replace(/ ms/g, '')}\n${line('busy tries of BEGIN per transaction', triesPerWait).replace(/ ms/g, '')}\n`);
process.on('exit', () => {
  write();
  fs.writeFileSync(path.join(path.dirname(out), `lock-holds-${process.pid}.json`), JSON.stringify(windows));
});
setInterval(write, 2000).unref();
