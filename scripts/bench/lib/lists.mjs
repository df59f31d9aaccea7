// GET /tasks for one role at growing table sizes, and GET /audit/report over a million completed steps,
// against a running server whose database is filled in bulk beside it; with the query plans the database chose.
import http from 'node:http';
import path from 'node:path';
import { api, root } from './server.mjs';
import { TaskMix, fillTasks, openKnex } from './bulk.mjs';

function get(agent, base, path, token) {
  return new Promise((resolve, reject) => {
    const req = http.get(base + path, { agent, headers: { authorization: `Bearer ${token}` } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`${path} → ${res.statusCode}`))));
    });
    req.on('error', reject);
  });
}

/**
 * Sequential requests over one keep-alive connection, timed here to a tenth of a millisecond (autocannon's
 * histogram rounds to whole milliseconds, too coarse for a 3 ms list): nearest-rank p50 and p99.
 */
async function latency(base, path, token, amount) {
  // A fresh connection per series: the server closes an idle keep-alive socket (5 s) while rows are inserted.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const times = [];
  try {
    await get(agent, base, path, token);
    for (let i = 0; i < amount; i++) {
      const t0 = performance.now();
      await get(agent, base, path, token);
      times.push(performance.now() - t0);
    }
  } finally {
    agent.destroy();
  }
  times.sort((a, b) => a - b);
  const at = (p) => Math.round(times[Math.ceil((p / 100) * times.length) - 1] * 10) / 10;
  return { requests: amount, p50: at(50), p99: at(99), mean: times.reduce((a, b) => a + b, 0) / amount };
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
export async function listsAndReport({ server, databaseUrl, kind, role, sizes, reportRows, requests = 400, reportRuns = 3, pageSize = 10, log = () => undefined }) {
  const knex = openKnex(databaseUrl);
  try {
    const definitions = await definitionsOf(knex);
    const mix = new TaskMix({ definitions, role });
    const user = await api(server.base, 'POST', '/users', server.admin, { name: 'bench staff', roles: [role] });
    const lists = [];
    for (const size of sizes) {
      await fillTasks(knex, mix, { target: size, log: (m) => log(`  tasks: ${m}`) });
      // The bulk load's log is the harness's, not a request's: copy it into the file before measuring, or the
      // service's checkpoint thread would still be copying up to a gigabyte of it while the lists are timed.
      if (kind === 'sqlite') await knex.raw('pragma wal_checkpoint(TRUNCATE)');
      if (kind === 'sqlite') await knex.raw('analyze');
      else await knex.raw('analyze tasks');
      const roleRows = Number((await knex('tasks').count({ n: '*' }).where({ role }))[0].n);
      const visible = Number((await knex('tasks').count({ n: '*' }).where({ role }).whereIn('status', ['open', 'claimed']))[0].n);
      // The page must be equally full at every size, or the list would look slower at 1M rows only because it
      // then returns 50 tasks where at 10k the role had 14 open: so a page of `pageSize` (full at every size
      // measured), and the default page of 50 beside it.
      const path = `/tasks?limit=${pageSize}`;
      await latency(server.base, path, user.token, 50); // warm-up
      const l = await latency(server.base, path, user.token, requests);
      const full = await latency(server.base, '/tasks', user.token, requests);
      const plans = await listPlans(knex, kind, user, role);
      lists.push({ rows: size, roleRows, visible, pageSize, ...l, defaultPage: { p50: full.p50, p99: full.p99, items: Math.min(50, visible) }, plans });
      log(`  GET /tasks?limit=${pageSize} at ${size} rows (${visible} open for the role): p50 ${l.p50} ms, p99 ${l.p99} ms; default page of ${Math.min(50, visible)}: p50 ${full.p50} ms, p99 ${full.p99} ms`);
    }
    let report = null;
    if (reportRows > 0) {
      await fillTasks(knex, mix, { target: reportRows, completedOnly: true, log: (m) => log(`  completed: ${m}`) });
      if (kind === 'sqlite') await knex.raw('pragma wal_checkpoint(TRUNCATE)');
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
