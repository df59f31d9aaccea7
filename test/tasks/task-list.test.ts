// Given task rows of many roles, statuses, due dates (ties and none), claims and applicant tasks, when a caller
// pages through the list with a small limit, then the pages are exactly the visible tasks in list order.
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import t from 'tap';
import type { Knex } from 'knex';
import { freshPostgresUrl, tempDir, testDatabases } from '../helpers/app.js';
import { openDatabase } from '../../src/db/knex.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { tasksRepository, type TaskQuery, type TaskStatus } from '../../src/tasks/tasks-repository.js';

const ME = 'user-me';
const ROLES = ['a/staf', 'a/kepala', 'b/staf'];
const STATUSES: TaskStatus[] = ['open', 'claimed', 'completed', 'cancelled'];

interface Row {
  id: string;
  role: string | null;
  status: TaskStatus;
  due_at: string | null;
  assignee: string | null;
  candidate_user_id: string | null;
  definition_key: string;
  instance_id: string;
}

/** Deterministic pseudo-random numbers (mulberry32). */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

async function seed(knex: Knex): Promise<Row[]> {
  const r = rng(7);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)] as T;
  const definitionId = randomUUID();
  await knex('definitions').insert({ id: definitionId, key: 'k', version: 1, name: 'k', xml: '<definitions/>', hash: '0'.repeat(64), metadata: '{}', deployed_by: null, deployed_at: '2026-01-01T00:00:00.000Z' });
  const instances = [randomUUID(), randomUUID(), randomUUID()];
  for (const id of instances) {
    await knex('instances').insert({ id, definition_id: definitionId, definition_key: 'k', version: 1, business_key: null, status: 'running', started_by: ME, started_at: '2026-01-01T00:00:00.000Z', ended_at: null, variables: '{}', engine_state: '{}', rev: 1, cancel_reason: null });
  }
  // Few distinct due dates, so ties on dueAt are common and the id decides.
  const dues = [null, '2026-03-01T01:00:00.000Z', '2026-03-01T02:00:00.000Z', '2026-03-02T01:00:00.000Z', '2026-04-01T00:00:00.000Z'];
  const rows: Row[] = [];
  for (let i = 0; i < 240; i++) {
    const status = pick(STATUSES);
    const x = r();
    rows.push({
      id: randomUUID(),
      role: x < 0.05 ? null : pick(ROLES),
      status,
      due_at: pick(dues),
      assignee: status === 'claimed' || status === 'completed' ? (r() < 0.3 ? ME : 'someone') : null,
      candidate_user_id: x > 0.85 ? (r() < 0.5 ? ME : 'another-applicant') : null,
      definition_key: r() < 0.8 ? 'k' : 'other',
      instance_id: pick(instances),
    });
  }
  await knex.batchInsert(
    'tasks',
    rows.map((row) => ({ ...row, definition_id: definitionId, version: 1, element_id: 'e', execution_id: `e_${row.id}`, name: 'n', step: '1', created_at: '2026-01-01T00:00:00.000Z' })),
    50,
  );
  return rows;
}

/** What the list must return, computed here: the visibility rule and the order of DESIGN.md. */
function expected(rows: Row[], q: Omit<TaskQuery, 'limit' | 'after'>): string[] {
  return rows
    .filter((row) => q.statuses.includes(row.status))
    .filter((row) => {
      if (!q.visibleRoles) return true;
      const byRole = row.role !== null && q.visibleRoles.includes(row.role) && (row.candidate_user_id === null || row.candidate_user_id === q.userId);
      return byRole || row.assignee === q.userId || row.candidate_user_id === q.userId;
    })
    .filter((row) => (q.role ? row.role === q.role : true))
    .filter((row) => (q.assigneeIsMe ? row.assignee === q.userId : true))
    .filter((row) => (q.definitionKey ? row.definition_key === q.definitionKey : true))
    .filter((row) => (q.instanceId ? row.instance_id === q.instanceId : true))
    .filter((row) => (q.overdueAt ? row.due_at !== null && row.due_at < q.overdueAt : true))
    .sort((a, b) => {
      if ((a.due_at === null) !== (b.due_at === null)) return a.due_at === null ? 1 : -1;
      if (a.due_at !== b.due_at) return (a.due_at as string) < (b.due_at as string) ? -1 : 1;
      return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
    })
    .map((row) => row.id);
}

for (const database of await testDatabases()) {
  t.test(`[${database}] paging through the task list gives every visible task once, in order`, async (t) => {
    const url = database === 'postgres' ? await freshPostgresUrl(t) : `sqlite:${path.join(tempDir(t), 'l.db')}`;
    const db = openDatabase(url);
    t.teardown(() => db.knex.destroy());
    await migrateToLatest(db.knex);
    const rows = await seed(db.knex);
    const tasks = tasksRepository(db.knex);
    const queries: Array<[string, Omit<TaskQuery, 'limit' | 'after'>]> = [
      ['one role', { visibleRoles: ['a/staf'], userId: ME, statuses: ['open', 'claimed'] }],
      ['two roles', { visibleRoles: ['a/staf', 'b/staf'], userId: ME, statuses: ['open', 'claimed'] }],
      ['no role: own claims and applicant tasks only', { visibleRoles: [], userId: ME, statuses: ['open', 'claimed'] }],
      ['admin', { userId: ME, statuses: ['open', 'claimed'] }],
      ['admin, every status', { userId: ME, statuses: STATUSES }],
      ['one role asked for', { visibleRoles: ['a/staf', 'a/kepala'], userId: ME, role: 'a/kepala', statuses: ['open', 'claimed'] }],
      ['a role not held', { visibleRoles: ['a/staf'], userId: ME, role: 'b/staf', statuses: ['open', 'claimed'] }],
      ['mine', { visibleRoles: ['a/staf'], userId: ME, assigneeIsMe: true, statuses: ['claimed', 'completed'] }],
      ['one SOP', { visibleRoles: ROLES, userId: ME, definitionKey: 'other', statuses: ['open', 'claimed'] }],
      ['overdue', { visibleRoles: ROLES, userId: ME, overdueAt: '2026-03-02T00:00:00.000Z', statuses: ['open', 'claimed'] }],
      ['done', { visibleRoles: ROLES, userId: ME, statuses: ['completed', 'cancelled'] }],
    ];
    for (const [name, q] of queries) {
      const want = expected(rows, q);
      for (const limit of [1, 4, 50]) {
        const got: string[] = [];
        let after: TaskQuery['after'];
        for (let page = 0; page < 300; page++) {
          const items = await tasks.list({ ...q, limit, ...(after ? { after } : {}) });
          got.push(...items.map((i) => i.id));
          const last = items[items.length - 1];
          if (items.length < limit || !last) break;
          after = { dueAt: last.dueAt, id: last.id };
        }
        t.same(got, want, `${name}, pages of ${limit}`);
      }
    }
    const byInstance = { visibleRoles: ROLES, userId: ME, instanceId: rows[0]?.instance_id as string, statuses: ['open', 'claimed'] as TaskStatus[] };
    t.same((await tasks.list({ ...byInstance, limit: 500 })).map((i) => i.id), expected(rows, byInstance), 'one instance');
  });
}
