// GET /tasks for one role at growing table sizes, and GET /audit/report over a million completed steps,
// against a running server whose database is filled in bulk beside it; with the query plans the database chose.
import autocannon from 'autocannon';
import path from 'node:path';
import { api, root } from './server.mjs';
import { TaskMix, fillTasks, openKnex } from './bulk.mjs';

/** Sequential requests (one connection): latency p50/p99 of one path. */
function latency(base, path, token, amount) {
  return new Promise((resolve, reject) => {
    autocannon({ url: base + path, connections: 1, amount, headers: { authorization: `Bearer ${token}` } }, (err, r) => {
      if (err) return reject(err);
      if (r.non2xx > 0 || r.errors > 0) return reject(new Error(`${path}: ${r.non2xx} non-2xx, ${r.errors} errors`));
      resolve({ requests: r.requests.total, p50: r.latency.p50, p99: r.latency.p99, mean: r.latency.mean });
    });
  });
}

async function definitionsOf(knex) {
  const rows = await knex('definitions').select('id', 'key', 'version', 'metadata');
  return rows.map((r) => ({ ...r, version: Number(r.version), metadata: JSON.parse(r.metadata) }));
}

/** Distinct plans with how many of the queries used each. */
function distinct(plans) {
  const counts = new Map();
  for (const p of plans) counts.set(p, (counts.get(p) ?? 0) + 1);
  return [...counts].map(([p, n]) => (n > 1 ? `${n} × ${p}` : p));
}

async function explain(knex, kind, sql, bindings) {
  if (kind === 'sqlite') {
    const rows = await knex.raw(`explain query plan ${sql}`, bindings);
    return rows.map((r) => r.detail).join('; ');
  }
  const res = await knex.raw(`explain ${sql}`, bindings);
  return res.rows.map((r) => r['QUERY PLAN'].trim()).join('; ');
}

/** The plans the database chose for the queries this user's GET /tasks runs (the service's own repository, from dist/). */
async function listPlans(knex, kind, user, role) {
  const { tasksRepository } = await import(path.join(root, 'dist', 'src', 'tasks', 'tasks-repository.js'));
  const seen = [];
  const onQuery = (q) => seen.push([q.sql, q.bindings ?? []]);
  knex.on('query', onQuery);
  try {
    await tasksRepository(knex).list({ visibleRoles: [role], userId: user.id, statuses: ['open', 'claimed'], limit: 51 });
  } finally {
    knex.off('query', onQuery);
  }
  const plans = [];
  for (const [sql, bindings] of seen) plans.push(await explain(knex, kind, sql, bindings));
  return distinct(plans);
}

/** The plans of the report's two queries (the service's own report service, from dist/). */
async function reportPlans(knex, kind) {
  const { reportService } = await import(path.join(root, 'dist', 'src', 'audit', 'report-service.js'));
  const seen = [];
  const onQuery = (q) => seen.push([q.sql, q.bindings ?? []]);
  knex.on('query', onQuery);
  try {
    await reportService({ knex, kind }).report({ groupBy: 'step' });
  } finally {
    knex.off('query', onQuery);
  }
  const plans = [];
  for (const [sql, bindings] of seen) plans.push(await explain(knex, kind, sql, bindings));
  return distinct(plans);
}

/**
 * Fills the server's database to each size in `sizes` and times GET /tasks for a user holding `role`; then
 * tops completed rows up to `reportRows` and times GET /audit/report (admin: every SOP, grouped by step).
 */
export async function listsAndReport({ server, databaseUrl, kind, role, sizes, reportRows, requests = 400, reportRuns = 3, log = () => undefined }) {
  const knex = openKnex(databaseUrl);
  try {
    const definitions = await definitionsOf(knex);
    const mix = new TaskMix({ definitions, role });
    const user = await api(server.base, 'POST', '/users', server.admin, { name: 'bench staff', roles: [role] });
    const lists = [];
    for (const size of sizes) {
      await fillTasks(knex, mix, { target: size, log: (m) => log(`  tasks: ${m}`) });
      if (kind === 'sqlite') await knex.raw('analyze');
      else await knex.raw('analyze tasks');
      const roleRows = Number((await knex('tasks').count({ n: '*' }).where({ role }))[0].n);
      const visible = Number((await knex('tasks').count({ n: '*' }).where({ role }).whereIn('status', ['open', 'claimed']))[0].n);
      await latency(server.base, '/tasks', user.token, 50); // warm-up
      const l = await latency(server.base, '/tasks', user.token, requests);
      const plans = await listPlans(knex, kind, user, role);
      lists.push({ rows: size, roleRows, visible, ...l, plans });
      log(`  GET /tasks at ${size} rows (${visible} open for the role): p50 ${l.p50} ms, p99 ${l.p99} ms`);
    }
    let report = null;
    if (reportRows > 0) {
      await fillTasks(knex, mix, { target: reportRows, completedOnly: true, log: (m) => log(`  completed: ${m}`) });
      if (kind === 'sqlite') await knex.raw('analyze');
      else await knex.raw('analyze tasks');
      const completed = Number((await knex('tasks').count({ n: '*' }).where({ status: 'completed' }))[0].n);
      const times = [];
      let groups = 0;
      for (let i = 0; i < reportRuns; i++) {
        const t0 = performance.now();
        const r = await api(server.base, 'GET', '/audit/report', server.admin);
        times.push(performance.now() - t0);
        groups = r.rows.length;
      }
      times.sort((a, b) => a - b);
      report = { completed, groups, plans: await reportPlans(knex, kind), runs: times.map((t) => Math.round(t)), median: times[Math.floor(times.length / 2)], max: times[times.length - 1] };
      log(`  GET /audit/report over ${completed} completed steps: ${report.runs.join(', ')} ms`);
    }
    return { role, lists, report };
  } finally {
    await knex.destroy();
  }
}
