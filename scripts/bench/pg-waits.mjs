// What the service's PostgreSQL sessions are waiting for while a load runs: samples pg_stat_activity every 100 ms
// and prints how often each (wait event, state) was seen. Run it beside `npm run bench -- --only http-pg`.
// Usage: node scripts/bench/pg-waits.mjs [--seconds 4] [--like 'sop_bench%'] [--pg postgres://postgres@127.0.0.1:5432/test]
import pg from 'pg';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const SECONDS = Number(arg('seconds', 4));
const LIKE = arg('like', 'sop_bench%');
const client = new pg.Client(arg('pg', process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'));
await client.connect();
const counts = new Map();
const until = Date.now() + SECONDS * 1000;
let samples = 0;
while (Date.now() < until) {
  const { rows } = await client.query(
    `select coalesce(wait_event_type, '-') || ':' || coalesce(wait_event, '-') || ' ' || state as what
       from pg_stat_activity where backend_type = 'client backend' and datname like $1 and pid <> pg_backend_pid()`,
    [LIKE],
  );
  for (const { what } of rows) counts.set(what, (counts.get(what) ?? 0) + 1);
  samples++;
  await new Promise((r) => setTimeout(r, 100));
}
await client.end();
console.log(`pg-waits: ${samples} samples over ${SECONDS}s of databases like '${LIKE}'`);
for (const [what, n] of [...counts].sort((a, b) => b[1] - a[1])) console.log(`${String(n).padStart(6)}  ${what}`);
