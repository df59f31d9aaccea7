// Bulk task rows for GET /tasks and the SLA report, inserted with knex in batches (never through the API):
// a realistic mix over every deployed SOP's steps and roles, statuses and due dates, with instances to match.
import { randomUUID } from 'node:crypto';
import knexFactory from 'knex';

export function openKnex(databaseUrl) {
  if (databaseUrl.startsWith('sqlite:')) {
    return knexFactory({
      client: 'better-sqlite3',
      connection: { filename: databaseUrl.slice('sqlite:'.length) },
      useNullAsDefault: true,
      // A page cache large enough for the task indexes: random UUID keys otherwise make every insert a disk read.
      pool: { min: 1, max: 1, afterCreate: (c, done) => (c.pragma('busy_timeout = 10000'), c.pragma('cache_size = -262144'), done(null, c)) },
    });
  }
  return knexFactory({ client: 'pg', connection: databaseUrl, pool: { min: 0, max: 4 } });
}

/** A deterministic pseudo-random source, so two runs generate the same mix. */
function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Generates rows. `role` is the benchmarked role: it holds about `share` of all rows, the rest fall to the
 * other roles of every deployed SOP. Each instance walks the first steps of one SOP in sheet order; the status
 * mix is that of a service that has run for a while: most steps are history, some are open or claimed.
 */
export class TaskMix {
  constructor({ definitions, role, share = 0.1, seed = 9 }) {
    this.random = rng(seed);
    this.role = role;
    this.definitions = definitions.filter((d) => d.metadata.steps.length > 0);
    this.mine = this.definitions.filter((d) => d.metadata.steps.some((s) => s.role === role));
    this.others = this.definitions.filter((d) => !this.mine.includes(d));
    if (this.mine.length === 0) throw new Error(`no deployed step has the role ${role}`);
    // An instance of a SOP the role works in walks ~3 of its steps, ~1 of them the role's: so `share` of the
    // rows fall to the role when about 3 × share of the instances are of those SOPs.
    this.mineShare = Math.min(1, 3 * share);
    this.users = Array.from({ length: 200 }, () => randomUUID());
    this.t0 = Date.parse('2025-01-01T00:00:00Z');
    this.t1 = Date.parse('2026-11-20T00:00:00Z');
    this.now = Date.now();
  }
  pick(a) {
    return a[Math.floor(this.random() * a.length)];
  }
  /** Rows for one instance: the first n steps of a SOP in sheet order, all done but possibly the last. */
  instance(statusOverride) {
    const r = this.random;
    const d = r() < this.mineShare ? this.pick(this.mine) : this.pick(this.others);
    const id = randomUUID();
    const startedBy = this.pick(this.users);
    const started = this.t0 + r() * (this.t1 - this.t0);
    const all = d.metadata.steps;
    const n = 1 + Math.floor(r() * all.length);
    const tasks = [];
    let at = started;
    let last = 'completed';
    for (let i = 0; i < n; i++) {
      const s = all[i];
      const isLast = i === n - 1;
      const x = r();
      let status = 'completed';
      if (isLast) status = statusOverride ?? (x < 0.12 ? 'open' : x < 0.17 ? 'claimed' : x < 0.2 ? 'cancelled' : 'completed');
      last = status;
      // A step's standard comes from its diagram: the same on every row of the step.
      const standardMs = s.timeStandard ? standardOf(s.timeStandard.iso) : null;
      const created = at;
      const working = Math.round((standardMs ?? 3_600_000) * (0.2 + r() * 1.3));
      const completed = status === 'completed' ? created + working * 3 : null;
      at = completed ?? created + 60_000;
      const assignee = status === 'claimed' || status === 'completed' ? this.pick(this.users) : null;
      tasks.push({
        id: randomUUID(),
        instance_id: id,
        definition_id: d.id,
        definition_key: d.key,
        version: d.version,
        element_id: s.elementId,
        execution_id: `${s.elementId}_${Math.floor(r() * 1e9).toString(16)}`,
        name: s.activity ?? s.elementId,
        step: s.no ?? null,
        role: s.role ?? null,
        candidate_user_id: s.initiator ? startedBy : null,
        assignee,
        status,
        created_at: new Date(created).toISOString(),
        claimed_at: assignee ? new Date(created + 1000).toISOString() : null,
        completed_at: completed === null ? (status === 'cancelled' ? new Date(at).toISOString() : null) : new Date(completed).toISOString(),
        completed_by: status === 'completed' ? assignee : null,
        starts_at: null,
        due_at: standardMs === null ? null : new Date(created + standardMs * 2).toISOString(),
        standard_ms: standardMs,
        // What the overdue sweeper would have marked already: else the server's first sweep would mark tens of
        // thousands of bulk rows at once, holding the database while the lists and the report are timed.
        overdue_at: (status === 'open' || status === 'claimed') && standardMs !== null && created + standardMs * 2 < this.now ? new Date(created + standardMs * 2).toISOString() : null,
        documents: status === 'completed' ? '[{"name":"Lembar Konsultasi"}]' : null,
        output: status === 'completed' ? '[{"name":"Data Pemohon"}]' : null,
        variables: status === 'completed' ? '{}' : null,
        working_ms: status === 'completed' ? working : null,
        wall_ms: status === 'completed' ? working * 3 : null,
        breached: status === 'completed' && standardMs !== null ? working > standardMs : null,
      });
    }
    const instance = {
      id,
      definition_id: d.id,
      definition_key: d.key,
      version: d.version,
      business_key: null,
      status: last === 'completed' ? 'completed' : last === 'cancelled' ? 'cancelled' : 'running',
      started_by: startedBy,
      started_at: new Date(started).toISOString(),
      ended_at: last === 'completed' || last === 'cancelled' ? new Date(at).toISOString() : null,
      variables: '{}',
      engine_state: '{}',
      rev: tasks.length,
      cancel_reason: null,
    };
    return { instance, tasks };
  }
}

/** Milliseconds of an ISO 8601 duration of days, hours and minutes (what the SOPs' waktu use). */
function standardOf(iso) {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$/.exec(iso ?? '');
  if (!m) return 3_600_000;
  return ((Number(m[1] ?? 0) * 8 + Number(m[2] ?? 0)) * 60 + Number(m[3] ?? 0)) * 60_000 || 3_600_000;
}

const statements = new Map();

/**
 * One multi-row INSERT through knex.raw, its SQL text built once per table and row count: knex's query compiler
 * would otherwise spend more time than the database on 500 rows × 30 columns. SQLite binds at most 32766
 * variables per statement, PostgreSQL 65535: 30 columns × 500 rows stays below both.
 */
async function insertRows(trx, table, rows) {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]);
  const key = `${table}:${rows.length}`;
  let sql = statements.get(key);
  if (!sql) {
    const one = `(${columns.map(() => '?').join(', ')})`;
    sql = `insert into ${table} (${columns.join(', ')}) values ${Array.from({ length: rows.length }, () => one).join(', ')}`;
    statements.set(key, sql);
  }
  const bindings = new Array(rows.length * columns.length);
  let i = 0;
  for (const r of rows) for (const c of columns) bindings[i++] = r[c];
  await trx.raw(sql, bindings);
}

/** Inserts instances until `target` task rows exist in total (or `completedTarget` completed ones); returns the count added. */
export async function fillTasks(knex, mix, { target, completedOnly = false, batch = 500, log = () => undefined }) {
  const count = async () => Number((await knex('tasks').count({ n: '*' }).where(completedOnly ? { status: 'completed' } : {}))[0].n);
  let have = await count();
  const start = have;
  const t0 = Date.now();
  while (have < target) {
    await knex.transaction(async (trx) => {
      for (let round = 0; round < 40 && have < target; round++) {
        const instances = [];
        const tasks = [];
        while (tasks.length < batch && have + tasks.length < target) {
          const { instance, tasks: t } = mix.instance(completedOnly ? 'completed' : undefined);
          instances.push(instance);
          for (const row of t) if (!completedOnly || row.status === 'completed') tasks.push(row);
        }
        await insertRows(trx, 'instances', instances);
        await insertRows(trx, 'tasks', tasks);
        have += tasks.length;
      }
    });
    log(`${have} rows (${Math.round((have - start) / ((Date.now() - t0) / 1000))}/s)`);
  }
  return have - start;
}
