// Times every SQLite statement a server runs: preloaded with `--import`, it wraps better-sqlite3's Statement methods
// and writes, every 2 s and at exit, the 40 statements that took longest in all (ms in all, calls, µs per call, SQL)
// to sql-probe-<pid>.txt in SQL_PROBE_DIR (default: the OS temp dir). Knex's own time is not in these figures.
// Usage (the server runs in a temp dir, so the path is absolute): npm run build &&
//   ONLY=start NODE_ARGS="--import=$PWD/scripts/bench/sql-probe.mjs" node scripts/bench/cpu-cost.mjs 3000
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

const stats = new Map();
for (const method of ['run', 'all', 'get', 'iterate']) {
  const original = Statement[method];
  Statement[method] = function timed(...args) {
    const t0 = process.hrtime.bigint();
    try {
      return original.apply(this, args);
    } finally {
      const us = Number(process.hrtime.bigint() - t0) / 1000;
      // knex's multi-row insert repeats `select ? as …` once per row: one row stands for all.
      const sql = this.source.replace(/\s+/g, ' ').replace(/(select \? as .*?)( union all select .*)$/, '$1 union all …').slice(0, 160);
      const s = stats.get(sql) ?? { calls: 0, us: 0 };
      s.calls++;
      s.us += us;
      stats.set(sql, s);
    }
  };
}

const out = path.join(process.env.SQL_PROBE_DIR ?? os.tmpdir(), `sql-probe-${process.pid}.txt`);
function write() {
  const rows = [...stats].sort((a, b) => b[1].us - a[1].us).slice(0, 40);
  fs.writeFileSync(out, rows.map(([sql, s]) => `${(s.us / 1000).toFixed(0).padStart(7)} ms ${String(s.calls).padStart(7)}× ${(s.us / s.calls).toFixed(1).padStart(7)} µs  ${sql}`).join('\n') + '\n');
}
process.on('exit', write);
setInterval(write, 2000).unref();
